package org.cohortex.enrich;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.cohortex.UserException;

/**
 * Enrichment over DE result folders, as `enrich` and the study grid describe it.
 *
 * @param proportions  region -> proportions table (samples x cell types): expected cell-type shares; empty = uniform
 * @param universe     the genes the external lists were drawn from, or null
 * @param idMap        a two-column translation of gene-set identifiers, or null
 * @param pColumn      the de.tsv column that defines DEGs, below {@code alpha}
 */
public record EnrichmentRequest(List<Path> deDirs, List<Path> gmt, List<Path> lists, Path universe, Path idMap, Map<String,
        Path> proportions,
                                String pColumn, double alpha, int minDegs, int minSetSize, int minOverlap, Path out) {
    public EnrichmentRequest {
        if (!(alpha > 0 && alpha <= 1)) throw new UserException(UserException.setting("alpha") + " " + alpha + ": must be in (0, 1]");
        if (minDegs < 1) throw new UserException(UserException.setting("min_degs") + " " + minDegs + ": must be 1 or more");
        if (minSetSize < 1) throw new UserException(UserException.setting("min_set_size") + " " + minSetSize + ": must be 1 or more");
        if (minOverlap < 1) throw new UserException(UserException.setting("min_overlap") + " " + minOverlap + ": must be 1 or more");
        deDirs = List.copyOf(deDirs);
        gmt = List.copyOf(gmt);
        lists = List.copyOf(lists);
        proportions = Map.copyOf(proportions);
    }

    /** The same enrichment writing into {@code dir}. */
    public EnrichmentRequest withOut(Path dir) {
        return new EnrichmentRequest(deDirs, gmt, lists, universe, idMap, proportions, pColumn, alpha, minDegs, minSetSize, minOverlap,
                dir);
    }

    /** The grid's enrichment: DEGs by Bonferroni within set, the paper's minimum of 10 DEGs per list. */
    public static EnrichmentRequest forGrid(List<Path> deDirs, List<Path> gmt, List<Path> lists, Map<String, Path> proportions,
            double alpha,
                                            Path out) {
        return new EnrichmentRequest(deDirs, gmt, lists, null, null, proportions, "p_bonferroni", alpha, 10, 10, 1, out);
    }
}
