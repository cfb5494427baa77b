package org.cohortex.cli;

import java.nio.file.Path;

import org.cohortex.Log;
import org.cohortex.pipeline.RunReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Re-renders report.html (with report/trait-*.html and figures/*.svg) from a run folder, finished or not, "
                + "without recomputing anything: analyses that have not run yet are shown as such.")
final class ReportCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "DIR", description = "The --out folder of a `cohortex run`.")
    Path dir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The run's configuration, to show the whole planned grid (default: the one manifest.json names, if it reads).")
    Path config;

    @Override
    public void run() {
        Path report = RunReport.render(dir, config);
        Log.info("report: %s", report);
    }
}
