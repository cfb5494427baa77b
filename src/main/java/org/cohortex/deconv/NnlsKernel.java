package org.cohortex.deconv;

/** Batched NNLS, the deconvolution step a device can run for every mixture at once. CPU twin: {@link Nnls#solveAll}. */
public interface NnlsKernel {
    /**
     * NNLS min ||S x - b_j||, x >= 0, for every mixture b_j (rows of {@code b}, samples x m) against
     * one signature S (m x k): samples x k.
     */
    double[] nnlsBatched(double[] s, int m, int k, double[] b, int samples);
}
