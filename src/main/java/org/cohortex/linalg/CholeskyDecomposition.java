package org.cohortex.linalg;

/**
 * In-place Cholesky A = L L' of small symmetric positive-definite blocks, on plain arrays with an
 * offset so that a batch of p x p matrices can live in one array without copies.
 */
public final class CholeskyDecomposition {
    private CholeskyDecomposition() {}

    /**
     * Overwrites the lower triangle of {@code a[off .. off+p*p)} with L. Returns false when a pivot
     * is not positive (matrix not positive definite to working precision); the block is then garbage.
     */
    public static boolean factor(double[] a, int off, int p) {
        for (int j = 0; j < p; j++) {
            double d = a[off + j * p + j];
            for (int k = 0; k < j; k++) d -= a[off + j * p + k] * a[off + j * p + k];
            if (!(d > 0)) return false;
            double ljj = Math.sqrt(d);
            a[off + j * p + j] = ljj;
            for (int i = j + 1; i < p; i++) {
                double s = a[off + i * p + j];
                for (int k = 0; k < j; k++) s -= a[off + i * p + k] * a[off + j * p + k];
                a[off + i * p + j] = s / ljj;
            }
        }
        return true;
    }

    /** Solves L L' x = b in place in {@code b[boff .. boff+p)}, with L from {@link #factor}. */
    public static void solve(double[] l, int off, int p, double[] b, int boff) {
        for (int i = 0; i < p; i++) {
            double s = b[boff + i];
            for (int k = 0; k < i; k++) s -= l[off + i * p + k] * b[boff + k];
            b[boff + i] = s / l[off + i * p + i];
        }
        for (int i = p - 1; i >= 0; i--) {
            double s = b[boff + i];
            for (int k = i + 1; k < p; k++) s -= l[off + k * p + i] * b[boff + k];
            b[boff + i] = s / l[off + i * p + i];
        }
    }

    /** diag(A^{-1}) from L: (A^{-1})_jj = ||L^{-1} e_j||^2, computed column by column. */
    public static void inverseDiagonal(double[] l, int off, int p, double[] out, int ooff, double[] work) {
        for (int c = 0; c < p; c++) {
            // z = L^{-1} e_c ; z_i = 0 for i < c
            for (int i = c; i < p; i++) {
                double s = i == c ? 1.0 : 0.0;
                for (int k = c; k < i; k++) s -= l[off + i * p + k] * work[k];
                work[i] = s / l[off + i * p + i];
            }
            // A^{-1} = L^{-T} L^{-1}, so (A^{-1})_cc = ||L^{-1} e_c||^2 = sum_i z_i^2
            double s2 = 0;
            for (int i = c; i < p; i++) s2 += work[i] * work[i];
            out[ooff + c] = s2;
        }
    }
}
