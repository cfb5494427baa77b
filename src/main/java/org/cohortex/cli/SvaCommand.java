package org.cohortex.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.linalg.ComputeBackend;
import org.cohortex.pipeline.SampleMatch;
import org.cohortex.pipeline.Transform;
import org.cohortex.sva.SvaAnalysis;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sva", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Surrogate variables preserving the trait (Bioconductor sva definitions): num.sv by be or leek, irw-sva.",
                "Writes DIR/svs.tsv (sample, sv1..), DIR/num_sv.json and DIR/sva_pprob.tsv."})
final class SvaCommand implements Runnable {
    @Option(names = "--expr", required = true, paramLabel = "FILE", description = "Genes x samples matrix (TSV/CSV, .gz ok).")
    Path expr;

    @Option(names = "--pheno", required = true, paramLabel = "FILE", description = "Phenotype table, one row per sample.")
    Path pheno;

    @Option(names = "--trait", required = true, paramLabel = "COL", description = "The variable the SVs must not absorb.")
    String trait;

    @Option(names = "--sample-column", paramLabel = "ID", description = "Phenotype column holding sample ids (default: the first column).")
    String sampleColumn;

    @Option(names = "--covariates", split = ",", paramLabel = "a,b", description = "Covariates kept in both mod and mod0.")
    List<String> covariates = new ArrayList<>();

    @Option(names = "--categorical", split = ",", paramLabel = "a,b", description = "Columns to treat as categorical even if numeric.")
    List<String> categorical = new ArrayList<>();

    @Option(names = "--num-sv", defaultValue = "be", paramLabel = "be|leek|N", description = "How many SVs (default: ${DEFAULT-VALUE}).")
    String numSv;

    @Option(names = "--permutations", defaultValue = "20", paramLabel = "B", description = "Permutations for num.sv be (default: ${DEFAULT-VALUE}).")
    int permutations;

    @Option(names = "--iterations", defaultValue = "5", paramLabel = "B", description = "irw-sva iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the be permutations (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--transform", paramLabel = "none|log2cpm", defaultValue = "none", description = "Expression transform (default: ${DEFAULT-VALUE}).")
    String transform;

    @Option(names = "--drop-samples-without-phenotype", description = "Analyse the expression samples that have a phenotype row.")
    boolean dropUnmatched;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Mixin
    BackendOptions backend;

    @Override
    public void run() {
        ExpressionMatrix e = MatrixReader.read(expr);
        PhenotypeTable p = PhenotypeReader.read(pheno, sampleColumn, new LinkedHashSet<>(categorical));
        SampleMatch match = SampleMatch.of(expr.toString(), e.samples, p, dropUnmatched);
        e = Parse.enumValue(Transform.class, "--transform", transform).apply(e, expr.toString()).selectSamples(match.matched);
        SvaAnalysis.Settings s = new SvaAnalysis.Settings();
        s.numSv = numSv;
        s.permutations = permutations;
        s.iterations = iterations;
        s.seed = seed;
        try (ComputeBackend b = backend.create()) {
            SvaAnalysis.Result r = SvaAnalysis.run(b, e, p, trait, covariates, s);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("expression", expr.toString());
            extra.put("trait", trait);
            extra.put("backend", b.describe());
            SvaAnalysis.write(out, r, extra);
        }
    }
}
