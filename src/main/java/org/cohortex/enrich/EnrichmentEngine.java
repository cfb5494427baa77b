package org.cohortex.enrich;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.cohortex.Log;
import org.cohortex.io.Proportions;

/**
 * The enrichment stage, used by `enrich` and by the study grid, over DE result folders: gene-set
 * over-representation ({@code ora.tsv}), external lists ({@code lists.tsv}), DEG counts per cell type
 * against the expected share ({@code celltypes.tsv}) and trait overlaps with direction concordance
 * ({@code overlap.tsv}).
 */
public final class EnrichmentEngine {
    static final String ORA_HEADER = "set\ttrait\tgene_set\tset_size\tdegs\tbackground\toverlap\texpected\tfold\tp\tlog10_p"
            + "\tp_bonferroni\tq_bh\tgenes";
    static final String LISTS_HEADER =
            "set\ttrait\tlist\tbackground\tdegs\tlist_in_background\toverlap\todds_ratio\tp_greater\tp\tlog10_p\tp_bonferroni\tq_bh\tgenes";
    static final String CELLTYPES_HEADER =
            "trait\tregion\tcell_type\tdegs\tregion_degs\texpected_share\texpected\tshare_source\tp_greater\tp\tlog10_p"
            + "\tp_bonferroni\tq_bh";
    static final String OVERLAP_HEADER = "set\ttrait_a\ttrait_b\tbackground\tdegs_a\tdegs_b\tshared\texpected\tsame_direction\tconcordance"
            + "\tp_concordance\tp\tlog10_p\tp_bonferroni\tq_bh\tgenes";

    private EnrichmentEngine() {}

    public static void run(EnrichmentRequest r, Log.Sink log) {
        DeResult[] read = new DeResult[r.deDirs().size()];
        IntStream.range(0, read.length).parallel().forEach(i -> read[i] = DeResult.read(r.deDirs().get(i), r.pColumn(), r.alpha()));
        List<DeResult> results = new ArrayList<>(List.of(read));
        Enrichment.Options o = new Enrichment.Options();
        o.minDegs = r.minDegs();
        o.minSetSize = r.minSetSize();
        o.minOverlap = r.minOverlap();
        Map<String, List<String>> map = r.idMap() == null ? null : GeneSetFiles.readIdMap(r.idMap());
        if (!r.gmt().isEmpty()) {
            List<GeneSetFiles.GeneSet> sets = new ArrayList<>();
            for (Path g : r.gmt()) for (GeneSetFiles.GeneSet s : GeneSetFiles.readGmt(g)) sets.add(GeneSetFiles.map(s, map));
            List<Enrichment.Row> rows = Enrichment.ora(results, sets, o);
            Enrichment.write(r.out().resolve("ora.tsv"), rows, ORA_HEADER);
            log.info("ora: %d (DE set, gene set) tests reported from %d gene sets", rows.size(), sets.size());
        }
        if (!r.lists().isEmpty()) {
            List<GeneSetFiles.GeneSet> ls = new ArrayList<>();
            for (Path l : r.lists()) ls.add(GeneSetFiles.map(GeneSetFiles.readList(l), map));
            Set<String> uni = r.universe() == null ? null : new LinkedHashSet<>(GeneSetFiles.readList(r.universe()).genes());
            Enrichment.write(r.out().resolve("lists.tsv"), Enrichment.lists(results, ls, uni, o), LISTS_HEADER);
        }
        Enrichment.write(r.out().resolve("celltypes.tsv"), Enrichment.cellTypes(results, meanProportions(r.proportions(), log)),
                CELLTYPES_HEADER);
        Enrichment.write(r.out().resolve("overlap.tsv"), Enrichment.overlaps(results), OVERLAP_HEADER);
        log.info("enrich: wrote %s", r.out());
    }

    /** region -> cell type -> mean proportion over the samples; null (uniform shares) when no tables are given. */
    static Map<String, Map<String, Double>> meanProportions(Map<String, Path> files, Log.Sink log) {
        if (files.isEmpty()) return null;
        Map<String, Map<String, Double>> props = new LinkedHashMap<>();
        files.forEach((region, file) -> {
            Proportions m = Proportions.read(file, log);
            Map<String, Double> mean = new LinkedHashMap<>();
            for (int c = 0; c < m.cellTypes.length; c++) {
                double s = 0;
                for (int i = 0; i < m.samples.length; i++) s += m.get(i, c);
                mean.put(m.cellTypes[c], s / m.samples.length);
            }
            props.put(region, mean);
        });
        return props;
    }
}
