package org.cohortex.cli;

import java.nio.file.Path;

import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.pipeline.StudyConfig;
import org.cohortex.pipeline.StudyRunner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The whole study from one configuration (config/README.md): deconvolution and imputation per region,",
                "SVA + covariate selection + DE per trait and set, enrichment; manifest.json and report.html."})
final class RunCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "Study configuration (YAML).")
    Path config;

    @Option(names = "--out", defaultValue = "cohortex-out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume", description = "Skip units whose inputs and settings did not change since the last run in DIR.")
    boolean resume;

    @Option(names = "--backend", paramLabel = "auto|cuda|cpu|reference", description = "Overrides analysis.backend of the configuration.")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public void run() {
        StudyConfig c = StudyConfig.read(config);
        try (ComputeBackend b = Backends.create(backend != null ? backend : c.backend, threads == null ? Backends.defaultThreads() : threads)) {
            StudyRunner.run(c, out, resume, b);
        }
    }
}
