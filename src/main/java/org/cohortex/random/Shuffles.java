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

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * A thread's draws and swap targets, and the bounds i + 1 of the swaps for its last n. Longs throughout: with the
     * bounds in an array and no narrowing to int the JIT vectorises the targets' loop (0.9 -> 0.25 ns a pair).
     */
    private static final class Scratch {
        long[] draws = new long[0], even = draws, odd = draws, evenBound = draws, oddBound = draws;
        int n = -1;

        void size(int n) {
            if (n == this.n) return;
            int pairs = n / 2;
            if (draws.length < pairs) {
                draws = new long[pairs];
                even = new long[pairs];
                odd = new long[pairs];
                evenBound = new long[pairs];
                oddBound = new long[pairs];
            }
            for (int t = 0; t < pairs; t++) {
                evenBound[t] = n - 2 * t;
                oddBound[t] = n - 2 * t - 1;
            }
            this.n = n;
        }
    }

    /**
     * dst[doff .. doff + n) = src[soff .. soff + n) shuffled as {@link #shuffle} shuffles it on {@code new
     * SplittableRandom(key)}: the same draws (the t-th nextLong of that stream is Steele, Lea &amp; Flood's mix64 of key +
     * t 0x9E3779B97F4A7C15, as in JDK 17's SplittableRandom; ShufflesTest checks it against the object), the same
     * indices and swaps. The draws and indices are computed first, in loops the JIT vectorises, so that the swaps no
     * longer wait on them: about 1.2x faster at 300 samples (the indices as longs: ~25 ms less per num.sv be of 20,000
     * x 300). Thread-safe (per-thread scratch).
     */
    public static void shuffledCopy(double[] src, int soff, double[] dst, int doff, int n, long key) {
        Scratch sc = swapIndices(n, key);
        long[] even = sc.even, odd = sc.odd;
        System.arraycopy(src, soff, dst, doff, n);
        int i = n - 1, t = 0;
        for (; i > 1; i -= 2, t++) {
            int j = (int) even[t];
            double v = dst[doff + i];
            dst[doff + i] = dst[doff + j];
            dst[doff + j] = v;
            j = (int) odd[t];
            v = dst[doff + i - 1];
            dst[doff + i - 1] = dst[doff + j];
            dst[doff + j] = v;
        }
        if (i == 1) { // n even: the last swap is an even one
            int j = (int) even[t];
            double v = dst[doff + 1];
            dst[doff + 1] = dst[doff + j];
            dst[doff + j] = v;
        }
    }

    /** {@link #shuffledCopy(double[], int, double[], int, int, long)} of float values: the same permutation for a key. */
    public static void shuffledCopy(float[] src, int soff, float[] dst, int doff, int n, long key) {
        Scratch sc = swapIndices(n, key);
        long[] even = sc.even, odd = sc.odd;
        System.arraycopy(src, soff, dst, doff, n);
        int i = n - 1, t = 0;
        for (; i > 1; i -= 2, t++) {
            int j = (int) even[t];
            float v = dst[doff + i];
            dst[doff + i] = dst[doff + j];
            dst[doff + j] = v;
            j = (int) odd[t];
            v = dst[doff + i - 1];
            dst[doff + i - 1] = dst[doff + j];
            dst[doff + j] = v;
        }
        if (i == 1) {
            int j = (int) even[t];
            float v = dst[doff + 1];
            dst[doff + 1] = dst[doff + j];
            dst[doff + j] = v;
        }
    }

    /**
     * The swap targets of {@link #shuffle} on {@code new SplittableRandom(key)} for n values, in this thread's scratch:
     * even[t] for swap 2t (i = n - 1 - 2t, the high half of draw t), odd[t] for swap 2t + 1 (its low half).
     */
    private static Scratch swapIndices(int n, long key) {
        int pairs = n / 2;
        Scratch sc = SCRATCH.get();
        sc.size(n);
        long[] d = sc.draws, even = sc.even, odd = sc.odd, evenBound = sc.evenBound, oddBound = sc.oddBound;
        long s = key;
        for (int t = 0; t < pairs; t++) {
            s += GOLDEN_GAMMA;
            d[t] = s;
        }
        for (int t = 0; t < pairs; t++) {
            long z = d[t];
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            d[t] = z ^ (z >>> 31);
        }
        for (int t = 0; t < pairs; t++) {
            long bits = d[t];
            even[t] = ((bits >>> 32) * evenBound[t]) >>> 32;
            odd[t] = ((bits & 0xFFFFFFFFL) * oddBound[t]) >>> 32;
        }
        return sc;
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
