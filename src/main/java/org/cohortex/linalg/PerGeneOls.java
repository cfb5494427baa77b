package org.cohortex.linalg;

import java.util.Arrays;

/**
 * OLS of one gene observed on a subset of samples (missing values): the normal equations on
 * column-equilibrated observed rows, solved by Cholesky, then one step of iterative refinement on
 * the least-squares residual (Bjorck's corrected semi-normal equations), which restores QR-level
 * accuracy for the well- to moderately-ill-conditioned designs we meet.
 */
final class PerGeneOls {
    private PerGeneOls() {}

    static void fit(Mat x, double[] y, int yoff, int g, double[] beta, double[] se, double[] rss, int[] df) {
        final int n = x.rows, p = x.cols;
        int m = 0;
        int[] obs = new int[n];
        for (int i = 0; i < n; i++) if (!Double.isNaN(y[yoff + i])) obs[m++] = i;
        if (m - p < 1) {
            BatchedOls.markUnfit(g, p, m - p, beta, se, rss, df);
            return;
        }
        double[] scale = new double[p];
        for (int k = 0; k < m; k++) {
            int row = obs[k] * p;
            for (int j = 0; j < p; j++) scale[j] += x.data[row + j] * x.data[row + j];
        }
        for (int j = 0; j < p; j++) scale[j] = scale[j] > 0 ? 1.0 / Math.sqrt(scale[j]) : 0.0;
        double[] a = new double[p * p];
        double[] b = new double[p];
        double[] xs = new double[p];
        for (int k = 0; k < m; k++) {
            int row = obs[k] * p;
            double yi = y[yoff + obs[k]];
            for (int j = 0; j < p; j++) xs[j] = x.data[row + j] * scale[j];
            for (int i = 0; i < p; i++) {
                double xi = xs[i];
                b[i] += xi * yi;
                for (int j = 0; j <= i; j++) a[i * p + j] += xi * xs[j];
            }
        }
        for (int i = 0; i < p; i++) for (int j = 0; j < i; j++) a[j * p + i] = a[i * p + j];
        if (!CholeskyDecomposition.factor(a, 0, p)) {
            BatchedOls.markUnfit(g, p, m - p, beta, se, rss, df);
            return;
        }
        CholeskyDecomposition.solve(a, 0, p, b, 0); // b := scaled coefficients
        double[] corr = new double[p];
        double r2 = 0;
        for (int pass = 0; pass < 2; pass++) {
            Arrays.fill(corr, 0);
            r2 = 0;
            for (int k = 0; k < m; k++) {
                int row = obs[k] * p;
                double fit = 0;
                for (int j = 0; j < p; j++) fit += x.data[row + j] * scale[j] * b[j];
                double e = y[yoff + obs[k]] - fit;
                r2 += e * e;
                if (pass == 0) for (int j = 0; j < p; j++) corr[j] += x.data[row + j] * scale[j] * e;
            }
            if (pass == 0) {
                CholeskyDecomposition.solve(a, 0, p, corr, 0);
                for (int j = 0; j < p; j++) b[j] += corr[j];
            }
        }
        double[] invDiag = new double[p];
        CholeskyDecomposition.inverseDiagonal(a, 0, p, invDiag, 0, new double[p]);
        int dfg = m - p;
        double s2 = r2 / dfg;
        for (int j = 0; j < p; j++) {
            beta[g * p + j] = b[j] * scale[j];
            se[g * p + j] = Math.sqrt(s2 * invDiag[j]) * scale[j];
        }
        rss[g] = r2;
        df[g] = dfg;
    }
}
