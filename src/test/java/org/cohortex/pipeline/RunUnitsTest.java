package org.cohortex.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.cohortex.cli.Main;
import org.cohortex.io.Json;
import org.cohortex.sim.CohortSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `run --plan`, `run --unit` and `run --finish`, the contract a workflow manager (workflows/main.nf) builds on: the plan
 * of the paper's configuration, errors naming what is missing, units in separate processes at once on one folder.
 */
class RunUnitsTest {
    @TempDir
    static Path dir;
    static Path cohort, config;

    @BeforeAll
    static void simulate() throws IOException {
        cohort = dir.resolve("cohort");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 53, cohort);
        config = cohort.resolve("light.yaml");
        Files.writeString(config, lightGrid());
    }

    /** One region, one imputed cell type, two traits (one the computed PRS): 7 units and the finish. */
    static String lightGrid() {
        return String.join("\n",
                "cohort: {phenotypes: pheno.tsv, sample_column: donor_id}",
                "regions:",
                "  dACC: {counts: expr/dACC.counts.tsv.gz, panel: cortex}",
                "panels:",
                "  cortex: {counts: reference/cortex.counts.tsv.gz, labels: reference/cortex.labels.tsv}",
                "genotypes: {plink: genotypes/cohort, gwas: gwas/mcp_sumstats.tsv.gz}",
                "prs: {name: mcp_prs, target: chronic_pain}",
                "traits: [chronic_pain, mcp_prs]",
                "enrichment: {gmt: [genesets/simulated.gmt], lists: [genesets/mouse_microglia_pain.txt]}",
                "analysis: {cell_types: [microglia], num_sv: leek, cell_type_test: imputed}", ""); // the impute -> de chain
    }

    /** Exit status and error output of one `cohortex` command in this JVM. */
    record Result(int code, String err) {}

    static Result cli(String... args) {
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), args);
        return new Result(code, sw.toString());
    }

    static JsonNode plan(Path cfg, Path out) throws IOException {
        Path f = dir.resolve("plan-" + System.nanoTime() + ".json");
        Result r = cli("run", cfg.toString(), "--plan", f.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        return Json.mapper().readTree(f.toFile());
    }

    /** config/chronic-pain.yaml as it is (the interaction model per trait and region), and with the paper's impute-then-de path. */
    @Test
    void planOfThePaperConfigurationListsEveryUnitWithItsDependencies() throws IOException {
        String paper = Files.readString(Path.of("config/chronic-pain.yaml")).replaceFirst("(?m)^base: .*$", "base: " + cohort);
        checkPaperPlan(paper, false);
        assertTrue(paper.contains("\n  cell_type_test: interaction\n"), "config/chronic-pain.yaml states its cell-type test");
        checkPaperPlan(paper.replace("\n  cell_type_test: interaction\n", "\n  cell_type_test: imputed\n"), true);
    }

    private void checkPaperPlan(String yaml, boolean imputed) throws IOException {
        // on the small cohort (the same regions, panels and traits as the paper's)
        Path cfg = dir.resolve("chronic-pain-" + imputed + ".yaml");
        Files.writeString(cfg, yaml);
        Path out = dir.resolve("paper-out-" + imputed);
        JsonNode plan = plan(cfg, out);
        assertEquals(out.toString(), plan.path("out").asText());

        Map<String, JsonNode> units = new LinkedHashMap<>();
        Map<String, Integer> kinds = new LinkedHashMap<>();
        for (JsonNode u : plan.path("units")) {
            String id = u.path("id").asText();
            for (JsonNode up : u.path("upstream")) assertTrue(units.containsKey(up.asText()), id + " needs " + up + ", listed before it");
            assertTrue(units.put(id, u) == null, "unit " + id + " listed once");
            kinds.merge(u.path("kind").asText(), 1, Integer::sum);
            for (String field : new String[] {"inputs", "outputs", "alternative_outputs"}) {
                for (JsonNode p : u.path(field)) assertTrue(Path.of(p.asText()).isAbsolute(), id + " " + field + ": " + p);
            }
            for (JsonNode p : u.path("outputs")) assertTrue(Path.of(p.asText()).startsWith(out), id + " writes in --out: " + p);
            assertTrue(u.path("memory_mb").asLong() >= 1024, id + " memory");
        }
        String[] regions = {"dACC", "DLPFC", "BLA", "MeA"};
        String[] types = {"astrocyte", "endothelial", "excitatory", "inhibitory", "microglia", "oligodendrocyte"};
        String[] traits = {"chronic_pain", "migraine", "lifetime_fentanyl", "lifetime_oxymorphone", "mcp_prs"};
        int sets = traits.length * regions.length;
        assertEquals(imputed ? Map.of("prs", 1, "deconvolve", 4, "impute", 4, "de", sets * (1 + types.length))
                : Map.of("prs", 1, "deconvolve", 4, "de", sets, "celltype", sets), kinds);
        assertEquals(List.of(), upstream(units.get("prs")));
        List<String> analyses = new ArrayList<>();
        for (String r : regions) {
            assertEquals(List.of(), upstream(units.get("deconvolve/" + r)));
            if (imputed) assertEquals(List.of("deconvolve/" + r), upstream(units.get("impute/" + r)));
            for (String t : traits) {
                assertEquals(List.of("prs"), upstream(units.get("de/" + t + "/" + r)), "bulk " + r + " " + t);
                analyses.add("de/" + t + "/" + r);
                if (!imputed) {
                    JsonNode u = units.get("celltype/" + t + "/" + r);
                    assertEquals(List.of("prs", "deconvolve/" + r), upstream(u), "cell types of " + r + " " + t);
                    assertTrue(u.path("inputs").toString().contains(out.resolve("deconvolution/" + r + "/proportions.tsv").toString()));
                    List<?> alternative = Json.mapper().convertValue(u.path("alternative_outputs"), List.class);
                    for (String type : types) {
                        String set = out.resolve("de/" + t + "/" + r + "." + type) + "/";
                        assertTrue(u.path("outputs").toString().contains(set + "de.tsv"), set);
                        assertTrue(alternative.contains(set + "not_fitted.txt"), set);
                    }
                    analyses.add("celltype/" + t + "/" + r);
                    continue;
                }
                for (String type : types) {
                    JsonNode u = units.get("de/" + t + "/" + r + "." + type);
                    assertEquals(List.of("prs", "impute/" + r), upstream(u), r + "." + type + " " + t);
                    assertEquals(List.of(out.resolve("de/" + t + "/" + r + "." + type + "/not_fitted.txt").toString()),
                            Json.mapper().convertValue(u.path("alternative_outputs"), List.class));
                    assertTrue(u.path("inputs").toString().contains(out.resolve("imputation/" + r + "/" + type + ".tsv.gz").toString()));
                    analyses.add("de/" + t + "/" + r + "." + type);
                }
            }
        }
        assertEquals(units.size(), 1 + (imputed ? 8 : 4) + analyses.size(), "no other units");
        JsonNode finish = plan.path("finish");
        assertEquals("finish", finish.path("id").asText());
        assertEquals(new HashSet<>(analyses), new HashSet<>(upstream(finish)), "the finish needs every DE analysis");
        assertEquals(analyses.size(), upstream(finish).size());
    }

    static List<String> upstream(JsonNode u) {
        List<String> ids = new ArrayList<>();
        for (JsonNode n : u.path("upstream")) ids.add(n.asText());
        return ids;
    }

    /**
     * The grid unit by unit: each refused while an upstream unit is missing (naming it), the finish refused while DE
     * units are missing (naming them), the DE units in separate processes at once (one of them twice at the same time),
     * a current unit skipped without touching its files, and the same tables as a single-process run.
     */
    @Test
    void unitsInParallelProcessesGiveTheTablesOfOneRun() throws Exception {
        Path single = dir.resolve("single");
        Result r = cli("run", config.toString(), "--out", single.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        Path out = dir.resolve("units");
        JsonNode before = plan(config, out);

        r = cli("run", config.toString(), "--unit", "de/mcp_prs/dACC.microglia", "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unit 'de/mcp_prs/dACC.microglia' needs 'prs', which has not run in " + out), r.err());
        r = cli("run", config.toString(), "--unit", "de/nope/dACC", "--out", out.toString());
        assertTrue(r.code() == 1 && r.err().contains("no unit 'de/nope/dACC'"), r.err());
        for (String id : new String[] {"prs", "deconvolve/dACC"}) assertEquals(0, cli("run", config.toString(), "--unit", id, "--out",
                out.toString()).code(), id);
        r = cli("run", config.toString(), "--unit", "de/chronic_pain/dACC.microglia", "--out", out.toString());
        assertTrue(r.code() == 1 && r.err().contains("needs 'impute/dACC'"), r.err());
        assertEquals(0, cli("run", config.toString(), "--unit", "impute/dACC", "--out", out.toString()).code());
        assertEquals(0, cli("run", config.toString(), "--unit", "de/chronic_pain/dACC", "--out", out.toString(), "--threads", "1").code());
        r = cli("run", config.toString(), "--finish", "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("3 analyses have not run in " + out + " (de/mcp_prs/dACC, de/chronic_pain/dACC.microglia, "
                + "de/mcp_prs/dACC.microglia)"), r.err());
        assertFalse(Files.exists(out.resolve("de_summary.tsv")), "nothing of the finish written");

        // the three other DE units, and one of them twice, as four processes at once on the one folder
        List<Process> procs = new ArrayList<>();
        for (String id : new String[] {"de/mcp_prs/dACC", "de/chronic_pain/dACC.microglia", "de/mcp_prs/dACC.microglia",
            "de/mcp_prs/dACC.microglia"}) {
            procs.add(new ProcessBuilder(javaCommand("run", config.toString(), "--unit", id, "--out", out.toString(), "--threads", "1"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("unit-" + procs.size() + ".log").toFile()).start());
        }
        try {
            for (int i = 0; i < procs.size(); i++) {
                assertTrue(procs.get(i).waitFor(300, TimeUnit.SECONDS), "unit process " + i + " ended");
                assertEquals(0, procs.get(i).exitValue(), Files.readString(dir.resolve("unit-" + i + ".log")));
            }
        } finally {
            for (Process p : procs) p.destroyForcibly();
        }
        try (Stream<Path> s = Files.walk(out)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".part")).toList(), "no temporary files left");
        }

        // a current unit is skipped: its outputs and record are not rewritten
        Path de = out.resolve("de/chronic_pain/dACC.microglia/de.tsv");
        Path record = out.resolve(".cohortex/units/de/chronic_pain/dACC.microglia.json");
        FileTime deTime = Files.getLastModifiedTime(de), recordTime = Files.getLastModifiedTime(record);
        String recorded = Files.readString(record);
        assertEquals(0, cli("run", config.toString(), "--unit", "de/chronic_pain/dACC.microglia", "--out", out.toString()).code());
        assertEquals(deTime, Files.getLastModifiedTime(de));
        assertEquals(recordTime, Files.getLastModifiedTime(record));
        assertEquals(recorded, Files.readString(record));

        r = cli("run", config.toString(), "--finish", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(RunCommandTest.finalTables(single), RunCommandTest.finalTables(out));
        JsonNode units = Json.mapper().readTree(out.resolve("manifest.json").toFile()).path("units");
        for (JsonNode u : before.path("units")) {
            assertTrue(units.has(u.path("id").asText()), "the manifest records " + u.path("id") + ", which ran in another process");
        }
        // the plan is a function of the configuration: the same once the units have written their outputs
        assertEquals(before, plan(config, out));
    }

    /** `java -cp <this test's classpath> org.cohortex.cli.Main ARGS`: the CLI in its own process, without the jar. */
    static List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
                testClasspath(), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The classpath of this JVM: Surefire sets java.class.path to the test classpath (target/classes, the dependencies). */
    static String testClasspath() {
        String cp = System.getProperty("java.class.path");
        Set<String> entries = new HashSet<>(List.of(cp.split(File.pathSeparator)));
        Path classes = Path.of("target", "classes").toAbsolutePath();
        if (!entries.contains(classes.toString()) && !entries.contains(classes + File.separator)) {
            throw new IllegalStateException("target/classes is not on java.class.path: " + cp);
        }
        return cp;
    }
}
