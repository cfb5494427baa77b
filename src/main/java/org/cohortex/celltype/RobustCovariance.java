package org.cohortex.celltype;

import java.util.Arrays;

import org.cohortex.linalg.CholeskyDecomposition;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;

/**
 * HC3 covariance of the interaction coefficients for many genes on one design (sandwich 3.0
 * vcovHC(type = "HC3")): V_g = A diag(e_gi^2 / (1 - h_i)^2) A', A = (X'X)^-1 X'. The hat values h and
 * the rows A_I of the interaction coefficients are shared by all genes, so for a block of G genes:
 * residuals E = Y - B X' (one GEMM, 2 G n p flops), Omega = E^2 / (1 - h)^2, and the K(K+1)/2 distinct
 * entries of every V_g,II in one GEMM Omega P (G x n x K(K+1)/2) with P_i,(a,b) = A_ai A_bi.
 */
final class RobustCovariance {
    /** Genes per block: bounds the residual matrix to ~32 MB. */
    private static final int BLOCK_DOUBLES = 1 << 22;

    private RobustCovariance() {}

    /**
     * Fills, for row r of y (gene idx[r]), v[g K + j] = the HC3 variance of interaction coefficient j
     * and wald[g] = b_I' V_II^-1 b_I (NaN when V_II is not positive definite).
     */
    static void hc3(DenseOps backend, Mat x, Mat y, OlsFit fit, double[] hat, double[] aI, int k, int[] idx,
                    double[] v, double[] wald) {
        int n = x.rows, p = x.cols, m = k * (k + 1) / 2;
        Mat prod = new Mat(n, m);
        for (int i = 0; i < n; i++) {
            for (int a = 0, c = 0; a < k; a++) for (int b = a; b < k; b++, c++) prod.data[i * m + c] = aI[a * n + i] * aI[b * n + i];
        }
        int block = Math.max(1, Math.min(y.rows, BLOCK_DOUBLES / Math.max(1, n)));
        for (int start = 0; start < y.rows; start += block) {
            int len = Math.min(block, y.rows - start);
            Mat beta = new Mat(len, p, Arrays.copyOfRange(fit.beta, start * p, (start + len) * p));
            Mat omega = backend.gemm(beta, false, x, true);
            for (int r = 0; r < len; r++) {
                for (int i = 0; i < n; i++) {
                    double e = (y.data[(start + r) * n + i] - omega.data[r * n + i]) / (1 - hat[i]);
                    omega.data[r * n + i] = e * e;
                }
            }
            Mat cov = backend.gemm(omega, false, prod, false);
            for (int r = 0; r < len; r++) finishGene(cov.data, r * m, fit.beta, (start + r) * p + k, k, idx[start + r], v, wald);
        }
    }

    /** Unpacks one gene's K(K+1)/2 entries, stores the variances and the Wald statistic. */
    private static void finishGene(double[] packed, int off, double[] beta, int boff, int k, int g, double[] v, double[] wald) {
        double[] s = new double[k * k];
        for (int a = 0, c = 0; a < k; a++) {
            for (int b = a; b < k; b++, c++) {
                s[a * k + b] = packed[off + c];
                s[b * k + a] = packed[off + c];
            }
            v[g * k + a] = s[a * k + a];
        }
        if (!CholeskyDecomposition.factor(s, 0, k)) {
            wald[g] = Double.NaN;
            return;
        }
        wald[g] = lowerSolveNorm2(s, k, beta, boff);
    }

    /** ||L^-1 b||^2 = b' (L L')^-1 b for the Cholesky factor L (lower triangle of l, k x k) and b = b[off .. off + k). */
    static double lowerSolveNorm2(double[] l, int k, double[] b, int off) {
        double sum = 0;
        double[] z = new double[k];
        for (int i = 0; i < k; i++) {
            double t = b[off + i];
            for (int c = 0; c < i; c++) t -= l[i * k + c] * z[c];
            z[i] = t / l[i * k + i];
            sum += z[i] * z[i];
        }
        return sum;
    }
}
