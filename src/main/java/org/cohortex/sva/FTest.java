package org.cohortex.sva;

import java.util.stream.IntStream;

import org.apache.commons.math3.special.Beta;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.stats.RegularizedBeta;

/**
 * Per-gene F tests of nested models, as sva's f.pvalue: F = ((RSS0 - RSS1)/(df1 - df0)) /
 * (RSS1/(n - df1)), p = P(F_{df1-df0, n-df1} > F), with the residual sums of squares of both
 * models from the backend's batched OLS.
 */
final class FTest {
    private static final int BLOCK = 2048;

    private FTest() {}

    static double[] pValues(DenseOps backend, Mat dat, Mat mod, Mat mod0) {
        return fromRss(backend.olsSharedDesign(mod, dat).rss, backend.olsSharedDesign(mod0, dat).rss, mod.cols, mod0.cols, dat.cols);
    }

    /** The same from residual sums of squares already at hand (nested models share fits in irw-sva). */
    static double[] fromRss(double[] rss1, double[] rss0, int df1, int df0, int n) {
        double d1 = df1 - df0, d2 = n - df1;
        double[] p = new double[rss1.length];
        double lb = Beta.logBeta(d2 / 2, d1 / 2);
        // genes on all cores, in blocks (each p its own gene's: no change with the thread count)
        IntStream.range(0, (p.length + BLOCK - 1) / BLOCK).parallel().forEach(b -> {
            for (int g = b * BLOCK, e = Math.min(p.length, g + BLOCK); g < e; g++) {
                double f = ((rss0[g] - rss1[g]) / d1) / (rss1[g] / d2);
                // 0/0: both models fit the gene exactly (constant genes are left out before): no evidence for the larger one
                if (Double.isNaN(f)) p[g] = 1.0;
                else if (f <= 0) p[g] = 1.0;
                else if (Double.isInfinite(f)) p[g] = 0.0;
                else p[g] = Math.exp(RegularizedBeta.logRegularizedBeta(d2 / (d2 + d1 * f), d1 * f / (d2 + d1 * f), d2 / 2, d1 / 2, lb));
            }
        });
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
