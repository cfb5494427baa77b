package org.cohortex.cli;

import java.nio.file.Path;

import org.cohortex.UserException;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.pipeline.Demo;
import org.cohortex.pipeline.StudyConfig;
import org.cohortex.sim.CohortSimulator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Simulates the paper-shaped cohort (once) and runs the paper's grid on it (cohortex run); ends with where the "
                + "report is.")
final class DemoCommand implements Runnable {
    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--preset", defaultValue = "paper", paramLabel = "paper|small",
            description = "Cohort size (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--seed", defaultValue = "20240520", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Reuse the units of an earlier demo run whose inputs did not change.")
    boolean resume;

    @Mixin
    BackendOptions backend;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        CohortSimulator.Preset p = Parse.usage(spec, () -> {
            backend.check();
            CohortSimulator.Preset named = CohortSimulator.Preset.named(preset);
            if (named == CohortSimulator.Preset.LARGE) {
                throw new UserException("--preset large: the 10x cohort is a benchmark input (cohortex simulate --preset large, then"
                        + " cohortex de or run on it); the demo takes paper or small");
            }
            return named;
        });
        try (ComputeBackend b = backend.create()) {
            Demo.run(out, p, seed, b, resume);
        } catch (UserException e) {
            throw new UserException(e.render(StudyConfig::settingKey), e);
        }
    }
}
