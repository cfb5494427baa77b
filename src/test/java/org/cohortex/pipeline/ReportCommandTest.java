package org.cohortex.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.cli.Main;
import org.cohortex.sim.CohortSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cohortex report DIR` on a run stopped part-way: a report of what is there, the rest "not run yet", nothing recomputed. */
class ReportCommandTest {
    @TempDir
    static Path dir;
    static Path config, partial;

    @BeforeAll
    static void partlyFinishedRun() throws IOException {
        Path cohort = dir.resolve("cohort");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 52, cohort);
        config = cohort.resolve("one-region.yaml");
        Files.writeString(config, String.join("\n",
                "cohort: {phenotypes: pheno.tsv, sample_column: donor_id}",
                "regions: {BLA: {counts: expr/BLA.counts.tsv.gz, panel: amygdala}}",
                "panels: {amygdala: {counts: reference/amygdala.counts.tsv.gz, labels: reference/amygdala.labels.tsv}}",
                "traits: [chronic_pain, migraine]",
                "analysis: {cell_types: [microglia, endothelial], num_sv: 2, select_covariates: false}", ""));
        partial = dir.resolve("partial");
        // the plan: deconvolve/BLA, de/chronic_pain/BLA, de/migraine/BLA, celltype/chronic_pain/BLA, celltype/migraine/BLA
        try (ComputeBackend b = Backends.create("auto", 2)) {
            UnitRunner.Listener stopAfterThree = new UnitRunner.Listener() {
                @Override
                public void beforeRun(Unit u, int ran) {
                    if (ran >= 3) throw new RunCommandTest.Killed();
                }
            };
            assertThrows(RunCommandTest.Killed.class, () -> StudyRunner.run(StudyConfig.read(config), partial, false, b, stopAfterThree));
        }
    }

    static String cli(String... args) {
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), args);
        return code + ":" + sw;
    }

    static Map<String, Long> analysisFiles(Path out) throws IOException {
        Map<String, Long> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                String name = out.relativize(p).toString();
                if (name.equals("report.html") || name.startsWith("report/") || name.startsWith("figures/")) continue;
                m.put(name, Files.getLastModifiedTime(p).toMillis() ^ Files.size(p));
            }
        }
        return m;
    }

    @Test
    void reportOfAPartlyFinishedRunShowsWhatIsMissing() throws Exception {
        assertTrue(Files.isRegularFile(partial.resolve("de/chronic_pain/BLA/de.tsv")), "the bulk analyses ran");
        assertTrue(!Files.exists(partial.resolve("de/chronic_pain/BLA.microglia/de.tsv")), "the cell-type analyses did not");
        assertTrue(!Files.exists(partial.resolve("report.html")), "a stopped run has no report");
        Map<String, Long> before = analysisFiles(partial);
        assertEquals("0:", cli("report", partial.toString()));
        assertEquals(before, analysisFiles(partial), "nothing but the report was written: no analysis recomputed");

        String summary = Files.readString(partial.resolve("report.html"));
        assertTrue(summary.contains("6 planned: 2 fitted, 0 not fitted, 4 not run yet"), "the planned grid, from the configuration");
        assertTrue(summary.contains("4 analyses have not run yet"), "a warning says the run is not finished");
        assertTrue(summary.contains("not written yet") && summary.contains("not finished: 4 analyses not run yet"),
                "the finish step's files are missing");
        String page = Files.readString(partial.resolve("report/trait-chronic_pain.html"));
        assertTrue(page.contains("id=\"set-BLA.microglia\"") && page.contains("not run yet"), "the missing analysis has its place");
        assertTrue(page.contains("fig-volcano-chronic_pain-BLA") && page.contains("fig-qq-chronic_pain-BLA"),
                "the finished one its figures");
        assertTrue(Files.isRegularFile(partial.resolve("figures/volcano-chronic_pain-BLA.svg")), "figures written as files");
        assertTrue(Files.isRegularFile(partial.resolve("figures/proportions-BLA.svg")), "the deconvolution ran: its figure");

        for (Path p : ReportChecks.pages(partial)) {
            String html = Files.readString(p);
            assertEquals(List.of(), ReportChecks.brokenLinks(p, html), p + ": links resolve");
            assertEquals(List.of(), ReportChecks.badFigures(html), p + ": figures have axes and marks");
        }
        assertEquals(List.of(), ReportChecks.badSvgFiles(partial), "figures/*.svg are well-formed SVG with axis titles");
    }

    @Test
    void withoutItsConfigurationTheReportShowsWhatTheFolderHolds() throws Exception {
        Path copy = dir.resolve("moved");
        try (Stream<Path> s = Files.walk(partial)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = copy.resolve(partial.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        Files.writeString(copy.resolve("manifest.json"), Files.readString(copy.resolve("manifest.json"))
                .replace(config.toString(), dir.resolve("gone.yaml").toString()));
        assertEquals("0:", cli("report", copy.toString()));
        String summary = Files.readString(copy.resolve("report.html"));
        assertTrue(summary.contains("2 planned: 2 fitted"), "the grid is the folder's: "
                + summary.replaceAll("(?s).*(\\d+ planned[^<]*).*", "$1"));
        for (Path p : ReportChecks.pages(copy)) assertEquals(List.of(), ReportChecks.brokenLinks(p, Files.readString(p)), p.toString());
    }

    @Test
    void aFolderThatIsNotARunIsAClearError() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("not-a-run"));
        String r = cli("report", empty.toString());
        assertTrue(r.startsWith("1:") && r.contains("not a cohortex run folder"), r);
        r = cli("report", dir.resolve("missing").toString());
        assertTrue(r.startsWith("1:") && r.contains("no such folder"), r);
        assertTrue(!Files.exists(empty.resolve("report.html")), "nothing written");
    }

    /** The checks the report tests rely on find what they look for. */
    @Test
    void theChecksCanFail() throws IOException {
        Path page = Files.writeString(dir.resolve("page.html"), "x");
        assertEquals(3, ReportChecks.brokenLinks(page, "<a href=\"#nope\">a</a><a href=\"gone.html\">b</a><a href=\"https://x.org\">c</a>"
                + "<p id=\"here\"><a href=\"#here\">d</a></p>").size(), "a missing anchor, a missing page, an external link");
        assertEquals(2, ReportChecks.badFigures("<svg><text class=\"xlabel\">x</text><rect/></svg>").size(), "no y title; no marks");
        assertEquals(List.of(), ReportChecks.badFigures("<svg><text class=\"xlabel\">x</text><text class=\"ylabel\">y</text><rect/><line/>"
                + "<circle/></svg>"));
    }
}
