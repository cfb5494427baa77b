package org.cohortex.random;

/**
 * Philox4x32-10 counter-based generator (Salmon, Moraes, Dror & Shaw 2011, "Parallel random numbers:
 * as easy as 1, 2, 3"): output = a keyed bijection of a 128-bit counter. The stream of a gene is
 * key = seed, counter = (draw index, iteration, gene, 0), so any draw can be recomputed
 * independently, on any thread or on a GPU, and results do not depend on scheduling.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    private final int k0, k1, gene;
    private int iteration, index;
    private final int[] block = new int[4];
    private int used = 4;
    private double spare = Double.NaN;

    public Philox(long seed, int gene) {
        this.k0 = (int) seed;
        this.k1 = (int) (seed >>> 32);
        this.gene = gene;
    }

    /** Moves to the start of an iteration's sub-stream. */
    public void iteration(int it) {
        iteration = it;
        index = 0;
        used = 4;
        spare = Double.NaN;
    }

    /** The 4 x 32-bit output for a counter (c0, c1, c2, c3) under key (k0, k1). */
    public static void bijection(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int r = 0; r < 10; r++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL), p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0, hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            int n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
            c0 = n0;
            c1 = lo1;
            c2 = n2;
            c3 = lo0;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    public int nextInt32() {
        if (used == 4) {
            bijection(index++, iteration, gene, 0, k0, k1, block);
            used = 0;
        }
        return block[used++];
    }

    /** Uniform on (0, 1), never 0 or 1. */
    public double uniform() {
        return ((nextInt32() & 0xFFFFFFFFL) + 0.5) / 4294967296.0;
    }

    /** Standard normal by Box-Muller (pairs; the second value is kept for the next call). */
    public double normal() {
        if (!Double.isNaN(spare)) {
            double s = spare;
            spare = Double.NaN;
            return s;
        }
        double u1 = uniform(), u2 = uniform();
        double r = Math.sqrt(-2 * Math.log(u1)), t = 2 * Math.PI * u2;
        spare = r * Math.sin(t);
        return r * Math.cos(t);
    }

    /** Gamma(shape, 1) by Marsaglia & Tsang (2000), with the u^(1/shape) boost for shape < 1. */
    public double gamma(double shape) {
        if (shape < 1) return gamma(shape + 1) * Math.pow(uniform(), 1.0 / shape);
        double d = shape - 1.0 / 3.0, c = 1.0 / Math.sqrt(9 * d);
        while (true) {
            double x = normal(), v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = uniform();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
        }
    }
}
