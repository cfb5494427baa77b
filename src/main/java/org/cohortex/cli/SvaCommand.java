package org.cohortex.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

import org.cohortex.Log;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.io.AnalysisData;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.OutputFolder;
import org.cohortex.io.Scale;
import org.cohortex.sva.SvaAnalysis;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sva", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Surrogate variables preserving the trait (Bioconductor sva definitions): num.sv by be or leek, irw-sva.",
                "Writes DIR/svs.tsv (sample, sv1..), DIR/num_sv.json and DIR/sva_pprob.tsv."})
final class SvaCommand implements Runnable {
    @Mixin
    AnalysisInputs in;

    @Option(names = "--num-sv", defaultValue = "be", paramLabel = "be|leek|N", description = "How many SVs (default: ${DEFAULT-VALUE}).")
    String numSv;

    @Option(names = "--permutations", defaultValue = "20", paramLabel = "B",
            description = "Permutations for num.sv be (default: ${DEFAULT-VALUE}).")
    int permutations;

    @Option(names = "--iterations", defaultValue = "5", paramLabel = "B", description = "irw-sva iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "Seed of the be permutations (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Mixin
    BackendOptions backend;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Scale scale = Parse.usage(spec, () -> {
            backend.check();
            Check.atLeast("--permutations", permutations, 1); // the engine names them as `de` does (--sv-permutations)
            Check.atLeast("--iterations", iterations, 1);
            return in.scale();
        });
        SvaAnalysis.Settings s = Parse.usage(spec, () -> new SvaAnalysis.Settings(numSv, permutations, iterations, seed));
        try (OutputFolder folder = OutputFolder.open(out); ComputeBackend b = backend.create()) {
            AnalysisData data = AnalysisData.prepare(MatrixReader.read(in.expr), in.expr, scale, in.pheno, in.sampleColumn,
                    new LinkedHashSet<>(in.categorical), in.dropUnmatched, Log.STDERR);
            SvaAnalysis.Result r = SvaAnalysis.run(b, data.expr(), data.pheno(), in.trait, in.covariates, s, Log.STDERR);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("expression", in.expr.toString());
            extra.put("trait", in.trait);
            extra.put("backend", b.describe());
            SvaAnalysis.write(folder.path(), r, extra);
            folder.commit("sva_pprob.tsv");
        }
    }
}
