package org.cohortex.counts;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.stats.LinearInterpolation;
import org.cohortex.stats.Log2;
import org.cohortex.stats.Lowess;
import org.cohortex.stats.RSummary;

/**
 * limma 3.54's voom (Law et al. 2014) precision weights: the log-CPM E (see {@link LogCpm}) is
 * fitted on the design by ordinary least squares (one QR on the backend for all genes); the square
 * root of each gene's residual sd is smoothed by lowess (f = span, 3 robustness iterations) against
 * its mean log count sx = Amean + mean(log2(lib + 1)) - log2(1e6) (genes with no counts left out of
 * the trend); each observation's weight is 1 / trend(log2 fitted count)^4, the trend read by linear
 * interpolation (R's approxfun, rule 2), the fitted count 2^fitted * (lib + 1) / 1e6. With no
 * residual degrees of freedom every weight is 1 (limma warns). Cost: the OLS (one GEMM genes x n x
 * p) and one GEMM genes x p x n for the fitted values, then O(genes n log) for the trend lookups.
 */
public final class Voom {
    private Voom() {}

    /** voom's output: E and weights (genes x n), and the trend (lowess curve) and its points. */
    public record Result(Mat logCpm, Mat weights, double[] trendX, double[] trendY, double[] sx, double[] sy) {}

    /** voom(counts, design, lib.size = effective library sizes, span = 0.5). */
    public static Result compute(DenseOps backend, double[] counts, int genes, int n, Mat design, double[] effectiveLibSize) {
        return compute(backend, counts, genes, n, design, effectiveLibSize, 0.5);
    }

    public static Result compute(DenseOps backend, double[] counts, int genes, int n, Mat design, double[] effectiveLibSize,
                                 double span) {
        if (genes < 2) throw new IllegalArgumentException("voom needs at least two genes to fit a mean-variance trend");
        if (design.rows != n) throw new IllegalArgumentException("design has " + design.rows + " rows for " + n + " samples");
        for (double c : counts) if (!(c >= 0)) throw new IllegalArgumentException("counts must be non-negative and not NA, found " + c);
        int p = design.cols, df = n - p;
        Mat e = new Mat(genes, n, LogCpm.voom(counts, genes, n, effectiveLibSize));
        if (df < 1) {
            Mat ones = new Mat(genes, n);
            Arrays.fill(ones.data, 1);
            return new Result(e, ones, new double[0], new double[0], new double[0], new double[0]);
        }
        OlsFit fit = backend.olsSharedDesign(design, e);
        double[] logLib = new double[n];
        for (int j = 0; j < n; j++) logLib[j] = Log2.log2(effectiveLibSize[j] + 1);
        double shift = RSummary.mean(logLib);
        double log2Million = Log2.log2(1e6);
        double[] sx = new double[genes], sy = new double[genes];
        int used = 0;
        boolean[] allZero = new boolean[genes];
        for (int g = 0; g < genes; g++) {
            sx[g] = RSummary.mean(e.data, g * n, (g + 1) * n) + shift - log2Million;
            sy[g] = Math.sqrt(Math.sqrt(fit.rss[g] / df));
            double total = 0;
            for (int j = 0; j < n; j++) total += counts[g * n + j];
            allZero[g] = total == 0;
            if (!allZero[g]) used++;
        }
        double[] tx = new double[used], ty = new double[used];
        for (int g = 0, k = 0; g < genes; g++) {
            if (allZero[g]) continue;
            tx[k] = sx[g];
            ty[k++] = sy[g];
        }
        Lowess.Curve trend = Lowess.smooth(tx, ty, span, 3);
        LinearInterpolation f = new LinearInterpolation(trend.x(), trend.y());
        Mat weights = weights(backend, fit, design, effectiveLibSize, f);
        return new Result(e, weights, trend.x(), trend.y(), sx, sy);
    }

    /** 1 / f(log2 fitted count)^4 for every gene and sample, the fitted values by GEMM in blocks of genes. */
    private static Mat weights(DenseOps backend, OlsFit fit, Mat design, double[] lib, LinearInterpolation f) {
        int genes = fit.genes, p = fit.p, n = design.rows;
        double[] libPlusOne = new double[n];
        for (int j = 0; j < n; j++) libPlusOne[j] = lib[j] + 1;
        Mat w = new Mat(genes, n);
        int block = Math.max(1, Math.min(genes, (1 << 22) / n));
        for (int g0 = 0; g0 < genes; g0 += block) {
            int b = Math.min(block, genes - g0);
            Mat beta = new Mat(b, p, Arrays.copyOfRange(fit.beta, g0 * p, (g0 + b) * p));
            Mat fitted = backend.gemm(beta, false, design, true);
            final int first = g0;
            IntStream.range(0, b).parallel().forEach(k -> { // genes are independent: the same result on any thread count
                for (int j = 0; j < n; j++) {
                    double count = 1e-06 * (Math.pow(2, fitted.data[k * n + j]) * libPlusOne[j]);
                    double s = f.at(Log2.log2(count));
                    w.data[(first + k) * n + j] = 1 / (s * s * s * s);
                }
            });
        }
        return w;
    }
}
