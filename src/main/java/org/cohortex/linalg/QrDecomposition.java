package org.cohortex.linalg;

/**
 * Householder QR of a tall matrix A (n x p, n >= p, full column rank): A = Q R with Q thin (n x p,
 * orthonormal columns) and R upper triangular (p x p). Plain arrays; used for the shared design of
 * the batched OLS, which is small (n ~ 300, p ~ 30), so no blocking is needed.
 */
public final class QrDecomposition {
    private final int n;
    private final int p;
    private final double[] q; // n x p row-major
    private final double[] r; // p x p row-major

    public QrDecomposition(Mat a) {
        if (a.rows < a.cols) throw new IllegalArgumentException("QR needs rows >= cols, got " + a);
        n = a.rows;
        p = a.cols;
        double[] w = a.data.clone();      // work copy, reflectors stored below the diagonal
        double[] diag = new double[p];
        double[] vnorm2 = new double[p];  // v'v of each reflector
        for (int k = 0; k < p; k++) {
            double norm = 0;
            for (int i = k; i < n; i++) norm = Math.hypot(norm, w[i * p + k]);
            double alpha = w[k * p + k] > 0 ? -norm : norm;
            diag[k] = alpha;
            w[k * p + k] -= alpha;        // v = x - alpha e1, stored in place
            double vv = 0;
            for (int i = k; i < n; i++) vv += w[i * p + k] * w[i * p + k];
            vnorm2[k] = vv;
            if (vv == 0) continue;        // zero column: H = I
            for (int j = k + 1; j < p; j++) {
                double s = 0;
                for (int i = k; i < n; i++) s += w[i * p + k] * w[i * p + j];
                double f = 2 * s / vv;
                for (int i = k; i < n; i++) w[i * p + j] -= f * w[i * p + k];
            }
        }
        r = new double[p * p];
        for (int i = 0; i < p; i++) {
            r[i * p + i] = diag[i];
            for (int j = i + 1; j < p; j++) r[i * p + j] = w[i * p + j];
        }
        // Q = H_0 ... H_{p-1} [I_p; 0], built by applying reflectors in reverse order.
        q = new double[n * p];
        for (int j = 0; j < p; j++) q[j * p + j] = 1.0;
        for (int k = p - 1; k >= 0; k--) {
            double vv = vnorm2[k];
            if (vv == 0) continue;
            for (int j = 0; j < p; j++) {
                double s = 0;
                for (int i = k; i < n; i++) s += w[i * p + k] * q[i * p + j];
                double f = 2 * s / vv;
                for (int i = k; i < n; i++) q[i * p + j] -= f * w[i * p + k];
            }
        }
    }

    public Mat q() { return new Mat(n, p, q.clone()); }

    public Mat r() { return new Mat(p, p, r.clone()); }

    /** |R_ii| / max |R_jj|: a cheap rank indicator (0 for an exactly dependent column). */
    public double minRelativeDiagonal() {
        double max = 0, min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < p; i++) {
            double d = Math.abs(r[i * p + i]);
            max = Math.max(max, d);
            min = Math.min(min, d);
        }
        return max == 0 ? 0 : min / max;
    }

    /** R^{-1} (upper triangular), by back substitution on the identity. */
    public Mat rInverse() {
        double[] inv = new double[p * p];
        for (int c = 0; c < p; c++) {
            for (int i = c; i >= 0; i--) {
                double s = i == c ? 1.0 : 0.0;
                for (int k = i + 1; k <= c; k++) s -= r[i * p + k] * inv[k * p + c];
                inv[i * p + c] = s / r[i * p + i];
            }
        }
        return new Mat(p, p, inv);
    }
}
