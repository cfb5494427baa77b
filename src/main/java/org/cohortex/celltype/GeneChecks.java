package org.cohortex.celltype;

import java.util.Arrays;

import org.cohortex.io.MatrixWriter;

/** Small per-gene helpers shared by the cell-type tests: why a gene is not tested, means, quantiles. */
final class GeneChecks {
    private GeneChecks() {}

    /** Indices of the observed (non-NaN) values of y[off .. off + n). */
    static int[] observed(double[] y, int off, int n) {
        int m = 0;
        for (int i = 0; i < n; i++) if (!Double.isNaN(y[off + i])) m++;
        int[] idx = new int[m];
        for (int i = 0, c = 0; i < n; i++) if (!Double.isNaN(y[off + i])) idx[c++] = i;
        return idx;
    }

    /**
     * Why a gene fitted on p columns gets no test (the bulk de's reasons), or null:
     * too few observed samples, constant values, a singular design on its observed samples
     * (the fit's coefficient is NaN), a perfect fit.
     */
    static String note(double[] y, int off, int n, int p, double aCoefficient, double rss) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        int obs = 0;
        for (int i = 0; i < n; i++) {
            double v = y[off + i];
            if (Double.isNaN(v)) continue;
            obs++;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (obs - p < 1) return "only " + obs + " observed samples for " + p + " model columns (no residual df)";
        if (min == max) return "constant expression (" + MatrixWriter.format(min) + ") in the " + obs + " samples used";
        if (Double.isNaN(aCoefficient)) return "design restricted to the " + obs + " observed samples is rank deficient";
        if (!(rss > 0)) return "perfect fit: residual variance is zero";
        return null;
    }

    static double mean(double[] y, int off, int n) {
        double s = 0;
        int obs = 0;
        for (int i = 0; i < n; i++) if (!Double.isNaN(y[off + i])) { s += y[off + i]; obs++; }
        return obs == 0 ? Double.NaN : s / obs;
    }

    /** R's quantile(x, prob, type = 7, na.rm = TRUE): (1 - h) x_(lo) + h x_(hi) on index 1 + (m - 1) prob. */
    static double quantileType7(double[] values, double prob) {
        double[] x = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (x.length == 0) return Double.NaN;
        double index = (x.length - 1) * prob;
        int lo = (int) Math.floor(index), hi = (int) Math.ceil(index);
        double h = index - lo;
        return h > 0 && x[hi] != x[lo] ? (1 - h) * x[lo] + h * x[hi] : x[lo];
    }
}
