package org.cohortex.sva;

import org.cohortex.linalg.ComputeBackend;
import org.cohortex.linalg.Mat;
import org.cohortex.stats.RegularizedBeta;

/**
 * Per-gene F tests of nested models, as sva's f.pvalue: F = ((RSS0 - RSS1)/(df1 - df0)) /
 * (RSS1/(n - df1)), p = P(F_{df1-df0, n-df1} > F), with the residual sums of squares of both
 * models from the backend's batched OLS.
 */
final class FTest {
    private FTest() {}

    static double[] pValues(ComputeBackend backend, Mat dat, Mat mod, Mat mod0) {
        int n = dat.cols, df1 = mod.cols, df0 = mod0.cols;
        double[] rss1 = backend.olsSharedDesign(mod, dat).rss;
        double[] rss0 = backend.olsSharedDesign(mod0, dat).rss;
        double d1 = df1 - df0, d2 = n - df1;
        double[] p = new double[rss1.length];
        for (int g = 0; g < p.length; g++) {
            double f = ((rss0[g] - rss1[g]) / d1) / (rss1[g] / d2);
            p[g] = upperTail(f, d1, d2);
        }
        return p;
    }

    /** P(F > f) = I_{d2/(d2 + d1 f)}(d2/2, d1/2). */
    static double upperTail(double f, double d1, double d2) {
        if (Double.isNaN(f)) return Double.NaN;
        if (f <= 0) return 1.0;
        if (Double.isInfinite(f)) return 0.0;
        double x = d2 / (d2 + d1 * f), y = d1 * f / (d2 + d1 * f);
        return Math.exp(RegularizedBeta.logRegularizedBeta(x, y, d2 / 2, d1 / 2));
    }
}
