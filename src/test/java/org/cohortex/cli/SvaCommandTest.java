package org.cohortex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.linalg.Mat;
import org.cohortex.sim.CohortSimulator;
import org.cohortex.stats.CanonicalCorrelation;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvaCommandTest {
    @TempDir
    static Path dir;
    static Path sim;

    @BeforeAll
    static void simulate() {
        sim = dir.resolve("sim");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 11, sim);
    }

    static String[] run(String... args) {
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), args);
        return new String[] {Integer.toString(code), sw.toString()};
    }

    static Mat svs(Path f) {
        ExpressionMatrix m = MatrixReader.read(f);
        return m.values;
    }

    @Test
    void svaCommandMatchesRsSubspaceEndToEnd() {
        Path out = dir.resolve("sva-fixture");
        String[] r = run("sva", "--expr", Fixtures.path("sva/expr.tsv").toString(), "--pheno", Fixtures.path("sva/pheno.tsv").toString(),
                "--trait", "trait", "--covariates", "age", "--num-sv", "2", "--out", out.toString());
        assertEquals("0", r[0], r[1]);
        Mat ours = svs(out.resolve("svs.tsv"));
        List<Map<String, String>> want = Fixtures.table(Fixtures.path("sva/expected_sv.tsv"));
        Mat rsv = new Mat(want.size(), 2);
        for (int i = 0; i < want.size(); i++) {
            rsv.data[2 * i] = Fixtures.num(want.get(i).get("sv1"));
            rsv.data[2 * i + 1] = Fixtures.num(want.get(i).get("sv2"));
        }
        double[] cc = CanonicalCorrelation.of(ours, rsv);
        assertTrue(cc[1] > 1 - 1e-9, "smallest canonical correlation with R's SVs: " + cc[1]);
        assertTrue(Files.exists(out.resolve("num_sv.json")) && Files.exists(out.resolve("sva_pprob.tsv")));
    }

    @Test
    void badNumSvAndMissingValuesAreClearErrors() throws IOException {
        String[] r = run("sva", "--expr", Fixtures.path("sva/expr.tsv").toString(), "--pheno", Fixtures.path("sva/pheno.tsv").toString(),
                "--trait", "trait", "--num-sv", "many", "--out", dir.resolve("x").toString());
        assertEquals("2", r[0], "a usage error");
        assertTrue(r[1].contains("--num-sv many: give be, leek or a number"), r[1]);
        r = run("sva", "--expr", Fixtures.path("lm/expr.tsv").toString(), "--pheno", Fixtures.path("lm/pheno.tsv").toString(),
                "--trait", "status", "--num-sv", "2", "--out", dir.resolve("y").toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("SVA needs complete data"), r[1]);
    }

    @Test
    void deWithEstimatedSvsAndSelectionRecoversTheHiddenConfounders() throws IOException {
        Path out = dir.resolve("de-bla");
        String[] r = run("de", "--expr", sim.resolve("expr/BLA.counts.tsv.gz").toString(), "--pheno", sim.resolve("pheno.tsv").toString(),
                "--sample-column", "donor_id", "--trait", "chronic_pain", "--transform", "log2cpm", "--num-sv", "be", "--select-covariates",
                "--exclude", "migraine,lifetime_fentanyl,lifetime_oxymorphone,mcp_prs", "--out", out.toString());
        assertEquals("0", r[0], r[1]);
        String model = Files.readString(out.resolve("model.json"));
        assertTrue(model.contains("\"sv_source\" : \"estimated (num_sv.json)\""), model);
        List<Map<String, String>> sel = Fixtures.table(out.resolve("covariate_selection.tsv"));
        Map<String, String> rin = sel.stream().filter(m -> m.get("variable").equals("rin")).findFirst().orElseThrow();
        assertEquals("dropped", rin.get("decision"));
        assertTrue(rin.get("reason").startsWith("captured by the SVs"), rin.get("reason"));
        // hidden confounders of the simulation lie in the SV space
        ExpressionMatrix sv = MatrixReader.read(out.resolve("svs.tsv"));
        List<Map<String, String>> hidden = Fixtures.table(sim.resolve("truth/hidden_confounders.tsv"));
        Mat h = new Mat(sv.geneCount(), 2);
        for (int i = 0; i < sv.geneCount(); i++) {
            String donor = sv.genes[i];
            Map<String, String> row = hidden.stream().filter(m -> m.get("donor_id").equals(donor)).findFirst().orElseThrow();
            h.data[2 * i] = Double.parseDouble(row.get("hidden1"));
            h.data[2 * i + 1] = Double.parseDouble(row.get("hidden2"));
        }
        double[] cc = CanonicalCorrelation.of(h, sv.values);
        assertTrue(cc[1] > 0.9, "hidden confounders recovered: canonical correlations " + Arrays.toString(cc));
    }
}
