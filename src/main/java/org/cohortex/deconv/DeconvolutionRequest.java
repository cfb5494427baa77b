package org.cohortex.deconv;

import java.nio.file.Path;

import org.cohortex.UserException;
import org.cohortex.io.Scale;

/**
 * One deconvolution, as `deconvolve` and the study grid describe it: a bulk matrix on its scale, and
 * either a signature matrix or a single-cell panel (counts + labels) to build one from.
 *
 * @param signature  a signature matrix (genes x cell types, linear scale), or null to build one from the panel
 * @param minMarkers fewest markers per cell type tried when building from the panel (CIBERSORTx's G.min)
 * @param maxMarkers most markers per cell type tried (G.max)
 * @param permutations CIBERSORT's p-value from this many random mixtures (0 = none)
 */
public record DeconvolutionRequest(Path bulk, Scale bulkScale, Path signature, Path panelCounts, Path panelLabels, int minMarkers,
                                   int maxMarkers, Deconvolution.Method method, int permutations, long seed, Path out) {
    public DeconvolutionRequest {
        if ((signature == null) == (panelCounts == null || panelLabels == null)) {
            throw new IllegalArgumentException("a signature or a panel (counts and labels), not both");
        }
        if (signature == null && !SignatureBuilder.validMarkerRange(minMarkers, maxMarkers)) {
            throw new UserException(UserException.setting("min_markers") + " " + minMarkers + ", " + UserException.setting("max_markers")
                    + " "
                    + maxMarkers + ": need 1 <= min_markers <= max_markers");
        }
        if (permutations < 0) throw new UserException(UserException.setting("permutations") + " " + permutations + ": must be 0 or more");
    }

    /** The same deconvolution writing into {@code dir}. */
    public DeconvolutionRequest withOut(Path dir) {
        return new DeconvolutionRequest(bulk, bulkScale, signature, panelCounts, panelLabels, minMarkers, maxMarkers, method, permutations,
                seed, dir);
    }
}
