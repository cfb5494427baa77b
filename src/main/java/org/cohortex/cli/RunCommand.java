package org.cohortex.cli;

import java.nio.file.Path;
import java.util.Arrays;

import org.cohortex.UserException;
import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.io.Json;
import org.cohortex.pipeline.Plan;
import org.cohortex.pipeline.StudyConfig;
import org.cohortex.pipeline.StudyRunner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The whole study from one configuration (config/README.md): deconvolution and imputation per region,",
                "SVA + covariate selection + DE per trait and set, enrichment; manifest.json and report.html.",
                "For a workflow manager: --plan lists the units, --unit runs one, --finish does the rest over finished units."})
final class RunCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "Study configuration (YAML).")
    Path config;

    @Option(names = "--out", defaultValue = "cohortex-out", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume", description = "Skip units whose inputs and settings did not change since the last run in DIR.")
    boolean resume;

    @Option(names = "--plan", paramLabel = "FILE",
            description = "Write the units (id, kind, upstream, inputs, outputs, gpu, memory) as JSON; run nothing.")
    Path plan;

    @Option(names = "--unit", paramLabel = "ID",
            description = "Run one unit of the plan against the upstream outputs already in DIR ('finish': --finish).")
    String unit;

    @Option(names = "--finish", description = "Experiment-wise correction, enrichment, manifest and report over the finished units in DIR.")
    boolean finish;

    @Option(names = "--backend", paramLabel = "auto|cuda|cpu|reference", description = "Overrides analysis.backend of the configuration.")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        int modes = (plan != null ? 1 : 0) + (unit != null ? 1 : 0) + (finish ? 1 : 0);
        if (modes > 1) throw new ParameterException(spec.commandLine(), "--plan, --unit and --finish are exclusive");
        if (threads != null && threads < 1) throw new ParameterException(spec.commandLine(),
                "--threads " + threads + ": must be 1 or more");
        if (backend != null && !Arrays.asList(Backends.NAMES).contains(backend)) {
            throw new ParameterException(spec.commandLine(), "--backend " + backend + ": choose one of "
                    + String.join(", ", Backends.NAMES));
        }
        try {
            StudyConfig c = StudyConfig.read(config);
            if (plan != null) {
                StudyRunner.preflight(c, out); // a workflow manager learns of a bad input before it schedules anything
                Json.write(plan, Plan.of(c, out).toJson());
                return;
            }
            try (ComputeBackend b = Backends.create(backend != null ? backend : c.backend,
                    threads == null ? Backends.defaultThreads() : threads)) {
                if (unit != null) StudyRunner.runUnit(c, out, unit, b);
                else if (finish) StudyRunner.finishOnly(c, out, b);
                else StudyRunner.run(c, out, resume, b);
            }
        } catch (UserException e) {
            // engines name settings; in a run they are the configuration's keys
            throw new UserException(e.render(StudyConfig::settingKey), e);
        }
    }
}
