package org.cohortex.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cohortex.Log;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.io.OutputFolder;
import org.cohortex.sim.CohortSimulator;

/**
 * The built-in demo: simulate the paper-shaped cohort (once), then run the paper's grid on it with
 * `cohortex run` (the simulator's cohort.yaml) and say where the report is.
 */
public final class Demo {
    private Demo() {}

    public static void run(Path out, CohortSimulator.Preset preset, long seed, ComputeBackend backend, boolean resume) {
        Path cohort = out.resolve("cohort");
        if (!Files.exists(cohort.resolve("cohort.yaml"))) {
            try (OutputFolder folder = OutputFolder.open(cohort)) {
                CohortSimulator.run(preset, seed, folder.path());
                folder.commit();
            }
        } else Log.info("demo: reusing the simulated cohort in %s", cohort);
        Path results = out.resolve("results");
        StudyRunner.run(StudyConfig.read(cohort.resolve("cohort.yaml")), results, resume, backend);
        System.out.println();
        System.out.println("DEGs per trait and set (Bonferroni within set): " + results.resolve("de_summary.tsv"));
        try {
            List<String> lines = Files.readAllLines(results.resolve("de_summary.tsv"));
            lines.stream().skip(1).map(l -> l.split("\t")).filter(f -> !f[3].equals("0"))
                    .forEach(f -> System.out.printf("  %-22s %-22s %5s DEGs%n", f[0], f[1], f[3]));
        } catch (IOException e) {
            Log.warn("cannot read %s", results.resolve("de_summary.tsv"));
        }
        System.out.println("Report: " + results.resolve("report.html"));
    }
}
