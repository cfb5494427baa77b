package org.cohortex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** `cohortex de` end to end against R's lm (fixtures/lm/make_lm_fixture.R). */
class DeCommandTest {
    @TempDir
    Path dir;

    static String fx(String name) { return Fixtures.path("lm/" + name).toString(); }

    record Run(int code, String err) {}

    static Run run(String... args) {
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), args);
        return new Run(code, sw.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "reference"})
    void matchesRLmToTightTolerance(String backend) throws IOException {
        Path out = dir.resolve("de-" + backend);
        Run r = run("de", "--expr", fx("expr.tsv"), "--pheno", fx("pheno.tsv"), "--sample-column", "sample_id", "--trait", "status",
                "--covariates", "age,sex,batch,rin", "--sv-file", fx("svs.tsv"), "--backend", backend, "--out", out.toString());
        assertEquals(0, r.code, r.err);
        List<String> lines = Files.readAllLines(out.resolve("de.tsv"));
        assertEquals("gene\tbeta\tse\tt\tp\tp_bonferroni\tq_bh\tmean_expr", lines.get(0));
        List<Map<String, String>> got = Fixtures.table(out.resolve("de.tsv"));
        List<Map<String, String>> want = Fixtures.table(Fixtures.path("lm/expected_lm.tsv"));
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).get("gene"), got.get(i).get("gene"));
            for (String c : new String[] {"beta", "se", "t", "p"}) {
                double w = Fixtures.num(want.get(i).get(c)), g = Fixtures.num(got.get(i).get(c));
                assertTrue(Fixtures.close(g, w, 1e-8, 0), want.get(i).get("gene") + " " + c + ": " + g + " vs R " + w);
            }
        }
        // the constant gene is NA with its reason, and m for Bonferroni counts the tested genes only
        assertTrue(Files.readString(out.resolve("gene_notes.tsv")).contains("G011\tconstant expression (5)"));
        Map<String, String> g1 = got.get(0);
        assertEquals(Math.min(1, Fixtures.num(g1.get("p")) * 39), Fixtures.num(g1.get("p_bonferroni")), 1e-15);
        String model = Files.readString(out.resolve("model.json"));
        assertTrue(model.contains("\"trait_term\" : \"statuscontrol\""), model);
        assertTrue(model.contains("\"n_samples\" : 45") && model.contains("\"df\" : 36"), model);
        assertTrue(model.contains("\"S03\" : \"age\"") && model.contains("\"S29\" : \"batch\""), "dropped samples and why");
        assertEquals(46, Files.readAllLines(out.resolve("svs.tsv")).size(), "header + 45 samples used");
        try (Stream<Path> s = Files.list(out)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".part")), "no temporary files left");
        }
    }

    @Test
    void badInputExitsOneWithASpecificMessage() throws IOException {
        Path pheno = dir.resolve("p.tsv");
        List<String> rows = Files.readAllLines(Fixtures.path("lm/pheno.tsv"));
        Files.write(pheno, rows.subList(0, rows.size() - 2)); // drop the last two samples
        Run r = run("de", "--expr", fx("expr.tsv"), "--pheno", pheno.toString(), "--trait", "status", "--out", dir.resolve("o").toString());
        assertEquals(1, r.code);
        assertTrue(r.err.contains("2 of 48 samples of") && r.err.contains("S47, S48")
                && r.err.contains("--drop-samples-without-phenotype"), r.err);
        assertFalse(Files.exists(dir.resolve("o").resolve("de.tsv")), "nothing half-written");

        Run ok = run("de", "--expr", fx("expr.tsv"), "--pheno", pheno.toString(), "--trait", "status", "--drop-samples-without-phenotype",
                "--out", dir.resolve("o2").toString());
        assertEquals(0, ok.code, ok.err);
        assertTrue(Files.readString(dir.resolve("o2/model.json")).contains("\"samples_without_phenotype\" : [ \"S47\", \"S48\" ]"));

        Run noTrait = run("de", "--expr", fx("expr.tsv"), "--pheno", fx("pheno.tsv"), "--trait", "Status", "--out",
                dir.resolve("o3").toString());
        assertEquals(1, noTrait.code);
        assertTrue(noTrait.err.contains("no column named 'Status' (did you mean 'status'?)"), noTrait.err);

        Run sva = run("de", "--expr", fx("expr.tsv"), "--pheno", fx("pheno.tsv"), "--trait", "status", "--num-sv", "be", "--out",
                dir.resolve("o4").toString());
        assertEquals(1, sva.code);
        assertTrue(sva.err.contains("SVA needs complete data") && sva.err.contains("gene 'G012'"), sva.err);

        Run cpm = run("de", "--expr", fx("expr.tsv"), "--pheno", fx("pheno.tsv"), "--trait", "status", "--transform", "log2cpm", "--out",
                dir.resolve("o5").toString());
        assertEquals(1, cpm.code);
        assertTrue(cpm.err.contains("needs non-negative counts") && cpm.err.contains("gene 'G012'"), cpm.err);
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, run("de", "--expr", "x.tsv").code);
        assertEquals(2, run("frobnicate").code);
        assertEquals(2, run("de", "--expr", "a", "--pheno", "b", "--trait", "t", "--out", "o", "--no-such-flag").code);
    }

    @Test
    void freedmanLanePermutationsAddEmpiricalAndMaxTColumns() throws IOException {
        Path out = dir.resolve("perm");
        Run r = run("de", "--expr", fx("expr.tsv"), "--pheno", fx("pheno.tsv"), "--sample-column", "sample_id", "--trait", "status",
                "--covariates", "age,sex,batch,rin", "--sv-file", fx("svs.tsv"), "--permutations", "499", "--seed", "7", "--out",
                        out.toString());
        assertEquals(0, r.code, r.err);
        List<String> lines = Files.readAllLines(out.resolve("de.tsv"));
        assertEquals("gene\tbeta\tse\tt\tp\tp_bonferroni\tq_bh\tmean_expr\tp_perm\tp_maxt", lines.get(0));
        List<Map<String, String>> got = Fixtures.table(out.resolve("de.tsv"));
        int strong = 0, notPermuted = 0;
        for (Map<String, String> g : got) {
            if (g.get("p").equals("NA")) { assertEquals("NA", g.get("p_perm")); continue; }
            if (g.get("p_perm").equals("NA")) { notPermuted++; continue; } // genes with missing values (logged)
            double p = Fixtures.num(g.get("p")), pp = Fixtures.num(g.get("p_perm")), pm = Fixtures.num(g.get("p_maxt"));
            assertTrue(pp >= 1.0 / 500 - 1e-15 && pp <= 1, "p_perm in [1/(B+1), 1]");
            assertTrue(pm >= pp - 1e-15, "max-T adjusted p is at least the per-gene p");
            // with normal errors the permutation p follows the t-test p (500 permutations: +- ~0.05)
            if (p > 0.02) assertEquals(p, pp, 0.12, g.get("gene"));
            if (p < 0.01) { strong++; assertTrue(pp <= 3 * p + 0.01, g.get("gene") + " p " + p + " p_perm " + pp); }
        }
        assertTrue(strong > 0, "the fixture has genes with an effect");
        assertTrue(notPermuted > 0 && notPermuted < got.size() / 4, "only the fixture's genes with missing values are left out: "
                + notPermuted);
        assertTrue(Files.readString(out.resolve("model.json")).contains("Freedman-Lane"));
        assertEquals(2, run("de", "--expr", fx("expr.tsv"), "--pheno", fx("pheno.tsv"), "--sample-column", "sample_id", "--trait", "status",
                "--permutations", "-3", "--out", dir.resolve("bad").toString()).code);
    }
}
