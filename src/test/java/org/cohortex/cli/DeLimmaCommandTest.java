package org.cohortex.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.cohortex.de.DeTable;
import org.cohortex.io.Json;
import org.cohortex.testutil.Fixtures;
import org.cohortex.testutil.Tsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * `cohortex de` on real RNA-seq counts (Marioni et al. 2008, kidney vs liver, two sequencing runs;
 * fixtures/limma/make_real_fixture.R) with the edgeR/limma options, through the files it writes,
 * against edgeR 3.40.2 / limma 3.54.1 with design ~ tissue + run: the kept genes, library sizes and
 * TMM factors, and the t and p of each workflow to 1e-6; and the settings that cannot go together
 * refused as usage errors before any input is read.
 */
class DeLimmaCommandTest {
    @TempDir
    Path dir;

    static String fx(String name) { return Fixtures.path("limma/" + name).toString(); }

    static String[] run(String... args) {
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), args);
        return new String[] {Integer.toString(code), sw.toString()};
    }

    static List<String> deArgs(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("de", "--expr", fx("marioni_counts.tsv.gz"), "--pheno", fx("marioni_pheno.tsv"),
                "--trait", "tissue", "--covariates", "run", "--transform", "log2cpm", "--out", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a;
    }

    /** The R values of kept genes only, in file order (de.tsv holds the kept genes only). */
    static double[] keptValues(Tsv expected, String column) {
        String[] kept = expected.strings("kept");
        double[] all = expected.numbers(column);
        return IntStream.range(0, all.length).filter(g -> kept[g].equals("TRUE")).mapToDouble(g -> all[g]).toArray();
    }

    static Map<String, Double> scalars() {
        Map<String, Double> m = new HashMap<>();
        Tsv sc = Tsv.read("limma/marioni_scalars.tsv");
        for (String[] r : sc.rows) m.put(r[0], Tsv.num(r[1]));
        return m;
    }

    @Test
    void voomAndEBayesFromTheCommandLineAsEdgeRAndLimma() throws IOException {
        Path out = dir.resolve("voom");
        String[] r = run(deArgs(out, "--normalize", "tmm", "--filter-by-expr", "--weights", "voom", "--moderated").toArray(String[]::new));
        assertEquals("0", r[0], r[1]);
        Tsv expected = Tsv.read("limma/marioni_expected.tsv.gz");

        // filterByExpr: the same kept genes, every input gene listed; de.tsv holds exactly the kept ones
        List<Map<String, String>> filter = Fixtures.table(out.resolve("filter_by_expr.tsv"));
        assertEquals(expected.rows.size(), filter.size());
        List<String> keptGenes = new ArrayList<>();
        for (int g = 0; g < filter.size(); g++) {
            assertEquals(expected.rows.get(g)[0], filter.get(g).get("gene"));
            assertEquals(expected.rows.get(g)[expected.column("kept")], filter.get(g).get("kept"), filter.get(g).get("gene"));
            if (filter.get(g).get("kept").equals("TRUE")) keptGenes.add(filter.get(g).get("gene"));
        }
        assertEquals(3453, keptGenes.size());
        DeTable de = DeTable.read(out.resolve("de.tsv"));
        assertEquals(keptGenes, List.of(de.genes()), "filtered genes are not tested: absent from de.tsv");

        // library sizes of the kept genes and TMM factors
        List<Map<String, String>> norm = Fixtures.table(out.resolve("normalization.tsv"));
        Tsv samples = Tsv.read("limma/marioni_samples.tsv");
        assertArrayEquals(samples.strings("sample"), norm.stream().map(m -> m.get("sample")).toArray(String[]::new));
        assertArrayEquals(samples.numbers("lib_size"), norm.stream().mapToDouble(m -> Fixtures.num(m.get("lib_size"))).toArray(), 0);
        Tsv.assertClose("CLI Marioni TMM", norm.stream().mapToDouble(m -> Fixtures.num(m.get("norm_factor"))).toArray(),
                samples.numbers("norm_factor"), 1e-12, 0);

        // moderated t and p, logFC, df.total, and the prior in model.json
        Tsv.assertClose("CLI Marioni voom logFC", de.column("beta"), keptValues(expected, "logfc"), 1e-6, 0);
        Tsv.assertClose("CLI Marioni voom moderated t", de.column("t"), keptValues(expected, "t_voom"), 1e-6, 0);
        Tsv.assertClose("CLI Marioni voom moderated p", de.column("p"), keptValues(expected, "p_voom"), 1e-6, 0);
        Map<String, Double> sc = scalars();
        for (double d : de.dfTotal()) assertEquals(sc.get("df_total_voom"), d, 1e-9);
        JsonNode model = Json.mapper().readTree(out.resolve("model.json").toFile());
        Tsv.assertClose("CLI Marioni voom df.prior", new double[] {model.path("df_prior").asDouble()},
                new double[] {sc.get("df_prior_voom")}, 1e-10, 0);
        Tsv.assertClose("CLI Marioni voom s2.prior", new double[] {model.path("s2_prior").asDouble()},
                new double[] {sc.get("s2_prior_voom")}, 1e-10, 0);
        assertEquals("voom", model.path("weights").asText());
        assertEquals("tmm", model.path("normalize").asText());
        assertTrue(model.path("filter_by_expr").asBoolean() && model.path("moderated").asBoolean() && !model.path("trend").asBoolean());
        assertEquals(3453, model.path("counts").path("genes_kept").asInt());
        assertEquals("~ tissueLiver + runR2", model.path("counts").path("filter_design").asText());
        // Bonferroni counts the tested genes: the kept ones
        double[] p = de.column("p"), bonf = de.column("p_bonferroni");
        for (int g = 0; g < p.length; g++) assertEquals(Math.min(1, p[g] * 3453), bonf[g], 1e-15 * Math.max(1, p[g] * 3453));
    }

    /** The other workflows on the same counts: eBayes on the log-CPM, limma-trend, and the ordinary t with and without voom weights. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "eBayes on log-CPM,      --moderated,           t_plain, p_plain, df_total_plain",
        "limma-trend,            --moderated --trend,   t_trend, p_trend, df_total_trend",
        "OLS on log-CPM,         '',                    t_ols,   p_ols,   ''",
        "voom weights ordinary t, --weights voom,        t_wls,   p_wls,   ''"})
    void otherWorkflowsAsLimma(String name, String flags, String tColumn, String pColumn, String dfTotal) throws IOException {
        Path out = dir.resolve(tColumn);
        List<String> a = deArgs(out, "--normalize", "tmm", "--filter-by-expr");
        if (!flags.isBlank()) a.addAll(Arrays.asList(flags.trim().split(" +")));
        String[] r = run(a.toArray(String[]::new));
        assertEquals("0", r[0], r[1]);
        Tsv expected = Tsv.read("limma/marioni_expected.tsv.gz");
        DeTable de = DeTable.read(out.resolve("de.tsv"));
        assertEquals(3453, de.size());
        Tsv.assertClose("CLI Marioni " + name + " t", de.column("t"), keptValues(expected, tColumn), 1e-6, 0);
        Tsv.assertClose("CLI Marioni " + name + " p", de.column("p"), keptValues(expected, pColumn), 1e-6, 0);
        if (dfTotal == null || dfTotal.isBlank()) {
            assertEquals(null, de.dfTotal(), "no df_total column without moderation");
            assertEquals(7, Json.mapper().readTree(out.resolve("model.json").toFile()).path("df").asInt());
        } else {
            for (double d : de.dfTotal()) assertEquals(scalars().get(dfTotal), d, 1e-9);
        }
    }

    /**
     * eBayes on log-scale input (the imputed cell-type sets of a grid): genes with missing values have
     * their own residual df, the constant gene stays NA and out of the prior, and an infinite df.prior
     * (no variation between genes beyond sampling) is written as "Inf" (fixtures/lm/make_ebayes_fixture.R).
     */
    @ParameterizedTest(name = "trend {0}")
    @CsvSource({"false, t, p, df_total", "true, t_trend, p_trend, df_total_trend"})
    void moderatedOnLogScaleInputAsLimma(boolean trend, String tColumn, String pColumn, String dfColumn) throws IOException {
        Path out = dir.resolve("log2-" + trend);
        List<String> a = new ArrayList<>(List.of("de", "--expr", Fixtures.path("lm/expr.tsv").toString(), "--pheno",
                Fixtures.path("lm/pheno.tsv").toString(), "--sample-column", "sample_id", "--trait", "status", "--covariates",
                "age,sex,batch,rin", "--sv-file", Fixtures.path("lm/svs.tsv").toString(), "--moderated", "--out", out.toString()));
        if (trend) a.add("--trend");
        String[] r = run(a.toArray(String[]::new));
        assertEquals("0", r[0], r[1]);
        Map<String, Map<String, String>> want = new HashMap<>();
        for (Map<String, String> m : Fixtures.table(Fixtures.path("lm/expected_ebayes.tsv"))) want.put(m.get("gene"), m);
        DeTable de = DeTable.read(out.resolve("de.tsv"));
        double[] t = de.column("t"), p = de.column("p"), df = de.dfTotal();
        int compared = 0;
        for (int g = 0; g < de.size(); g++) {
            Map<String, String> w = want.get(de.genes()[g]);
            if (w == null) {
                assertEquals("G011", de.genes()[g]);
                assertTrue(Double.isNaN(t[g]) && Double.isNaN(df[g]), "the constant gene is not tested");
                continue;
            }
            assertTrue(Fixtures.close(t[g], Fixtures.num(w.get(tColumn)), 1e-8, 0), de.genes()[g] + " t " + t[g] + " vs " + w.get(tColumn));
            assertTrue(Fixtures.close(p[g], Fixtures.num(w.get(pColumn)), 1e-8, 0), de.genes()[g] + " p " + p[g] + " vs " + w.get(pColumn));
            assertEquals(Fixtures.num(w.get(dfColumn)), df[g], 1e-9, de.genes()[g]);
            compared++;
        }
        assertEquals(39, compared);
        Map<String, String> scalars = new HashMap<>();
        for (Map<String, String> m : Fixtures.table(Fixtures.path("lm/expected_ebayes_scalars.tsv"))) {
            scalars.put(m.get("name"), m.get("value"));
        }
        JsonNode model = Json.mapper().readTree(out.resolve("model.json").toFile());
        if (trend) {
            assertTrue(Fixtures.close(model.path("df_prior").asDouble(), Fixtures.num(scalars.get("df_prior_trend")), 1e-8, 0));
            assertTrue(model.path("s2_prior").has("median"), "with trend, s2_prior is a summary of the per-gene prior");
        } else {
            assertEquals("Inf", model.path("df_prior").asText());
            assertTrue(Fixtures.close(model.path("s2_prior").asDouble(), Fixtures.num(scalars.get("s2_prior")), 1e-10, 0));
        }
        assertFalse(Files.exists(out.resolve("normalization.tsv")), "no counts tables for log-scale input");
    }

    /** SVA inside `de` runs on the filtered, TMM-normalised log2-CPM: the genes it weighs are the kept genes. */
    @Test
    void svaSeesTheFilteredNormalisedMatrix() throws IOException {
        Path out = dir.resolve("sva");
        String[] r = run(deArgs(out, "--normalize", "tmm", "--filter-by-expr", "--num-sv", "1", "--moderated").toArray(String[]::new));
        assertEquals("0", r[0], r[1]);
        List<Map<String, String>> pprob = Fixtures.table(out.resolve("sva_pprob.tsv"));
        DeTable de = DeTable.read(out.resolve("de.tsv"));
        assertEquals(List.of(de.genes()), pprob.stream().map(m -> m.get("gene")).toList());
        JsonNode model = Json.mapper().readTree(out.resolve("model.json").toFile());
        assertEquals("expr ~ tissueLiver + runR2 + sv1", model.path("formula").asText());
        assertEquals("~ tissueLiver + runR2", model.path("counts").path("filter_design").asText(), "the filter's design has no SV");
    }

    @Test
    void combinationsThatCannotWorkAreUsageErrorsBeforeAnythingIsRead() {
        Path out = dir.resolve("never");
        String missing = dir.resolve("no-such-counts.tsv").toString(); // exit 2, not 1: the refusal comes before reading
        String[][] cases = {
            {"--moderated", "--permutations", "100"},
            {"--weights", "voom", "--permutations", "100"},
            {"--trend"},
            {"--normalize", "upperquartile"},
            {"--weights", "limma"}};
        String[][] says = {
            {"--permutations 100", "--moderated", "prior re-estimated for every permutation"},
            {"--permutations 100", "--weights voom", "its own weighted design"},
            {"--trend needs --moderated"},
            {"--normalize upperquartile", "tmm, none"},
            {"--weights limma", "voom, none"}};
        for (int i = 0; i < cases.length; i++) {
            List<String> a = new ArrayList<>(List.of("de", "--expr", missing, "--pheno", missing, "--trait", "tissue", "--transform",
                    "log2cpm", "--out", out.toString()));
            a.addAll(Arrays.asList(cases[i]));
            String[] r = run(a.toArray(String[]::new));
            assertEquals("2", r[0], String.join(" ", cases[i]) + ": " + r[1]);
            for (String s : says[i]) assertTrue(r[1].contains(s), "'" + s + "' in: " + r[1]);
        }
        String[] r = run("de", "--expr", missing, "--pheno", missing, "--trait", "tissue", "--filter-by-expr", "--normalize", "tmm",
                "--out", out.toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("--filter-by-expr, --normalize tmm: need raw counts") && r[1].contains("--transform log2cpm"), r[1]);
        assertFalse(Files.exists(out), "nothing written");
    }
}
