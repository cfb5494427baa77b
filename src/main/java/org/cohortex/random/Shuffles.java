package org.cohortex.random;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Fisher-Yates shuffles and the bounded integer draws they need, on Philox or keyed SplittableRandom streams. */
public final class Shuffles {
    private Shuffles() {}

    /** A uniform sample of k of 0..n-1 without replacement, in draw order (partial Fisher-Yates). */
    public static int[] sample(SplittableRandom r, int n, int k) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return Arrays.copyOf(a, k);
    }

    /**
     * Shuffles v[off .. off + n) in place. Indices by Lemire's multiply-shift, two per 64-bit draw:
     * the bias, at most n / 2^32 (~1e-7) per index, is immaterial for a permutation null.
     */
    public static void shuffle(double[] v, int off, int n, SplittableRandom rng) {
        long bits = 0;
        for (int i = n - 1, k = 0; i > 0; i--, k++) {
            if ((k & 1) == 0) bits = rng.nextLong();
            long u = (k & 1) == 0 ? bits >>> 32 : bits & 0xFFFFFFFFL;
            int j = (int) ((u * (i + 1)) >>> 32);
            double t = v[off + i];
            v[off + i] = v[off + j];
            v[off + j] = t;
        }
    }

    /** Stream tag of {@link #permutations} in the "gene" slot of the Philox counter, apart from every imputation stream. */
    private static final int PERMUTATION_TAG = 0x5045524D; // "PERM"

    /**
     * Random permutations of n samples, Fisher-Yates on the Philox4x32-10 stream of (seed,
     * permutation index): permutation b is the same on any backend, thread count or block size, so
     * the cpu and cuda Freedman-Lane paths permute identically and a GPU never has to draw them.
     * perms[b * n + i] = the sample whose residual goes to sample i in permutation first + b.
     */
    public static int[] permutations(long seed, int n, int first, int count) {
        int[] out = new int[count * n];
        for (int b = 0; b < count; b++) {
            Philox rng = new Philox(seed, PERMUTATION_TAG);
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
    public static int bounded(Philox rng, int bound) {
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
