package org.cohortex.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.linalg.ComputeBackend;
import org.cohortex.sim.CohortSimulator;

/**
 * The built-in demo: simulate the paper-shaped cohort (once), then run `de` for chronic pain in the
 * bulk tissue of each region and compare the Bonferroni hits with the planted bulk-level effects.
 * It grows into the whole paper grid as the analysis steps land.
 */
public final class Demo {
    private Demo() {}

    public static void run(Path out, CohortSimulator.Preset preset, long seed, ComputeBackend backend) {
        Path cohort = out.resolve("cohort");
        if (!Files.exists(cohort.resolve("cohort.yaml"))) CohortSimulator.run(preset, seed, cohort);
        else Log.info("demo: reusing the simulated cohort in %s", cohort);
        Set<String> plantedBulk = new HashSet<>();
        try {
            for (String line : Files.readAllLines(cohort.resolve("truth/degs.tsv"))) {
                String[] f = line.split("\t");
                if (f[0].equals("chronic_pain") && f[2].equals("bulk")) plantedBulk.add(f[1] + "/" + f[3]);
            }
        } catch (IOException e) {
            throw new UserException(cohort + "/truth/degs.tsv: " + e.getMessage());
        }
        List<String> report = new ArrayList<>();
        report.add(String.format("%-6s %8s %8s %14s %16s", "region", "samples", "tested", "bonferroni<.05", "planted bulk hit"));
        for (String region : CohortSimulator.REGIONS) {
            DifferentialExpression.Request r = new DifferentialExpression.Request();
            r.expr = cohort.resolve("expr/" + region + ".counts.tsv.gz");
            r.pheno = cohort.resolve("pheno.tsv");
            r.sampleColumn = "donor_id";
            r.trait = "chronic_pain";
            r.covariates = List.of("age", "sex", "rin", "pmi", "batch");
            r.transform = Transform.LOG2CPM;
            r.out = out.resolve("de").resolve("chronic_pain").resolve(region);
            DifferentialExpression.Result res = DifferentialExpression.run(r, backend);
            int hits = 0, planted = 0, found = 0;
            for (int g = 0; g < res.genes.length; g++) {
                boolean isPlanted = plantedBulk.contains(region + "/" + res.genes[g]);
                if (isPlanted) planted++;
                if (res.pBonferroni[g] < 0.05) {
                    hits++;
                    if (isPlanted) found++;
                }
            }
            report.add(String.format("%-6s %8d %8d %14d %16s", region, res.design.n(), res.tested(), hits, planted == 0 ? "-" : found + "/" + planted));
        }
        System.out.println();
        System.out.println("Chronic pain, bulk tissue (expr ~ chronic_pain + age + sex + rin + pmi + batch, log2-CPM):");
        report.forEach(System.out::println);
        System.out.println("Results: " + out.resolve("de") + "  (truth: " + cohort.resolve("truth") + ")");
    }
}
