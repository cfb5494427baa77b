package org.cohortex.impute;

import java.nio.file.Path;

import org.cohortex.UserException;
import org.cohortex.io.Scale;

/**
 * One imputation of cell-type expression, as `impute` and the study grid describe it.
 *
 * @param bulkScale     COUNTS (to log2(CPM + 1)) or LOG2 (used as given)
 * @param proportions   samples x cell types (deconvolve's proportions.tsv); every bulk sample needs a row
 * @param prior         where Sigma0 comes from: the panel's donors (bMIND's get_prior), or {@code priorSd}^2 I
 * @param priorVariance per-gene prior variance of each cell type (genes x cell types): a diagonal Sigma0, overriding {@code prior}
 * @param gibbs         bMIND's sampler; false = the closed-form empirical-Bayes posterior mean
 */
public record ImputationRequest(Path bulk, Scale bulkScale, Path proportions, Path panelCounts, Path panelLabels, Prior prior,
                                Path priorVariance, double priorSd, boolean gibbs, int iterations, int burnin, long seed, Path out) {
    /**
     * REFERENCE: mu0 and the K x K Sigma0 of every gene from the panel's donors, as MIND's get_prior
     * (genes where that covariance is not positive definite, or a panel without donors: bMIND's
     * isotropic default); FLAT: the panel's profile and Sigma0 = priorSd^2 I.
     */
    public enum Prior { REFERENCE, FLAT }

    public ImputationRequest {
        if (bulkScale == Scale.LINEAR) throw new UserException(UserException.setting("bulk_scale") + " linear: choose counts or log2");
        if (!(priorSd > 0)) throw new UserException(UserException.setting("prior_sd") + " " + priorSd + ": must be positive");
        if (iterations < 1) throw new UserException(UserException.setting("iterations") + " " + iterations + ": must be 1 or more");
        if (burnin < 0 || burnin >= iterations) {
            throw new UserException(UserException.setting("burnin") + " " + burnin + " must be 0 or more and below the iterations ("
                    + iterations + ")");
        }
    }

    /** The same imputation writing into {@code dir}. */
    public ImputationRequest withOut(Path dir) {
        return new ImputationRequest(bulk, bulkScale, proportions, panelCounts, panelLabels, prior, priorVariance, priorSd, gibbs,
                iterations, burnin, seed, dir);
    }

    /** The grid's imputation: EB (or bMIND's sampler) with bMIND's defaults, from counts. */
    public static ImputationRequest forGrid(Path counts, Path proportions, Path panelCounts, Path panelLabels, boolean gibbs, long seed,
                                            Path out) {
        CellTypeImputation.Settings d = new CellTypeImputation.Settings();
        return new ImputationRequest(counts, Scale.COUNTS, proportions, panelCounts, panelLabels, Prior.REFERENCE, null,
                Math.sqrt(d.sigma0),
                gibbs, d.iterations, d.burnin, seed, out);
    }
}
