package org.cohortex.stats;

import org.cohortex.impute.Philox;

/**
 * Random permutations of n samples, Fisher-Yates on a Philox4x32-10 stream keyed by (seed,
 * permutation index): permutation b is the same on any backend, thread count or block size, so
 * the cpu and cuda Freedman-Lane paths permute identically and a GPU never has to draw them.
 */
public final class Permutations {
    /** Stream tag in the "gene" slot of the Philox counter, so these never collide with imputation draws. */
    private static final int TAG = 0x5045524D; // "PERM"

    private Permutations() {}

    /** perms[b * n + i] = the sample whose residual goes to sample i in permutation b (0 <= b < count). */
    public static int[] draw(long seed, int n, int first, int count) {
        int[] out = new int[count * n];
        for (int b = 0; b < count; b++) {
            Philox rng = new Philox(seed, TAG);
            rng.iteration(first + b);
            int off = b * n;
            for (int i = 0; i < n; i++) out[off + i] = i;
            for (int i = n - 1; i > 0; i--) {
                int j = bounded(rng, i + 1);
                int t = out[off + i];
                out[off + i] = out[off + j];
                out[off + j] = t;
            }
        }
        return out;
    }

    /** Uniform integer in [0, bound) without modulo bias (Lemire 2019, multiply-shift with rejection). */
    static int bounded(Philox rng, int bound) {
        long b = bound & 0xFFFFFFFFL;
        long m = (rng.nextInt32() & 0xFFFFFFFFL) * b;
        long low = m & 0xFFFFFFFFL;
        if (low < b) {
            long threshold = (0x100000000L - b) % b;
            while (low < threshold) {
                m = (rng.nextInt32() & 0xFFFFFFFFL) * b;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }
}
