package org.cohortex.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cohortex.sim.CohortSimulator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Nextflow pipeline (workflows/) end to end on a light grid of the small preset, with the local executor: its
 * tables are byte-identical to a single-process `run`, and `-resume` finds every task cached. One trait has values
 * for 3 donors only, so its analyses are done with not_fitted.txt instead of de.tsv (the plan's alternative outputs). Cohortex runs from
 * target/classes and the test classpath (the jar is built later, in `package`); Nextflow from the classpath that
 * workflows/nextflow-launcher/pom.xml resolves from Maven Central. Skipped, saying why, where bash or Maven is
 * missing or that classpath cannot be resolved (no network and nothing in ~/.m2).
 */
class NextflowPipelineTest {
    static final Path WORKFLOWS = Path.of("workflows").toAbsolutePath();
    /** The pipeline's two runs on 2 cores take about a minute; a hung run fails the test instead of the build. */
    static final long RUN_TIMEOUT_S = 420;

    @TempDir
    static Path dir;
    static Path config;

    @BeforeAll
    static void prepare() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "skipped: the pipeline's scripts need /bin/bash");
        resolveNextflow();
        Path cohort = dir.resolve("cohort");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 57, cohort);
        List<String> pheno = Files.readAllLines(cohort.resolve("pheno.tsv"));
        List<String> withSparse = new ArrayList<>(List.of(pheno.get(0) + "\tsparse"));
        for (int i = 1; i < pheno.size(); i++) withSparse.add(pheno.get(i) + "\t" + (i <= 3 ? Integer.toString(i % 2) : "NA"));
        Files.write(cohort.resolve("pheno.tsv"), withSparse);
        config = cohort.resolve("light.yaml");
        Files.writeString(config, String.join("\n",
                "cohort: {phenotypes: pheno.tsv, sample_column: donor_id}",
                "regions:",
                "  dACC: {counts: expr/dACC.counts.tsv.gz, panel: cortex}",
                "panels:",
                "  cortex: {counts: reference/cortex.counts.tsv.gz, labels: reference/cortex.labels.tsv}",
                "genotypes: {plink: genotypes/cohort, gwas: gwas/mcp_sumstats.tsv.gz}",
                "prs: {name: mcp_prs, target: chronic_pain}",
                "traits: [mcp_prs, sparse]",
                "enrichment: {gmt: [genesets/simulated.gmt], lists: [genesets/mouse_microglia_pain.txt]}",
                "analysis: {cell_types: [microglia, oligodendrocyte], num_sv: leek}", ""));
    }

    /**
     * Nextflow's classpath, as workflows/run-local.sh resolves it (the same command and file, so that the script finds
     * it fresh); an assumption, not a failure, where Maven is missing or cannot resolve it.
     */
    static void resolveNextflow() throws Exception {
        Path launcher = WORKFLOWS.resolve("nextflow-launcher");
        Path cp = launcher.resolve("target").resolve("classpath.txt");
        List<String> cmd = List.of("mvn", "-q", "-B", "-Dstyle.color=never", "-f", launcher.resolve("pom.xml").toString(),
                "dependency:build-classpath", "-Dmdep.outputFile=" + cp);
        Path log = dir.resolve("nextflow-classpath.log");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            Assumptions.abort("skipped: Nextflow's classpath needs Maven (mvn) on the PATH: " + e.getMessage());
            return;
        }
        boolean ended = p.waitFor(300, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly().waitFor();
        String out = Files.readString(log);
        Assumptions.assumeTrue(ended && p.exitValue() == 0 && Files.size(cp) > 0, () -> "skipped: io.nextflow:nextflow could not be "
                + "resolved from Maven Central (no network and not in ~/.m2?) by `" + String.join(" ", cmd) + "`: "
                + (ended ? "exit " + p.exitValue() : "no answer in 300 s") + "\n" + tail(out, 2000));
    }

    @Test
    void pipelineGivesTheTablesOfASingleProcessRunAndResumesFromItsCache() throws Exception {
        Path single = dir.resolve("single");
        RunUnitsTest.Result r = RunUnitsTest.cli("run", config.toString(), "--out", single.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());

        Path out = dir.resolve("nextflow");
        String first = runPipeline(out, "first");
        assertEquals(7, count(first, "Submitted process >"),
                "prs, deconvolve, 2 bulk DE units, 2 cell-type units (interaction model) and the finish, once each:\n" + first);
        Map<String, String> tables = RunCommandTest.finalTables(out);
        for (String t : new String[] {"de_summary.tsv", "experimentwise_degs.tsv", "enrich/overlap.tsv", "de/mcp_prs/dACC/de.tsv",
            "de/mcp_prs/dACC.oligodendrocyte/de.tsv", "de/sparse/dACC/not_fitted.txt", "de/sparse/dACC.microglia/not_fitted.txt"}) {
            assertTrue(tables.containsKey(t), t + " in " + tables.keySet());
        }
        assertEquals(RunCommandTest.finalTables(single), tables, "the pipeline's tables equal the single-process run's");

        String again = runPipeline(out, "resume", "-resume");
        assertEquals(0, count(again, "Submitted process >"), "nothing runs again:\n" + again);
        assertEquals(7, count(again, "Cached process >"), again);
        assertEquals(tables, RunCommandTest.finalTables(out));
    }

    /**
     * workflows/run-local.sh CONFIG OUT with cohortex from the test classpath; its output, or a failure showing it. The
     * tasks' JVMs compile with C1 only: the units here take about a second, which C2's compilations would double.
     */
    static String runPipeline(Path out, String name, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", WORKFLOWS.resolve("run-local.sh").toString(), config.toString(),
                out.toString(), "-ansi-log", "false", "--max_cpus", "2", "--java_opts=-XX:TieredStopAtLevel=1"));
        cmd.addAll(List.of(options));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("COHORTEX_CLASSPATH", RunUnitsTest.testClasspath());
        pb.environment().put("COHORTEX_NF_RUNDIR", dir.resolve("nextflow-run").toString()); // outside OUT, where the tables are
        Process p = pb.start();
        try {
            boolean ended = p.waitFor(RUN_TIMEOUT_S, TimeUnit.SECONDS);
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (!ended) fail("the pipeline (" + name + ") did not end in " + RUN_TIMEOUT_S + " s:\n" + tail(text, 4000));
            if (p.exitValue() != 0) {
                fail("the pipeline (" + name + ") failed with exit " + p.exitValue() + ":\n" + tail(text, 4000) + "\n.nextflow.log:\n"
                        + tail(readOr(dir.resolve("nextflow-run").resolve(".nextflow.log")), 4000));
            }
            return text;
        } finally {
            // never leave Nextflow or its tasks behind, whatever happened
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
    }

    static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    static String tail(String s, int chars) {
        return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
    }

    static String readOr(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(" + f + " unreadable: " + e.getMessage() + ")";
        }
    }
}
