package org.cohortex.stats;

import java.util.Arrays;

/**
 * R's mean, median and quantile(type = 7) for vectors without NA, following R's arithmetic where it
 * decides results: mean accumulates in long double and adds the mean residual (summary.c), here a
 * compensated double-double sum, which rounds to the same double except in rare ties; quantile
 * computes index = 1 + (n - 1) p and interpolates only when x[hi] differs from x[lo].
 */
public final class RSummary {
    private RSummary() {}

    /** mean(x); NaN for an empty vector. */
    public static double mean(double[] x) { return mean(x, 0, x.length); }

    /** mean(x[from .. to)). */
    public static double mean(double[] x, int from, int to) {
        int n = to - from;
        if (n <= 0) return Double.NaN;
        double hi = 0, lo = 0;
        for (int i = from; i < to; i++) { // Neumaier's compensated sum
            double v = x[i], s = hi + v;
            lo += Math.abs(hi) >= Math.abs(v) ? (hi - s) + v : (v - s) + hi;
            hi = s;
        }
        double q = hi / n;
        if (!Double.isFinite(q)) return q;
        double ph = q * n, pl = Log2.twoProductError(q, n, ph);
        return q + (((hi - ph) - pl) + lo) / n;
    }

    /** median(x), averaging the two middle values as mean() does. */
    public static double median(double[] x) {
        int n = x.length;
        if (n == 0) return Double.NaN;
        double[] s = x.clone();
        Arrays.sort(s);
        int half = (n + 1) / 2;
        if (n % 2 == 1) return s[half - 1];
        return mean(new double[] {s[half - 1], s[half]});
    }

    /** quantile(x, prob, type = 7) of sorted data. */
    public static double quantile7Sorted(double[] sorted, double prob) {
        int n = sorted.length;
        double index = 1 + Math.max(n - 1, 0) * prob;
        int lo = (int) Math.floor(index), hi = (int) Math.ceil(index);
        double qs = sorted[lo - 1];
        if (index > lo && sorted[hi - 1] != qs) {
            double h = index - lo;
            qs = (1 - h) * qs + h * sorted[hi - 1];
        }
        return qs;
    }

    /** quantile(x, prob, type = 7). */
    public static double quantile7(double[] x, double prob) {
        double[] s = x.clone();
        Arrays.sort(s);
        return quantile7Sorted(s, prob);
    }

    /**
     * {@link #quantile7} from the two order statistics it interpolates, found by selection among the values near
     * their rank ({@link RankBracket}, expected O(n)) instead of a sort: the same arithmetic, so the same value.
     */
    public static double quantile7Select(double[] x, double prob) {
        int n = x.length;
        double index = 1 + Math.max(n - 1, 0) * prob;
        int lo = (int) Math.floor(index), hi = (int) Math.ceil(index);
        RankBracket near = RankBracket.around(x, n, lo - 1, null);
        double qs = near.valueAt(lo - 1);
        if (index > lo) {
            double up = near.valueAt(hi - 1);
            if (up != qs) {
                double h = index - lo;
                qs = (1 - h) * qs + h * up;
            }
        }
        return qs;
    }
}
