package org.cohortex.stats;

/**
 * The values of x[0..m) (no NaN) near one rank k, so that order statistics and tie groups around k come from
 * a few hundred values instead of repeated passes over all m (Floyd &amp; Rivest 1975, SELECT's sampling step):
 * a strided sample of 1,024 values guesses a value range [a, b] holding the k-th smallest, one branch-free
 * pass keeps the values inside it and counts those below. A guess that misses k widens the range to every
 * value, and a question about a value outside the range is answered by a pass over x, so every answer is
 * exact; only the cost depends on the guess. Cost ~2 m comparisons, against ~3 m for each quickselect and m
 * for each tie count over the whole array.
 */
public final class RankBracket {
    private static final int SAMPLE = 1024;

    private final double[] x;
    private final int m;
    private final double a, b;
    private final double[] inside;
    private final int len, below;

    private RankBracket(double[] x, int m, double a, double b, double[] inside, int len, int below) {
        this.x = x;
        this.m = m;
        this.a = a;
        this.b = b;
        this.inside = inside;
        this.len = len;
        this.below = below;
    }

    /**
     * The values of x[0..m) around the k-th smallest (0-based). {@code scratch} (length >= m, or null) holds the range's
     * values until it is given to another bracket.
     */
    public static RankBracket around(double[] x, int m, int k, double[] scratch) {
        if (k < 0 || k >= m) throw new IllegalArgumentException("rank " + k + " of " + m);
        double[] buf = scratch != null && scratch.length >= m ? scratch : new double[m];
        if (m > 4 * SAMPLE) {
            double[] s = new double[SAMPLE];
            for (int i = 0; i < SAMPLE; i++) s[i] = x[(int) ((long) i * m / SAMPLE)];
            double p = (k + 0.5) / m, c = p * SAMPLE, d = 3 * Math.sqrt(SAMPLE * p * (1 - p)) + 3;
            int ia = (int) Math.floor(c - d), ib = (int) Math.ceil(c + d);
            double lo = ia < 0 ? Double.NEGATIVE_INFINITY : Order.select(s, SAMPLE, ia);
            double hi = ib >= SAMPLE ? Double.POSITIVE_INFINITY : Order.select(s, SAMPLE, ib);
            int below = 0, len = 0;
            for (int i = 0; i < m; i++) { // no branch: a short-circuit && here costs 3x in mispredictions
                double v = x[i];
                int under = v < lo ? 1 : 0, over = v > hi ? 1 : 0;
                below += under;
                buf[len] = v;
                len += 1 - under - over;
            }
            if (k >= below && k < below + len) return new RankBracket(x, m, lo, hi, buf, len, below);
        }
        System.arraycopy(x, 0, buf, 0, m);
        return new RankBracket(x, m, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, buf, m, 0);
    }

    private boolean covers(double v) { return v >= a && v <= b; }

    /** The k-th smallest value (0-based), numerically (0.0 and -0.0 are one value). */
    public double valueAt(int k) {
        if (k < 0 || k >= m) throw new IllegalArgumentException("rank " + k + " of " + m);
        if (k < below || k >= below + len) return Order.select(x.clone(), m, k);
        return Order.select(inside, len, k - below); // reorders the range's values, which no answer depends on
    }

    /** How many values are below v. */
    public int countBelow(double v) {
        if (!covers(v)) return countBelow(x, m, v);
        return below + countBelow(inside, len, v);
    }

    /** How many values equal v. */
    public int countEqual(double v) {
        double[] from = covers(v) ? inside : x;
        int n = covers(v) ? len : m, c = 0;
        for (int i = 0; i < n; i++) c += from[i] == v ? 1 : 0;
        return c;
    }

    /** The average rank (1-based) R's rank gives the values equal to v: below + (ties + 1) / 2. */
    public double averageRank(double v) { return countBelow(v) + (countEqual(v) + 1) / 2.0; }

    /** The smallest value above v, NaN when none. */
    public double nextAbove(double v) {
        double best = smallestAbove(covers(v) ? inside : x, covers(v) ? len : m, v);
        if (best == best || !covers(v) || below + len == m) return best;
        return smallestAbove(x, m, v); // every value in the range is <= v, and some lie above the range
    }

    /** The largest value below v, NaN when none. */
    public double nextBelow(double v) {
        double best = largestBelow(covers(v) ? inside : x, covers(v) ? len : m, v);
        if (best == best || !covers(v) || below == 0) return best;
        return largestBelow(x, m, v);
    }

    private static int countBelow(double[] v, int n, double t) {
        int c = 0;
        for (int i = 0; i < n; i++) c += v[i] < t ? 1 : 0;
        return c;
    }

    private static double smallestAbove(double[] v, int n, double t) {
        double best = Double.NaN;
        for (int i = 0; i < n; i++) if (v[i] > t && !(v[i] >= best)) best = v[i];
        return best;
    }

    private static double largestBelow(double[] v, int n, double t) {
        double best = Double.NaN;
        for (int i = 0; i < n; i++) if (v[i] < t && !(v[i] <= best)) best = v[i];
        return best;
    }
}
