package org.cohortex.impute;

import java.nio.file.Path;

import org.cohortex.UserException;
import org.cohortex.io.Scale;

/**
 * One imputation of cell-type expression, as `impute` and the study grid describe it.
 *
 * @param bulkScale     COUNTS (to log2(CPM + 1)) or LOG2 (used as given)
 * @param proportions   samples x cell types (deconvolve's proportions.tsv); every bulk sample needs a row
 * @param priorVariance per-gene prior variance of each cell type (genes x cell types), or null for {@code priorSd}^2
 * @param gibbs         bMIND's sampler; false = the closed-form empirical-Bayes posterior mean
 */
public record ImputationRequest(Path bulk, Scale bulkScale, Path proportions, Path panelCounts, Path panelLabels, Path priorVariance,
                                double priorSd, boolean gibbs, int iterations, int burnin, long seed, Path out) {
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
        return new ImputationRequest(bulk, bulkScale, proportions, panelCounts, panelLabels, priorVariance, priorSd, gibbs, iterations,
                burnin, seed, dir);
    }

    /** The grid's imputation: EB (or bMIND's sampler) with bMIND's defaults, from counts. */
    public static ImputationRequest forGrid(Path counts, Path proportions, Path panelCounts, Path panelLabels, boolean gibbs, long seed,
                                            Path out) {
        CellTypeImputation.Settings d = new CellTypeImputation.Settings();
        return new ImputationRequest(counts, Scale.COUNTS, proportions, panelCounts, panelLabels, null, Math.sqrt(d.sigma0), gibbs,
                d.iterations, d.burnin, seed, out);
    }
}
