package org.cohortex.cli;

import java.nio.file.Path;

import org.cohortex.io.OutputFolder;
import org.cohortex.sim.CohortSimulator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a paper-shaped synthetic cohort with known truth (see README, 'The simulated cohort').",
                "Deterministic for a seed."})
final class SimulateCommand implements Runnable {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--preset", defaultValue = "paper", paramLabel = "paper|small|large",
            description = {"Cohort size: paper (304 donors x 20,000 genes), small (80 x 1,500), large (3,000 x 60,000, SPEC 6's",
                "benchmark cohort: ~10 min and ~4 GB of files) (default: ${DEFAULT-VALUE})."})
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

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        CohortSimulator.Preset p = Parse.usage(spec, () -> CohortSimulator.Preset.named(preset));
        CohortSimulator.Settings s = Parse.usage(spec, () -> {
            // beyond 10x the planted log2 fold changes reach 2^15 and more: counts overflow, nothing is learnt
            Check.between("--effect-scale", effectScale, 0, 10, false);
            CohortSimulator.Settings d = CohortSimulator.Settings.of(p);
            return new CohortSimulator.Settings(effectScale, referenceDonors == null ? d.referenceDonors() : referenceDonors,
                    cellsPerDonor == null ? d.cellsPerDonor() : cellsPerDonor);
        });
        try (OutputFolder folder = OutputFolder.open(out)) {
            CohortSimulator.run(p, seed, folder.path(), s);
            folder.commit();
        }
    }
}
