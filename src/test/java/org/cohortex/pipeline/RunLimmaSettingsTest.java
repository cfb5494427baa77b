package org.cohortex.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.cohortex.UserException;
import org.cohortex.cli.Main;
import org.cohortex.counts.LimmaVoom;
import org.cohortex.io.Json;
import org.cohortex.sim.CohortSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edgeR/limma keys of a study configuration (analysis.normalize, filter_by_expr, weights,
 * moderated, trend): defaults, every bad value reported by key at once, and the units they belong
 * to: on --resume a changed analysis.moderated reruns every DE unit, a changed analysis.normalize
 * only the bulk ones (an imputed cell-type set is log2 expression, never filtered or normalised).
 */
class RunLimmaSettingsTest {
    @TempDir
    static Path dir;
    static Path cohort;

    static final String BASE = String.join("\n",
            "cohort: {phenotypes: pheno.tsv, sample_column: donor_id}",
            "regions:",
            "  dACC: {counts: expr/dACC.counts.tsv.gz, panel: cortex}",
            "panels:",
            "  cortex: {counts: reference/cortex.counts.tsv.gz, labels: reference/cortex.labels.tsv}",
            "traits: [chronic_pain]",
            "analysis:",
            "  cell_types: [microglia]",
            "  cell_type_test: imputed", // the paper's path: DE sets on the imputed cell-type expression
            "  num_sv: leek", "");

    @BeforeAll
    static void simulate() throws IOException {
        cohort = dir.resolve("cohort");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 17, cohort);
    }

    static Path config(String name, String extra) throws IOException {
        Path f = cohort.resolve(name);
        Files.writeString(f, BASE + extra);
        return f;
    }

    static int cli(String... args) {
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), args);
        if (code != 0) System.err.println(sw);
        return code;
    }

    static String status(Path out, String unit) throws IOException {
        return Json.mapper().readTree(out.resolve("manifest.json").toFile()).path("units").path(unit).path("status").asText();
    }

    @Test
    void defaultsFilterAndNormaliseTheBulkCountsAndKeepTheOrdinaryT() throws IOException {
        StudyConfig c = StudyConfig.read(config("defaults.yaml", ""));
        assertEquals(new LimmaVoom.Settings(true, LimmaVoom.Normalization.TMM, LimmaVoom.Weights.NONE, false, false), c.limma(true));
        assertEquals(new LimmaVoom.Settings(false, LimmaVoom.Normalization.NONE, LimmaVoom.Weights.NONE, false, false), c.limma(false),
                "no counts steps on an imputed cell-type set");
        StudyConfig m = StudyConfig.read(config("limma.yaml", "  weights: voom\n  moderated: true\n  trend: true\n"));
        assertEquals(new LimmaVoom.Settings(false, LimmaVoom.Normalization.NONE, LimmaVoom.Weights.NONE, true, true), m.limma(false),
                "moderation applies to every set");
        for (String k : new String[] {"normalize", "filter_by_expr", "weights", "moderated", "trend"}) {
            assertEquals("analysis." + k, StudyConfig.settingKey(k), "engine messages name the YAML key");
        }
    }

    @Test
    void everyBadLimmaValueIsReportedByKeyAtOnce() throws IOException {
        Path bad = config("bad-limma.yaml", "  normalize: upperquartile\n  filter_by_expr: yes please\n  weights: limma\n"
                + "  moderated: 1\n  trend: true\n");
        String m = assertThrows(UserException.class, () -> StudyConfig.read(bad)).getMessage();
        for (String want : new String[] {"analysis.normalize: must be one of tmm, none, got 'upperquartile'",
            "analysis.filter_by_expr: must be true or false, got 'yes please'", "analysis.weights: must be one of none, voom, got 'limma'",
            "analysis.moderated: must be true or false, got '1'", "analysis.trend: needs analysis.moderated: true"}) {
            assertTrue(m.contains(want), "'" + want + "' in: " + m);
        }
        Path perm = config("perm-limma.yaml", "  moderated: true\n  de_permutations: 100\n");
        m = assertThrows(UserException.class, () -> StudyConfig.read(perm)).getMessage();
        assertTrue(m.contains("analysis.de_permutations: cannot be combined with analysis.moderated: true"), m);
        Path voom = config("perm-voom.yaml", "  weights: voom\n  de_permutations: 100\n");
        m = assertThrows(UserException.class, () -> StudyConfig.read(voom)).getMessage();
        assertTrue(m.contains("analysis.de_permutations: cannot be combined with analysis.weights: voom"), m);
        assertEquals(1, cli("run", bad.toString(), "--out", dir.resolve("never").toString()));
        assertFalse(Files.exists(dir.resolve("never")), "nothing written before the configuration is valid");
    }

    @Test
    void aChangedLimmaSettingRerunsTheUnitsItBelongsTo() throws IOException {
        Path out = dir.resolve("grid");
        Path cfg = config("grid.yaml", "");
        assertEquals(0, cli("run", cfg.toString(), "--out", out.toString()));
        Path bulk = out.resolve("de/chronic_pain/dACC"), cell = out.resolve("de/chronic_pain/dACC.microglia");
        JsonNode model = Json.mapper().readTree(bulk.resolve("model.json").toFile());
        assertTrue(model.path("filter_by_expr").asBoolean() && model.path("normalize").asText().equals("tmm"), model.toString());
        List<String> filter = Files.readAllLines(bulk.resolve("filter_by_expr.tsv"));
        long kept = filter.stream().filter(l -> l.endsWith("\tTRUE")).count();
        assertEquals(kept, Files.readAllLines(bulk.resolve("de.tsv")).size() - 1, "de.tsv holds the genes filterByExpr kept");
        assertTrue(Files.exists(bulk.resolve("normalization.tsv")) && !Files.exists(cell.resolve("normalization.tsv")),
                "counts tables for the bulk set only");
        assertFalse(Files.readAllLines(bulk.resolve("de.tsv")).get(0).contains("df_total"));

        config("grid.yaml", "  moderated: true\n");
        assertEquals(0, cli("run", cfg.toString(), "--out", out.toString(), "--resume"));
        assertEquals("ran", status(out, "de/chronic_pain/dACC"));
        assertEquals("ran", status(out, "de/chronic_pain/dACC.microglia"), "moderation belongs to the cell-type sets too");
        assertEquals("reused", status(out, "impute/dACC"));
        assertTrue(Files.readAllLines(bulk.resolve("de.tsv")).get(0).contains("\tdf_total"));
        assertTrue(Files.readAllLines(cell.resolve("de.tsv")).get(0).contains("\tdf_total"));
        assertTrue(Json.mapper().readTree(cell.resolve("model.json").toFile()).has("df_prior"));

        config("grid.yaml", "  moderated: true\n  normalize: none\n");
        assertEquals(0, cli("run", cfg.toString(), "--out", out.toString(), "--resume"));
        assertEquals("ran", status(out, "de/chronic_pain/dACC"));
        assertEquals("reused", status(out, "de/chronic_pain/dACC.microglia"), "normalisation does not touch an imputed set");
        List<String> norm = Files.readAllLines(bulk.resolve("normalization.tsv"));
        assertTrue(norm.subList(1, norm.size()).stream().allMatch(l -> l.endsWith("\t1")), "factors 1 without TMM");
    }
}
