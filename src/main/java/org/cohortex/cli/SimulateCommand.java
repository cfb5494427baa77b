package org.cohortex.cli;

import java.nio.file.Path;

import org.cohortex.sim.CohortSimulator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a paper-shaped synthetic cohort with known truth (see README, 'The simulated cohort').",
                "Deterministic for a seed."})
final class SimulateCommand implements Runnable {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--preset", defaultValue = "paper", paramLabel = "paper|small",
            description = "Cohort size (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--seed", defaultValue = "20240520", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--effect-scale", defaultValue = "1", paramLabel = "X",
            description = "Multiplies every planted log2 fold change (default: ${DEFAULT-VALUE}).")
    double effectScale;

    @Option(names = "--reference-donors", paramLabel = "N",
            description = "Donors per single-cell reference panel (default: 20 for paper, 12 for small).")
    Integer referenceDonors;

    @Option(names = "--cells-per-donor", paramLabel = "N",
            description = "Cells per reference donor, types drawn from the donor's proportions (default: 120 for paper, 60 for small).")
    Integer cellsPerDonor;

    @Override
    public void run() {
        CohortSimulator.Preset p = CohortSimulator.Preset.named(preset);
        CohortSimulator.Settings d = CohortSimulator.Settings.of(p);
        CohortSimulator.Settings s = new CohortSimulator.Settings(effectScale,
                referenceDonors == null ? d.referenceDonors() : referenceDonors, cellsPerDonor == null ? d.cellsPerDonor() : cellsPerDonor);
        CohortSimulator.run(p, seed, out, s);
    }
}
