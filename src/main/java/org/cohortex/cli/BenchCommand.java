package org.cohortex.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cohortex.UserException;
import org.cohortex.backend.BackendBench;
import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.backend.CpuBackend;
import org.cohortex.backend.CudaProbe;
import org.cohortex.io.AtomicFile;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the same workloads on every available backend and prints one table.",
                "Seconds, throughput and ratio to cpu, in one process. Default sizes: OLS/SVA 20,000 x 300 x 30,",
                "10,000 Freedman-Lane permutations, the Gibbs sampler on 20,000 genes x 304 x 6 x 1,000 iterations."})
final class BenchCommand implements Runnable {
    @Option(names = "--backends", split = ",", paramLabel = "a,b",
            description = "Backends to run (default: every usable one of cuda, cpu).")
    List<String> backends;

    @Option(names = "--workloads", split = ",", paramLabel = "w",
            description = "Subset of gemm, ols, sva, counts, nusvr, permutations, gibbs (default: all).")
    List<String> workloads;

    @Option(names = "--genes", defaultValue = "20000", paramLabel = "N") int genes;
    @Option(names = "--samples", defaultValue = "300", paramLabel = "N") int samples;
    @Option(names = "--covariates", defaultValue = "30", paramLabel = "P") int covariates;
    @Option(names = "--permutations", defaultValue = "10000", paramLabel = "B") int permutations;
    @Option(names = "--cpu-permutations", defaultValue = "500", paramLabel = "B",
            description = "Permutations actually run on cpu; the time is scaled to --permutations (cost is linear in B) (default: "
                    + "${DEFAULT-VALUE}).")
    int cpuPermutations;
    @Option(names = "--gibbs-genes", defaultValue = "20000", paramLabel = "N") int gibbsGenes;
    @Option(names = "--cpu-gibbs-genes", defaultValue = "200", paramLabel = "N",
            description = "Genes the cpu Gibbs run takes; scaled to --gibbs-genes (default: ${DEFAULT-VALUE}).")
    int cpuGibbsGenes;
    @Option(names = "--gibbs-iterations", defaultValue = "1000", paramLabel = "N") int gibbsIterations;
    @Option(names = "--gemm-size", defaultValue = "4096", paramLabel = "N") int gemmSize;
    @Option(names = "--svr-mixtures", defaultValue = "10", paramLabel = "N",
            description = "Mixtures the nusvr workload fits, three nu each (default: ${DEFAULT-VALUE}).") int svrMixtures;
    @Option(names = "--svr-markers", defaultValue = "180", paramLabel = "N",
            description = "Markers per cell type of its 6-type signature (default: ${DEFAULT-VALUE}, 1,080 genes).") int svrMarkers;
    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores).") Integer threads;
    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table here.") Path out;

    @Spec
    CommandSpec spec;

    /** Sizes, counts and names before anything runs: a usage error (exit 2) names the option. */
    private void check() {
        Parse.usage(spec, () -> {
            Check.atLeast("--genes", genes, 1);
            Check.atLeast("--covariates", covariates, 1);
            Check.atLeast("--permutations", permutations, 1);
            Check.atLeast("--cpu-permutations", cpuPermutations, 1);
            Check.atLeast("--gibbs-genes", gibbsGenes, 1);
            Check.atLeast("--cpu-gibbs-genes", cpuGibbsGenes, 1);
            Check.atLeast("--gibbs-iterations", gibbsIterations, 1);
            Check.atLeast("--gemm-size", gemmSize, 1);
            Check.atLeast("--svr-mixtures", svrMixtures, 1);
            Check.atLeast("--svr-markers", svrMarkers, 2); // CIBERSORT needs at least 2k signature genes
            Check.atLeast("--samples", samples, covariates + 2L); // an OLS needs residual degrees of freedom
            if (threads != null) Check.atLeast("--threads", threads, 1);
            for (String b : backends == null ? List.<String>of() : backends) {
                if (!List.of(Backends.NAMES).contains(b)) throw new UserException("--backends " + b + ": choose among "
                        + String.join(", ", Backends.NAMES));
            }
            List<String> known = List.of("gemm", "ols", "sva", "counts", "nusvr", "permutations", "gibbs");
            for (String w : workloads == null ? List.<String>of() : workloads) {
                if (!known.contains(w)) throw new UserException("--workloads " + w + ": choose among " + String.join(", ", known));
            }
            return null;
        });
    }

    @Override
    public void run() {
        check();
        List<String> names = backends;
        if (names == null) {
            names = new ArrayList<>();
            if (CudaProbe.get().usable()) names.add("cuda");
            if (CpuBackend.isAvailable()) names.add("cpu");
        }
        BackendBench.Settings s = new BackendBench.Settings();
        s.genes = genes;
        s.samples = samples;
        s.covariates = covariates;
        s.permutations = permutations;
        s.cpuPermutations = cpuPermutations;
        s.gibbsGenes = gibbsGenes;
        s.cpuGibbsGenes = cpuGibbsGenes;
        s.gibbsIterations = gibbsIterations;
        s.gemmSize = gemmSize;
        s.svrMixtures = svrMixtures;
        s.svrMarkers = svrMarkers;
        if (workloads != null) s.workloads = workloads;
        List<ComputeBackend> open = new ArrayList<>();
        try {
            for (String n : names) open.add(Backends.create(n, threads == null ? Backends.defaultThreads() : threads));
            for (ComputeBackend b : open) System.out.println("# " + b.describe());
            String table = BackendBench.table(BackendBench.run(open, s));
            System.out.print(table);
            if (out != null) AtomicFile.writeString(out, table);
        } finally {
            for (ComputeBackend b : open) b.close();
        }
    }
}
