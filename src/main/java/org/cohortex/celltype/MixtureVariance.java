package org.cohortex.celltype;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.cohortex.deconv.Nnls;
import org.cohortex.linalg.CholeskyDecomposition;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;

/**
 * Feasible generalised least squares under the mixing model's own variance. A bulk value is a
 * proportion-weighted sum of cell-type values that vary across donors, so on the linear scale
 * Var(y_i) = sum_k w_ik^2 s_k^2 + tau^2 (TCA's model, Rahmani et al. 2019, Nat Commun 10:3417): samples
 * rich in a variable cell type are noisier, and OLS, which assumes one variance, gives the interaction
 * coefficient of a small, variable type (microglia) too small a standard error; under a permuted trait
 * the classical test reports such genes at Bonferroni level. Per gene:
 * <ol>
 * <li>the OLS residuals e (from the shared fit), r_i = e_i^2 / (1 - h_i) (unbiased for Var(y_i) under
 *     the model, as HC2);</li>
 * <li>s^2 >= 0, tau^2 >= 0 by non-negative least squares of r on Z = [W^2, 1] (n x (K + 1));
 *     v = Z (s^2, tau^2), floored at 1e-3 of its mean;</li>
 * <li>WLS with weights 1/v: b = (X'V^-1 X)^-1 X'V^-1 y, sigma_w^2 = sum_i (y_i - x_i b)^2 / v_i / (n - p),
 *     Var(b_I) = sigma_w^2 [(X'V^-1 X)^-1]_II; t on n - p df and the joint Wald F = b_I' Var(b_I)^-1 b_I / K
 *     on (K, n - p), as for OLS.</li>
 * </ol>
 * Cost per gene: the NNLS (n (K + 1)^2 per iteration), X'V^-1 X (n p^2 flops), a p x p Cholesky
 * (p^3 / 3) and K solves (2 K p^2); genes in parallel. 20,000 genes x 265 samples x p = 52: ~15 GFLOP.
 */
final class MixtureVariance {
    /** Genes per block: bounds the residual matrix to ~32 MB. */
    private static final int BLOCK_DOUBLES = 1 << 22;
    /** Relative floor of the fitted variances: no sample weighs more than 1,000 times the average. */
    static final double FLOOR = 1e-3;

    private MixtureVariance() {}

    /**
     * For row r of y (gene idx[r]): beta[g K + j] = the WLS interaction coefficient j, v[g K + j] its
     * variance, wald[g] = b_I' Var(b_I)^-1 b_I (NaN where a matrix is not positive definite).
     */
    static void fit(DenseOps backend, Mat x, Mat y, OlsFit fit, double[] hat, int k, int[] idx, double[] beta, double[] v, double[] wald) {
        int n = x.rows, p = x.cols;
        UnitColumns u = UnitColumns.of(x); // before the normal equations
        Mat xs = u.scaled();
        double[] scale = u.scale();
        double[] z = new double[n * (k + 1)];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < k; t++) z[i * (k + 1) + t] = x.data[i * p + t] * x.data[i * p + t];
            z[i * (k + 1) + k] = 1;
        }
        int block = Math.max(1, Math.min(y.rows, BLOCK_DOUBLES / Math.max(1, n)));
        for (int start = 0; start < y.rows; start += block) {
            int len = Math.min(block, y.rows - start), s0 = start;
            Mat b0 = new Mat(len, p, Arrays.copyOfRange(fit.beta, start * p, (start + len) * p));
            Mat fitted = backend.gemm(b0, false, x, true);
            IntStream.range(0, len).parallel().forEach(r -> {
                double[] yg = Arrays.copyOfRange(y.data, (s0 + r) * n, (s0 + r + 1) * n);
                double[] w = weights(z, n, k, yg, fitted.data, r * n, hat);
                gene(xs, scale, yg, w, k, idx[s0 + r], beta, v, wald);
            });
        }
    }

    /** 1 / v_i from the NNLS of the leverage-scaled squared residuals on Z; equal weights when the fit is all zero. */
    static double[] weights(double[] z, int n, int k, double[] y, double[] fitted, int off, double[] hat) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            double e = y[i] - fitted[off + i];
            r[i] = e * e / (1 - hat[i]);
        }
        double[] a = Nnls.solve(z, n, k + 1, r);
        double[] var = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c <= k; c++) s += z[i * (k + 1) + c] * a[c];
            var[i] = s;
            mean += s / n;
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = mean > 0 ? 1 / Math.max(var[i], FLOOR * mean) : 1;
        return w;
    }

    /**
     * The WLS of one gene with weights w on the scaled design x (column c of the design times scale[c]); fills its
     * interaction coefficients, their variances and the Wald statistic, on the design's own scale.
     */
    static void gene(Mat x, double[] scale, double[] y, double[] w, int k, int g, double[] beta, double[] v, double[] wald) {
        int n = x.rows, p = x.cols;
        double[] a = new double[p * p], rhs = new double[p];
        for (int i = 0; i < n; i++) {
            int row = i * p;
            for (int c = 0; c < p; c++) {
                double xc = x.data[row + c] * w[i];
                rhs[c] += xc * y[i];
                for (int d = 0; d <= c; d++) a[c * p + d] += xc * x.data[row + d];
            }
        }
        for (int c = 0; c < p; c++) for (int d = c + 1; d < p; d++) a[c * p + d] = a[d * p + c];
        if (!CholeskyDecomposition.factor(a, 0, p)) {
            Arrays.fill(beta, g * k, (g + 1) * k, Double.NaN);
            return;
        }
        double[] b = rhs.clone();
        CholeskyDecomposition.solve(a, 0, p, b, 0);
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double e = y[i];
            for (int c = 0; c < p; c++) e -= x.data[i * p + c] * b[c];
            ss += e * e * w[i];
        }
        double s2 = ss / (n - p);
        double[] cov = new double[k * k], unit = new double[p];
        for (int j = 0; j < k; j++) {
            Arrays.fill(unit, 0);
            unit[k + j] = 1;
            CholeskyDecomposition.solve(a, 0, p, unit, 0);
            for (int i = 0; i < k; i++) cov[i * k + j] = s2 * unit[k + i] * scale[k + i] * scale[k + j];
        }
        double[] bI = new double[k];
        for (int j = 0; j < k; j++) {
            bI[j] = b[k + j] * scale[k + j];
            beta[g * k + j] = bI[j];
            v[g * k + j] = cov[j * k + j];
        }
        wald[g] = CholeskyDecomposition.factor(cov, 0, k) ? RobustCovariance.lowerSolveNorm2(cov, k, bI, 0) : Double.NaN;
    }
}
