package org.cohortex.impute;

/** bMIND's Gibbs sampler over all genes, which a device runs one gene per block. CPU twin: {@link CellTypeImputation#gibbs}. */
public interface GibbsKernel {
    /** As {@link CellTypeImputation#gibbs}: y genes x n (log2), w n x k proportions, mu0 genes x k. */
    CellTypeImputation.Result gibbsImpute(double[] y, int genes, int n, double[] w, int k, double[] mu0, CellTypeImputation.Settings s);
}
