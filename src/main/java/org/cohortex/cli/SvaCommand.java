package org.cohortex.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.cohortex.backend.ComputeBackend;
import org.cohortex.de.SampleMatch;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.io.Scale;
import org.cohortex.sva.SvaAnalysis;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sva", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Surrogate variables preserving the trait (Bioconductor sva definitions): num.sv by be or leek, irw-sva.",
                "Writes DIR/svs.tsv (sample, sv1..), DIR/num_sv.json and DIR/sva_pprob.tsv."})
final class SvaCommand implements Runnable {
    @Mixin
    AnalysisInputs in;

    @Option(names = "--num-sv", defaultValue = "be", paramLabel = "be|leek|N", description = "How many SVs (default: ${DEFAULT-VALUE}).")
    String numSv;

    @Option(names = "--permutations", defaultValue = "20", paramLabel = "B", description = "Permutations for num.sv be (default: ${DEFAULT-VALUE}).")
    int permutations;

    @Option(names = "--iterations", defaultValue = "5", paramLabel = "B", description = "irw-sva iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the be permutations (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Mixin
    BackendOptions backend;

    @Override
    public void run() {
        ExpressionMatrix e = MatrixReader.read(in.expr);
        PhenotypeTable p = PhenotypeReader.read(in.pheno, in.sampleColumn, new LinkedHashSet<>(in.categorical));
        SampleMatch match = SampleMatch.of(in.expr.toString(), e.samples, p, in.dropUnmatched);
        if (in.scale() == Scale.COUNTS) e = Scale.voomLog2Cpm(e, in.expr.toString());
        e = e.selectSamples(match.matched);
        SvaAnalysis.Settings s = new SvaAnalysis.Settings();
        s.numSv = numSv;
        s.permutations = permutations;
        s.iterations = iterations;
        s.seed = seed;
        try (ComputeBackend b = backend.create()) {
            SvaAnalysis.Result r = SvaAnalysis.run(b, e, p, in.trait, in.covariates, s);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("expression", in.expr.toString());
            extra.put("trait", in.trait);
            extra.put("backend", b.describe());
            SvaAnalysis.write(out, r, extra);
        }
    }
}
