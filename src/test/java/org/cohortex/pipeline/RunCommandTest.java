package org.cohortex.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.cohortex.UserException;
import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.cli.Main;
import org.cohortex.io.Json;
import org.cohortex.sim.CohortSimulator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cohortex run` end to end on the small preset: outputs, kill + resume, changed inputs, config errors. */
class RunCommandTest {
    @TempDir
    static Path dir;
    static Path cohort, config;

    @BeforeAll
    static void simulate() throws IOException {
        cohort = dir.resolve("cohort");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 51, cohort);
        // a lighter grid for CI: two regions, three cell types, two traits. The bulk counts as before
        // issue 17 (no filterByExpr, no TMM): with TMM, leek finds one SV for mcp_prs/dACC on these 80
        // donors and the selection keeps 60 covariates for 61 samples (not fitted); RunLimmaSettingsTest
        // runs the defaults
        config = cohort.resolve("grid.yaml");
        Files.writeString(config, String.join("\n",
                "cohort: {phenotypes: pheno.tsv, sample_column: donor_id}",
                "regions:",
                "  dACC: {counts: expr/dACC.counts.tsv.gz, panel: cortex}",
                "  BLA: {counts: expr/BLA.counts.tsv.gz, panel: amygdala}",
                "panels:",
                "  cortex: {counts: reference/cortex.counts.tsv.gz, labels: reference/cortex.labels.tsv}",
                "  amygdala: {counts: reference/amygdala.counts.tsv.gz, labels: reference/amygdala.labels.tsv}",
                "genotypes: {plink: genotypes/cohort, gwas: gwas/mcp_sumstats.tsv.gz}",
                "prs: {name: mcp_prs, target: chronic_pain}",
                "traits: [chronic_pain, mcp_prs]",
                "enrichment: {gmt: [genesets/simulated.gmt], lists: [genesets/mouse_microglia_pain.txt]}",
                "analysis: {cell_types: [microglia, endothelial, oligodendrocyte], num_sv: leek, normalize: none, filter_by_expr: false}",
                ""));
    }

    /** What a kill looks like to the runner: the unit in progress never finishes. */
    static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    static Map<String, String> finalTables(Path out) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                String name = out.relativize(p).toString();
                if (name.equals("manifest.json") || name.equals("report.html") || name.endsWith("model.json")
                        || name.startsWith(".cohortex/")) {
                    continue; // these name the backend, paths and timings; .cohortex/ is the run's bookkeeping
                }
                m.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return m;
    }

    static int cli(String... args) {
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), args);
        if (code != 0) System.err.println(sw);
        return code;
    }

    @Test
    void killedAndResumedRunGivesIdenticalTables() throws Exception {
        Path clean = dir.resolve("clean");
        assertEquals(0, cli("run", config.toString(), "--out", clean.toString()));
        for (String f : new String[] {"manifest.json", "report.html", "de_summary.tsv", "experimentwise_degs.tsv", "enrich/overlap.tsv",
                "enrich/ora.tsv",
            "deconvolution/BLA/proportions.tsv", "celltype/chronic_pain/BLA/joint.tsv", "de/chronic_pain/BLA.microglia/de.tsv",
                    "de/mcp_prs/dACC/de.tsv",
            "prs/qc/qc_steps.tsv", "prs/qc/pcs.tsv", "prs/score/r2.tsv", "prs/score/clumped.tsv"}) {
            assertTrue(Files.isRegularFile(clean.resolve(f)), f);
        }
        String report = Files.readString(clean.resolve("report.html"));
        for (String section : new String[] {"id=\"run\"", "id=\"warnings\"", "id=\"degs\"", "id=\"deconvolution\"", "id=\"truth\"",
            "id=\"enrichment\"", "id=\"prs\"", "<svg"}) {
            assertTrue(report.contains(section), "report has " + section);
        }
        assertTrue(Files.readString(clean.resolve("report/trait-chronic_pain.html")).contains("id=\"set-BLA.microglia\""),
                "one page per trait, a section per analysis");
        assertTrue(!report.contains("src=") && !report.contains("<link") && !report.contains("href=\"http"),
                "self-contained: no external scripts or resources");
        // the computed PRS is the trait the mcp_prs analyses used: prs/pheno.tsv carries prs.best.tsv's values
        Map<String, String> best = new HashMap<>();
        List<String> bestLines = Files.readAllLines(clean.resolve("prs/score/prs.best.tsv"));
        for (String l : bestLines.subList(1, bestLines.size())) {
            best.put(l.split("\t")[0], l.split("\t")[1]);
        }
        List<String> ph = Files.readAllLines(clean.resolve("prs/pheno.tsv"));
        int col = Arrays.asList(ph.get(0).split("\t")).indexOf("mcp_prs");
        assertTrue(col > 0 && best.size() > 60, "mcp_prs column and scores for most donors");
        int na = 0;
        for (String l : ph.subList(1, ph.size())) {
            String[] f = l.split("\t", -1);
            assertEquals(best.getOrDefault(f[0], "NA"), f[col], f[0]);
            if (f[col].equals("NA")) na++;
        }
        assertEquals(ph.size() - 1 - best.size(), na);
        var model = new ObjectMapper().readTree(clean.resolve("de/mcp_prs/dACC/model.json").toFile());
        assertTrue(model.path("n_samples").asInt() > 30, "DE on the PRS ran: " + model.path("n_samples"));
        for (var sample : model.path("samples_used")) assertTrue(best.containsKey(sample.asText()), "only donors with a computed PRS: "
                + sample.asText());

        // analyses that could not be fitted are recorded with their reason, not silently missing
        var notFitted = new ObjectMapper().readTree(clean.resolve("manifest.json").toFile()).path("not_fitted");
        notFitted.fieldNames().forEachRemaining(k -> {
            assertTrue(Files.isRegularFile(clean.resolve("de").resolve(k).resolve("not_fitted.txt")), k);
            assertTrue(!Files.exists(clean.resolve("de").resolve(k).resolve("de.tsv")), k);
            assertTrue(report.contains(k), "report lists " + k);
        });

        Path killed = dir.resolve("killed");
        try (ComputeBackend b = Backends.create("auto", 2)) {
            UnitRunner.Listener killAfterSeven = new UnitRunner.Listener() {
                @Override
                public void beforeRun(Unit u, int ran) {
                    if (ran >= 7) throw new Killed();
                }
            };
            assertThrows(Killed.class, () -> StudyRunner.run(StudyConfig.read(config), killed, false, b, killAfterSeven));
        }
        String manifest = Files.readString(killed.resolve("manifest.json"));
        assertTrue(manifest.contains("\"status\" : \"ran\""), "finished units are recorded before the stop");
        assertEquals(0, cli("run", config.toString(), "--out", killed.toString(), "--resume"));
        assertTrue(Files.readString(killed.resolve("manifest.json")).contains("\"status\" : \"reused\""),
                "the finished units were not redone");
        assertEquals(finalTables(clean), finalTables(killed));
    }

    /** The paper's path (imputation, then DE per cell type) and bMIND's test run from the same grid, by one key. */
    @Test
    void cellTypeTestsOfTheGridByKey() throws Exception {
        for (String method : new String[] {"imputed", "bmind"}) {
            Path cfg = cohort.resolve("grid-" + method + ".yaml");
            Files.writeString(cfg, String.join("\n",
                    "cohort: {phenotypes: pheno.tsv, sample_column: donor_id}",
                    "regions: {BLA: {counts: expr/BLA.counts.tsv.gz, panel: amygdala}}",
                    "panels: {amygdala: {counts: reference/amygdala.counts.tsv.gz, labels: reference/amygdala.labels.tsv}}",
                    "traits: [chronic_pain]",
                    "analysis: {cell_types: [microglia, endothelial], num_sv: 2, select_covariates: false, cell_type_test: " + method
                            + "}", ""));
            Path out = dir.resolve("ct-" + method);
            assertEquals(0, cli("run", cfg.toString(), "--out", out.toString()), method);
            assertTrue(Files.isRegularFile(out.resolve("imputation/BLA/microglia.tsv.gz")), method + ": the region is imputed once");
            for (String set : new String[] {"BLA", "BLA.microglia", "BLA.endothelial"}) {
                assertTrue(Files.isRegularFile(out.resolve("de/chronic_pain").resolve(set).resolve("de.tsv")), method + " " + set);
            }
            String summary = Files.readString(out.resolve("de_summary.tsv"));
            assertTrue(summary.contains("chronic_pain\tBLA.microglia\t") && summary.contains("chronic_pain\tBLA.endothelial\t"), summary);
            if (method.equals("bmind")) {
                assertTrue(Files.readString(out.resolve("celltype/chronic_pain/BLA/joint.tsv")).startsWith("gene\tpillai\tp\t"),
                        "bMIND's joint test");
            }
        }
    }

    /** Chromium's headless command line: a fresh profile, no network services, console messages on stderr. */
    static ProcessBuilder chromium(Path chromium, String... args) {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--allow-file-access-from-files", "--enable-logging=stderr", "--v=0", "--user-data-dir=" + dir.resolve("chrome-profile")));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** The DOM after load, and the page's console messages (an error or an uncaught exception is one). */
    static String[] render(Path chromium, String... args) throws Exception {
        Path err = Files.createTempFile(dir, "chromium", ".log");
        Process p = chromium(chromium, args).redirectError(err.toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        String console = String.join("\n", Files.readAllLines(err).stream().filter(l -> l.contains("CONSOLE")).toList());
        return new String[] {dom, console};
    }

    /**
     * The report in headless Chromium (Debian's chromium; skipped where it is not installed): every page renders without a
     * console message, every figure is an SVG with axis titles and marks, every link resolves; a screenshot of the summary
     * (target/report-summary.png) for a person to look at, and the summary's load time (target/report-load.txt).
     */
    @Test
    void reportRendersInHeadlessChromium() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium), "chromium not installed");
        Path out = dir.resolve("render");
        assertEquals(0, cli("run", config.toString(), "--out", out.toString()));
        Path broken = dir.resolve("broken.html"); // the console check can fail: a page with an error is caught
        Files.writeString(broken, "<html><body><script>undefinedFunction();</script></body></html>");
        assertTrue(render(chromium, "--dump-dom", broken.toUri().toString())[1].contains("undefinedFunction"), "console errors are seen");

        int figures = 0;
        for (Path page : ReportChecks.pages(out)) {
            String[] r = render(chromium, "--dump-dom", page.toUri().toString());
            assertEquals("", r[1], page + ": no console messages");
            assertTrue(r[0].contains("</main>"), page + ": rendered");
            assertEquals(List.of(), ReportChecks.badFigures(r[0]), page + ": every figure has axis titles and marks");
            assertEquals(List.of(), ReportChecks.brokenLinks(page, r[0]), page + ": every link resolves");
            figures += ReportChecks.figureCount(r[0]);
        }
        int fitted = Files.readAllLines(out.resolve("de_summary.tsv")).size() - 1;
        assertTrue(fitted >= 10 && figures >= 2 * fitted + 8, "a volcano and a QQ plot per fitted analysis, and the rest: " + figures
                + " figures for " + fitted + " analyses");
        assertEquals(List.of(), ReportChecks.badSvgFiles(out), "figures/*.svg");

        Path png = Path.of("target", "report-summary.png").toAbsolutePath();
        Files.deleteIfExists(png);
        render(chromium, "--window-size=1400,2000", "--screenshot=" + png, out.resolve("report.html").toUri().toString());
        assertTrue(Files.size(png) > 20_000, "a real screenshot was taken: " + Files.size(png) + " bytes");

        // the inline script sorts a table by the clicked column, ascending then descending
        Path sorter = dir.resolve("sorter.html");
        Files.writeString(sorter, "<html><body><iframe id=f src='" + out.resolve("report/trait-chronic_pain.html").toUri() + "'></iframe>"
                + "<script>function col(t){return Array.from(t.tBodies[0].rows).map(function(r){"
                + "return parseFloat(r.cells[7].textContent);});}"
                + "function sorted(v,s){for(var i=1;i<v.length;i++)if(s*(v[i]-v[i-1])<0)return false;return v.length>5;}"
                + "document.getElementById('f').onload=function(){var t=this.contentDocument.querySelector('table.sortable'),"
                + "h=t.querySelectorAll('th')[7],before=col(t);h.click();var up=col(t);h.click();var down=col(t);"
                + "document.body.setAttribute('data-sorted',(h.textContent==='lambda'&&!sorted(before,1)&&sorted(up,1)&&sorted(down,-1))"
                + "+' '+up.join(','));};</script></body></html>");
        String sortedDom = render(chromium, "--dump-dom", sorter.toUri().toString())[0];
        assertTrue(sortedDom.contains("data-sorted=\"true "), "clicking 'lambda' sorts the models up, then down: "
                + sortedDom.replaceAll("(?s).*(data-sorted=\"[^\"]*\").*", "$1"));

        // load time: the summary in an iframe, timed by the page's own navigation timing
        Path timer = dir.resolve("timer.html");
        Files.writeString(timer, "<html><body><iframe id=f style='width:1400px;height:1000px' src='" + out.resolve("report.html").toUri()
                + "'></iframe><script>document.getElementById('f').onload=function(){var t=this.contentWindow.performance.timing;"
                + "document.body.setAttribute('data-load',t.loadEventStart-t.navigationStart);};</script></body></html>");
        String dom = render(chromium, "--dump-dom", timer.toUri().toString())[0];
        Matcher m = Pattern.compile("data-load=\"(\\d+)\"").matcher(dom);
        assertTrue(m.find(), "the timer page measured the load");
        long ms = Long.parseLong(m.group(1));
        Files.writeString(Path.of("target", "report-load.txt"), "report.html: " + Files.size(out.resolve("report.html"))
                + " bytes, loaded in "
                + ms + " ms (headless Chromium)\n");
        assertTrue(ms < 5000, "the summary loads in a few seconds: " + ms + " ms");
    }

    @Test
    void changedInputsAreDetectedByChecksum() throws Exception {
        Path out = dir.resolve("changed");
        assertEquals(0, cli("run", config.toString(), "--out", out.toString()));
        Path pheno = cohort.resolve("pheno.tsv");
        String original = Files.readString(pheno);
        try {
            Files.writeString(pheno, original); // rewritten, same content: everything reused
            assertEquals(0, cli("run", config.toString(), "--out", out.toString(), "--resume"));
            String m1 = Files.readString(out.resolve("manifest.json"));
            assertTrue(!m1.contains("\"status\" : \"ran\""), "nothing reran when no input changed");
            String[] lines = original.split("\n");
            lines[1] = lines[1].replaceFirst("\t\\d+(\\.\\d+)?\t", "\t99\t"); // change one donor's value
            Files.writeString(pheno, String.join("\n", lines) + "\n");
            assertEquals(0, cli("run", config.toString(), "--out", out.toString(), "--resume"));
            String m2 = Files.readString(out.resolve("manifest.json"));
            assertTrue(m2.contains("\"status\" : \"ran\""), "the DE units rerun when the phenotypes change");
            var units = Json.mapper().readTree(m2).path("units");
            assertEquals("reused", units.path("deconvolve/BLA").path("status").asText(), "deconvolution does not depend on the phenotypes");
            assertEquals("ran", units.path("celltype/chronic_pain/BLA").path("status").asText(), "the cell-type units rerun too");
        } finally {
            Files.writeString(pheno, original);
        }
    }

    @Test
    void configurationErrorsNameTheKey() throws IOException {
        Path bad = cohort.resolve("bad.yaml"); // beside the data, so the config's relative paths resolve
        Files.writeString(bad, Files.readString(config).replace("num_sv: leek", "num_sv: leek, frobnicate: 3"));
        UserException e = assertThrows(UserException.class, () -> StudyConfig.read(bad));
        assertTrue(e.getMessage().contains("analysis.frobnicate: unknown key"), e.getMessage());
        Files.writeString(bad, Files.readString(config).replace("traits: [chronic_pain, mcp_prs]", "traits: chronic_pain"));
        e = assertThrows(UserException.class, () -> StudyConfig.read(bad));
        assertTrue(e.getMessage().contains("traits: must be a list"), e.getMessage());
        Files.writeString(bad, Files.readString(config).replace("panel: cortex}", "panel: cortx}"));
        e = assertThrows(UserException.class, () -> StudyConfig.read(bad));
        assertTrue(e.getMessage().contains("regions.dACC.panel: no panel named 'cortx'"), e.getMessage());
        assertEquals(1, cli("run", dir.resolve("nope.yaml").toString(), "--out", dir.resolve("x").toString()));
    }

    /** Every problem of a configuration in one message, by key, before anything runs or is written. */
    @Test
    void everyConfigurationProblemIsReportedAtOnceBeforeAnythingRuns() throws IOException {
        Path bad = cohort.resolve("worse.yaml");
        Files.writeString(bad, Files.readString(config)
                .replace("expr/BLA.counts.tsv.gz", "expr/BLA.count.tsv.gz")
                .replace("traits: [chronic_pain, mcp_prs]", "traits: [chronic_pain, chronic_pain, no_such_trait, ../escape]")
                .replace("analysis: {cell_types: [microglia, endothelial, oligodendrocyte], num_sv: leek,",
                        "analysis: {cell_types: [microglia, neurons], num_sv: -3, alpha: 5, permutations: 2.5,"));
        Path out = dir.resolve("never-written");
        UserException e = assertThrows(UserException.class, () -> StudyConfig.read(bad));
        String m = e.getMessage();
        for (String want : new String[] {"regions.BLA.counts: file not found", "traits: 'chronic_pain' is listed twice",
            "traits: 'no_such_trait' is not a column", "traits: '../escape' cannot name a folder",
                    "analysis.num_sv: must be be, leek or a number",
            "analysis.alpha: must be in (0.0, 1.0], got 5.0", "analysis.permutations: must be a whole number",
            "analysis.cell_types: no panel has cells of type 'neurons'"}) {
            assertTrue(m.contains(want), "'" + want + "' in: " + m);
        }
        assertEquals(1, cli("run", bad.toString(), "--out", out.toString()));
        assertTrue(!Files.exists(out), "nothing written before the configuration is valid");
        Files.writeString(bad, Files.readString(config).replace("traits: [chronic_pain, mcp_prs]",
                "traits: [chronic_pain]\ntraits: [mcp_prs]"));
        assertTrue(assertThrows(UserException.class, () -> StudyConfig.read(bad)).getMessage().contains("duplicate key traits"),
                "duplicate YAML keys are refused");
        Files.writeString(bad, Files.readString(config) + "\n1: x\n");
        assertTrue(assertThrows(UserException.class, () -> StudyConfig.read(bad)).getMessage().contains("a top-level key is not text: 1"),
                "a key that is not text is a located error, not a crash");
    }
}
