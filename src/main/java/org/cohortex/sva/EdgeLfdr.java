package org.cohortex.sva;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.cohortex.stats.KernelDensity;
import org.cohortex.stats.Normal;
import org.cohortex.stats.Order;
import org.cohortex.stats.SmoothingSpline;

/**
 * Local false discovery rates as Bioconductor sva's edge.lfdr(p) with its defaults (Storey's pi0
 * at lambda = 0.8; probit transform; Gaussian kernel density with adjust = 1.5 smoothed by a GCV
 * cubic smoothing spline; truncation at 1; made monotone in p by a running maximum).
 */
public final class EdgeLfdr {
    private static final int BLOCK = 4096;

    private EdgeLfdr() {}

    public static double[] lfdr(double[] pIn) {
        int m = pIn.length;
        final double eps = 1e-8, lambda = 0.8;
        double[] p = new double[m];
        int above = 0;
        for (int i = 0; i < m; i++) if (pIn[i] >= lambda) above++;
        double pi0 = Math.min(1.0, (double) above / m / (1 - lambda));
        double[] x = new double[m];
        // per-gene steps in blocks on all cores (each value its own function of its gene: no change with the thread count)
        IntStream.range(0, (m + BLOCK - 1) / BLOCK).parallel().forEach(b -> {
            for (int i = b * BLOCK, e = Math.min(m, i + BLOCK); i < e; i++) {
                p[i] = Math.min(Math.max(pIn[i], eps), 1 - eps);
                x[i] = Normal.quantile(p[i]);
            }
        });
        // qnorm is non-decreasing, so p's order is x's: one sort serves the density's quantiles and the monotone step
        int[] order = Order.ascending(p);
        double[] sorted = new double[m];
        boolean ascending = true;
        for (int k = 0; k < m; k++) {
            sorted[k] = x[order[k]];
            if (k > 0 && Double.compare(sorted[k - 1], sorted[k]) > 0) ascending = false;
        }
        if (!ascending) { // a last-bit non-monotonicity of the quantile function: sort x itself
            sorted = x.clone();
            Arrays.sort(sorted);
        }
        KernelDensity d = KernelDensity.estimate(x, sorted, 1.5);
        SmoothingSpline s = SmoothingSpline.fitGcv(d.x, d.y);
        double[] lfdr = new double[m], fitted = new double[m];
        final boolean inOrder = ascending;
        final double[] xs = sorted;
        IntStream.range(0, (m + BLOCK - 1) / BLOCK).parallel().forEach(b -> {
            int from = b * BLOCK, to = Math.min(m, from + BLOCK);
            if (inOrder) { // the spline at the sorted values: its knot interval walked instead of bisected
                s.predictAscending(xs, from, to, fitted);
                for (int k = from; k < to; k++) {
                    int i = order[k];
                    lfdr[i] = Math.min(1.0, pi0 * Normal.density(x[i]) / fitted[k]);
                }
            } else {
                double[] f = s.predict(Arrays.copyOfRange(x, from, to));
                for (int i = from; i < to; i++) lfdr[i] = Math.min(1.0, pi0 * Normal.density(x[i]) / f[i - from]);
            }
        });
        // monotone: running maximum in order of p, mapped back through rank(p) as R indexes it
        // (average rank for ties, truncated: tied p have equal lfdr, so any index in the tie works)
        double[] running = new double[m];
        double run = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < m; k++) {
            run = Math.max(run, lfdr[order[k]]);
            running[k] = run;
        }
        double[] out = new double[m];
        for (int k = 0; k < m; ) {
            int e = k;
            while (e + 1 < m && p[order[e + 1]] == p[order[k]]) e++;
            int rankIndex = (int) Math.floor((k + e) / 2.0 + 1) - 1; // floor of the 1-based average rank
            for (int j = k; j <= e; j++) out[order[j]] = running[rankIndex];
            k = e + 1;
        }
        return out;
    }
}
