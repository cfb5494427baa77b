package org.cohortex.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.cohortex.sim.CohortSimulator;
import org.cohortex.testutil.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `cohortex run` on a folder: one run at a time (a lock naming the holder's pid, taken over from a
 * dead run with a warning), stale temporary files of a killed run removed, the inputs' contents
 * checked before anything is written, and a run that fitted nothing is a failure with its reasons.
 */
class RunSafetyTest {
    @TempDir
    static Path dir;
    static Path cohort;

    @BeforeAll
    static void simulate() {
        cohort = dir.resolve("cohort");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 29, cohort);
    }

    /** The smallest grid: one region, one cell type, one trait (deconvolution, EB imputation, two DE units). */
    static Path config(String name, String analysis, String... replace) throws IOException {
        String yaml = String.join("\n",
                "cohort: {phenotypes: pheno.tsv, sample_column: donor_id}",
                "regions:",
                "  BLA: {counts: expr/BLA.counts.tsv.gz, panel: amygdala}",
                "panels:",
                "  amygdala: {counts: reference/amygdala.counts.tsv.gz, labels: reference/amygdala.labels.tsv}",
                "traits: [chronic_pain]",
                "enrichment: {gmt: [genesets/simulated.gmt]}",
                "analysis: {cell_types: [microglia], num_sv: 2, select_covariates: false" + analysis + "}", "");
        for (int i = 0; i < replace.length; i += 2) yaml = yaml.replace(replace[i], replace[i + 1]);
        Path f = cohort.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void aSecondRunOnTheSameFolderStopsNamingTheFirstsPid() throws IOException {
        Path cfg = config("lock.yaml", ""), out = dir.resolve("locked");
        long pid = ProcessHandle.current().pid();
        try (RunLock held = RunLock.exclusive(out)) {
            Cli.run("run", cfg.toString(), "--out", out.toString()).expect(1, out + " is in use by another cohortex run (pid " + pid
                    + " on",
                    "wait for it to finish, or give another --out");
            Cli.run("run", cfg.toString(), "--out", out.toString(), "--finish").expect(1, "in use by another cohortex run (pid " + pid);
            Cli.run("run", cfg.toString(), "--out", out.toString(), "--unit", "deconvolve/BLA").expect(1, "in use by another cohortex run");
            assertEquals(List.of(".cohortex"), List.of(out.toFile().list()), "the refused runs wrote nothing");
        }
        assertEquals("", Files.readString(RunLock.file(out)), "a clean release leaves nothing to report");
        try (RunLock unit = RunLock.shared(out)) { // a `run --unit` process at work
            Cli.run("run", cfg.toString(), "--out", out.toString()).expect(1, "in use by another cohortex run (`run --unit` processes)");
        }
    }

    /**
     * A run killed by -9 leaves its lock text and *.part files: the next run takes the lock over with
     * a warning and removes them. This grid fits nothing (num_sv beyond the samples): the run fails
     * with the reason instead of reporting success.
     */
    @Test
    void aStaleLockIsTakenOverStalePartsGoAndARunThatFittedNothingFails() throws IOException {
        Path cfg = config("nothing.yaml", "", "num_sv: 2", "num_sv: 500"), out = dir.resolve("stale");
        Files.createDirectories(out.resolve(".cohortex"));
        Files.writeString(RunLock.file(out), "pid 2147483646 on elsewhere since 2026-01-01T00:00:00Z\n");
        Path part1 = out.resolve("de/chronic_pain/BLA/.de.tsv8123456.part"), part2 = out.resolve(".manifest.json42.part");
        Files.createDirectories(part1.getParent());
        Files.writeString(part1, "half a table");
        Files.writeString(part2, "{");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream err = System.err;
        Cli.Run r;
        try {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            r = Cli.run("run", cfg.toString(), "--out", out.toString());
        } finally {
            System.setErr(err);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        r.expect(1, "none of the 2 analyses could be fitted (reasons in manifest.json)", "analysis.num_sv 500: must be between 0 and");
        assertTrue(logged.contains("taking over the lock of an earlier run that did not finish (pid 2147483646 on elsewhere"), logged);
        assertTrue(logged.contains("removed 2 unfinished temporary files"), logged);
        assertFalse(Files.exists(part1) || Files.exists(part2), "stale *.part files removed");
        assertEquals("", Files.readString(RunLock.file(out)), "released cleanly even though the run failed");
        assertTrue(Files.readString(out.resolve("manifest.json")).contains("\"not_fitted\""), "the reasons are in the manifest");
    }

    static List<String> gunzip(Path p) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new ArrayList<>(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        }
    }

    /** Mistakes in the inputs' contents are all reported, by key, before anything runs or is written (run and run --plan). */
    @Test
    void everyInputProblemIsReportedBeforeAnythingIsWritten() throws IOException {
        List<String> gwas = gunzip(cohort.resolve("gwas/mcp_sumstats.tsv.gz"));
        gwas.replaceAll(l -> l.replaceFirst("\tP\t", "\tPVAL_X\t"));
        Files.write(cohort.resolve("gwas-nop.tsv"), gwas);
        List<String> labels = new ArrayList<>(Files.readAllLines(cohort.resolve("reference/amygdala.labels.tsv")));
        labels.add("ghost_cell\tmicroglia\tamygdala_donor01");
        Files.write(cohort.resolve("ghost.labels.tsv"), labels);
        Files.write(cohort.resolve("bad.gmt"), List.of("SET_A\tdesc\tSIMG00001", "SET_B\tno genes"));
        Path cfg = config("inputs.yaml", "", "traits: [chronic_pain]", "traits: [chronic_pain, batch]\n"
                + "genotypes: {plink: genotypes/cohort, gwas: gwas-nop.tsv}\nprs: {name: mcp_prs, target: chronic_pain}",
                "reference/amygdala.labels.tsv", "ghost.labels.tsv", "genesets/simulated.gmt", "bad.gmt");
        Path out = dir.resolve("never");
        Cli.Run r = Cli.run("run", cfg.toString(), "--out", out.toString());
        r.expect(1, "4 problems in the inputs", "traits: 'batch' is categorical with",
                "panels.amygdala.labels: ", "ghost.labels.tsv: 1 labelled cells are not columns of",
                "genotypes.gwas: ", "gwas-nop.tsv: no P column", "enrichment.gmt: ", "bad.gmt: line 2");
        assertFalse(Files.exists(out), "nothing written");
        Path plan = dir.resolve("plan.json");
        Cli.run("run", cfg.toString(), "--out", out.toString(), "--plan", plan.toString()).expect(1, "4 problems in the inputs");
        assertFalse(Files.exists(plan) || Files.exists(out), "a workflow manager gets no plan for inputs that cannot run");
    }
}
