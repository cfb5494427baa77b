package org.cohortex.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.enrich.EnrichmentEngine;
import org.cohortex.enrich.EnrichmentRequest;
import org.cohortex.io.OutputFolder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "enrich", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Enrichment and cross-trait comparison over `de` result folders.",
                "Writes, for the inputs given: ora.tsv (GMT sets), lists.tsv (external lists, Fisher), celltypes.tsv",
                "(DEG counts per cell type vs expected share) and overlap.tsv (trait pairs per set and overall)."})
final class EnrichCommand implements Runnable {
    @Option(names = "--de", required = true, arity = "1..*", paramLabel = "DIR", description = "`cohortex de` output folders.")
    List<Path> de;

    @Option(names = "--gmt", arity = "1..*", paramLabel = "FILE", description = "Gene sets (GMT).")
    List<Path> gmt = new ArrayList<>();

    @Option(names = "--lists", arity = "1..*", paramLabel = "FILE", description = "External gene lists, one gene per line.")
    List<Path> lists = new ArrayList<>();

    @Option(names = "--list-universe", paramLabel = "FILE",
            description = "Genes the external lists were drawn from (background = tested and in it).")
    Path universe;

    @Option(names = "--id-map", paramLabel = "FILE",
            description = "Translate gene-set identifiers (two columns: from, to; e.g. symbol to Ensembl).")
    Path idMap;

    @Option(names = "--proportions", arity = "1..*", paramLabel = "REGION=FILE",
            description = "Cell-type proportions per region (samples x cell types); expected shares = their means (default: uniform).")
    List<String> proportions = new ArrayList<>();

    @Option(names = "--p-column", defaultValue = "p_bonferroni", paramLabel = "COL",
            description = "de.tsv column defining DEGs (default: ${DEFAULT-VALUE}).")
    String pColumn;

    @Option(names = "--alpha", defaultValue = "0.05", paramLabel = "A",
            description = "DEG threshold on that column (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--min-degs", defaultValue = "10", paramLabel = "N",
            description = "Only lists with at least N DEGs are tested (default: ${DEFAULT-VALUE}).")
    int minDegs;

    @Option(names = "--min-set-size", defaultValue = "10", paramLabel = "N",
            description = "Gene sets need N genes in the background (default: ${DEFAULT-VALUE}).")
    int minSetSize;

    @Option(names = "--min-overlap", defaultValue = "1", paramLabel = "N",
            description = "Report sets overlapping the DEGs in at least N genes (default: ${DEFAULT-VALUE}).")
    int minOverlap;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        EnrichmentRequest r = Parse.usage(spec, () -> new EnrichmentRequest(de, gmt, lists, universe, idMap, proportionFiles(), pColumn,
                alpha, minDegs, minSetSize, minOverlap, out));
        try (OutputFolder folder = OutputFolder.open(out)) {
            EnrichmentEngine.run(r.withOut(folder.path()), Log.STDERR);
            folder.commit("ora.tsv", "lists.tsv");
        }
    }

    /** --proportions REGION=FILE, in the order given. */
    private Map<String, Path> proportionFiles() {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String spec : proportions) {
            int eq = spec.indexOf('=');
            if (eq <= 0) throw new UserException("--proportions " + spec + ": write REGION=FILE");
            files.put(spec.substring(0, eq), Path.of(spec.substring(eq + 1)));
        }
        return files;
    }
}
