package org.cohortex.backend;

import org.cohortex.celltype.CellTypeDe;
import org.cohortex.de.FreedmanLane;
import org.cohortex.deconv.Nnls;
import org.cohortex.deconv.NnlsKernel;
import org.cohortex.impute.CellTypeImputation;

/**
 * One object that serves every analysis: the dense operations ({@link org.cohortex.linalg.DenseOps})
 * and the analyses' own device kernels (Freedman-Lane counts, batched NNLS, the Gibbs sampler),
 * whose CPU twins live in the analyses and are the defaults here. Implementations: reference
 * (the oracle), cpu (OpenBLAS), cuda.
 */
public interface ComputeBackend extends CellTypeDe.Kernels, NnlsKernel, AutoCloseable {
    @Override
    default FreedmanLane.Counts freedmanLaneCounts(FreedmanLane.Problem prob, int[] perms, int count) {
        return FreedmanLane.countsByGemm(this, prob, perms, count);
    }

    @Override
    default double[] nnlsBatched(double[] s, int m, int k, double[] b, int samples) {
        return Nnls.solveAll(s, m, k, b, samples);
    }

    @Override
    default CellTypeImputation.Result gibbsImpute(double[] y, int genes, int n, double[] w, int k, double[] mu0,
                                                  CellTypeImputation.Settings s) {
        return CellTypeImputation.gibbs(y, genes, n, w, k, mu0, s);
    }

    @Override
    default void close() {}
}
