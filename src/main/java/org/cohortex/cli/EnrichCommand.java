package org.cohortex.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.enrich.DeResult;
import org.cohortex.enrich.Enrichment;
import org.cohortex.enrich.GeneSetFiles;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "enrich", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Enrichment and cross-trait comparison over `de` result folders (SPEC 4.9).",
                "Writes, for the inputs given: ora.tsv (GMT sets), lists.tsv (external lists, Fisher), celltypes.tsv",
                "(DEG counts per cell type vs expected share) and overlap.tsv (trait pairs per set and overall)."})
final class EnrichCommand implements Runnable {
    @Option(names = "--de", required = true, arity = "1..*", paramLabel = "DIR", description = "`cohortex de` output folders.")
    List<Path> de;

    @Option(names = "--gmt", arity = "1..*", paramLabel = "FILE", description = "Gene sets (GMT).")
    List<Path> gmt = new ArrayList<>();

    @Option(names = "--lists", arity = "1..*", paramLabel = "FILE", description = "External gene lists, one gene per line.")
    List<Path> lists = new ArrayList<>();

    @Option(names = "--list-universe", paramLabel = "FILE", description = "Genes the external lists were drawn from (background = tested and in it).")
    Path universe;

    @Option(names = "--id-map", paramLabel = "FILE", description = "Translate gene-set identifiers (two columns: from, to; e.g. symbol to Ensembl).")
    Path idMap;

    @Option(names = "--proportions", arity = "1..*", paramLabel = "REGION=FILE",
            description = "Cell-type proportions per region (samples x cell types); expected shares = their means (default: uniform).")
    List<String> proportions = new ArrayList<>();

    @Option(names = "--p-column", defaultValue = "p_bonferroni", paramLabel = "COL", description = "de.tsv column defining DEGs (default: ${DEFAULT-VALUE}).")
    String pColumn;

    @Option(names = "--alpha", defaultValue = "0.05", paramLabel = "A", description = "DEG threshold on that column (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--min-degs", defaultValue = "10", paramLabel = "N", description = "Only lists with at least N DEGs are tested (default: ${DEFAULT-VALUE}).")
    int minDegs;

    @Option(names = "--min-set-size", defaultValue = "10", paramLabel = "N", description = "Gene sets need N genes in the background (default: ${DEFAULT-VALUE}).")
    int minSetSize;

    @Option(names = "--min-overlap", defaultValue = "1", paramLabel = "N", description = "Report sets overlapping the DEGs in at least N genes (default: ${DEFAULT-VALUE}).")
    int minOverlap;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Override
    public void run() {
        List<DeResult> results = new ArrayList<>();
        for (Path d : de) results.add(DeResult.read(d, pColumn, alpha));
        Enrichment.Options o = new Enrichment.Options();
        o.minDegs = minDegs;
        o.minSetSize = minSetSize;
        o.minOverlap = minOverlap;
        Map<String, List<String>> map = idMap == null ? null : GeneSetFiles.readIdMap(idMap);
        if (!gmt.isEmpty()) {
            List<GeneSetFiles.GeneSet> sets = new ArrayList<>();
            for (Path g : gmt) for (GeneSetFiles.GeneSet s : GeneSetFiles.readGmt(g)) sets.add(GeneSetFiles.map(s, map));
            var rows = Enrichment.ora(results, sets, o);
            Enrichment.write(out.resolve("ora.tsv"), rows, "set\ttrait\tgene_set\tset_size\tdegs\tbackground\toverlap\texpected\tfold\tp\tlog10_p\tp_bonferroni\tq_bh\tgenes");
            Log.info("ora: %d (DE set, gene set) tests reported from %d gene sets", rows.size(), sets.size());
        }
        if (!lists.isEmpty()) {
            List<GeneSetFiles.GeneSet> ls = new ArrayList<>();
            for (Path l : lists) ls.add(GeneSetFiles.map(GeneSetFiles.readList(l), map));
            Set<String> uni = universe == null ? null : new LinkedHashSet<>(GeneSetFiles.readList(universe).genes());
            Enrichment.write(out.resolve("lists.tsv"), Enrichment.lists(results, ls, uni, o),
                    "set\ttrait\tlist\tbackground\tdegs\tlist_in_background\toverlap\todds_ratio\tp_greater\tp\tlog10_p\tp_bonferroni\tq_bh\tgenes");
        }
        Map<String, Map<String, Double>> props = null;
        if (!proportions.isEmpty()) {
            props = new HashMap<>();
            for (String spec : proportions) {
                int eq = spec.indexOf('=');
                if (eq <= 0) throw new UserException("--proportions " + spec + ": write REGION=FILE");
                ExpressionMatrix m = MatrixReader.read(Path.of(spec.substring(eq + 1)));
                Map<String, Double> mean = new LinkedHashMap<>();
                for (int c = 0; c < m.sampleCount(); c++) {
                    double s = 0;
                    for (int i = 0; i < m.geneCount(); i++) s += m.values.get(i, c);
                    mean.put(m.samples[c], s / m.geneCount());
                }
                props.put(spec.substring(0, eq), mean);
            }
        }
        Enrichment.write(out.resolve("celltypes.tsv"), Enrichment.cellTypes(results, props),
                "trait\tregion\tcell_type\tdegs\tregion_degs\texpected_share\texpected\tshare_source\tp_greater\tp\tlog10_p\tp_bonferroni\tq_bh");
        Enrichment.write(out.resolve("overlap.tsv"), Enrichment.overlaps(results),
                "set\ttrait_a\ttrait_b\tbackground\tdegs_a\tdegs_b\tshared\texpected\tsame_direction\tconcordance\tp_concordance\tp\tlog10_p\tp_bonferroni\tq_bh\tgenes");
        Log.info("enrich: wrote %s", out);
    }
}
