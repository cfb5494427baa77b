package org.cohortex.linalg;

/**
 * Unconstrained least squares min ||A x - b|| by Householder QR on plain arrays: the reflectors are
 * applied to b as they are made, so Q is never formed (unlike {@link QrDecomposition}), and nothing
 * is allocated; for the many small weighted fits of DWLS's cross-validation.
 */
public final class LeastSquares {
    private LeastSquares() {}

    /** min ||a x - b||, a m x n row-major (m >= n); false when a is rank-deficient. */
    public static boolean solveInPlace(double[] a, int m, int n, double[] b, double[] x) {
        double scale = 0;
        for (double v : a) scale = Math.max(scale, Math.abs(v));
        for (int c = 0; c < n; c++) {
            double norm = 0;
            for (int i = c; i < m; i++) norm = Math.hypot(norm, a[i * n + c]);
            if (!(norm > 1e-13 * scale)) return false;
            double alpha = a[c * n + c] > 0 ? -norm : norm;
            a[c * n + c] -= alpha; // v = column below the diagonal with v_c = a_cc - alpha
            double vv = 0;
            for (int i = c; i < m; i++) vv += a[i * n + c] * a[i * n + c];
            for (int d = c + 1; d < n; d++) {
                double dot = 0;
                for (int i = c; i < m; i++) dot += a[i * n + c] * a[i * n + d];
                double f = 2 * dot / vv;
                for (int i = c; i < m; i++) a[i * n + d] -= f * a[i * n + c];
            }
            double dot = 0;
            for (int i = c; i < m; i++) dot += a[i * n + c] * b[i];
            double f = 2 * dot / vv;
            for (int i = c; i < m; i++) b[i] -= f * a[i * n + c];
            a[c * n + c] = alpha; // R's diagonal; the rest of the column is no longer needed
        }
        for (int c = n - 1; c >= 0; c--) {
            double v = b[c];
            for (int d = c + 1; d < n; d++) v -= a[c * n + d] * x[d];
            x[c] = v / a[c * n + c];
        }
        return true;
    }
}
