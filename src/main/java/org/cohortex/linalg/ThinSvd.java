package org.cohortex.linalg;

/** Leading k singular triplets of A (m x n): A ~ U diag(d) V'. d descending; U m x k, V n x k. */
public final class ThinSvd {
    public final double[] d;
    public final Mat u;
    public final Mat v;

    public ThinSvd(double[] d, Mat u, Mat v) {
        this.d = d;
        this.u = u;
        this.v = v;
    }

    /**
     * Through the Gram matrix of the smaller side (one SYRK-shaped product, an n x n eigenproblem,
     * one GEMM): exact in exact arithmetic; loses accuracy only for singular values near sqrt(eps)
     * times the largest, which the pipeline never uses. The products run on the given backend.
     */
    public static ThinSvd viaGram(DenseOps backend, Mat a, int k) {
        boolean tall = a.rows >= a.cols;
        int small = tall ? a.cols : a.rows;
        int kk = Math.min(k, small);
        Mat gram = tall ? backend.crossprod(a) : backend.crossprod(a.transpose());
        SymmetricEigen e = backend.symmetricEigen(gram);
        double[] d = new double[kk];
        Mat w = new Mat(small, kk); // right (tall) or left (wide) singular vectors
        for (int j = 0; j < kk; j++) {
            d[j] = Math.sqrt(Math.max(0, e.values[j]));
            for (int i = 0; i < small; i++) w.data[i * kk + j] = e.vectors.data[i * small + j];
        }
        Mat other = tall ? backend.gemm(a, false, w, false) : backend.gemm(a, true, w, false);
        for (int i = 0; i < other.rows; i++) {
            for (int j = 0; j < kk; j++) other.data[i * kk + j] = d[j] > 0 ? other.data[i * kk + j] / d[j] : 0.0;
        }
        return tall ? new ThinSvd(d, other, w) : new ThinSvd(d, w, other);
    }
}
