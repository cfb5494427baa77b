package org.cohortex.celltype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.cohortex.cli.Main;
import org.cohortex.de.DeTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `celltype-de` from the command line on data drawn from the mixing model itself: K = 3 cell types,
 * an effect of the trait in type "c" only (30 genes). The interaction model reports those genes in
 * "c" and almost nothing elsewhere; the paper's path (imputation, then DE per type) reports them in
 * every type, because each imputed type is the bulk residual spread by a factor (the design note).
 */
class CellTypeDeCommandTest {
    static final String[] TYPES = {"a", "b", "c"};
    static final int GENES = 300, N = 240, PLANTED = 30, DONORS = 15, CELLS = 30;

    @TempDir
    static Path dir;

    @BeforeAll
    static void data() throws IOException {
        Random r = new Random(42);
        double[][] profile = new double[GENES][3];
        for (int g = 0; g < GENES; g++) for (int k = 0; k < 3; k++) profile[g][k] = 6 + r.nextGaussian();
        StringBuilder pheno = new StringBuilder("sample\tstatus\n"), props = new StringBuilder("sample\ta\tb\tc\n");
        double[][] bulk = new double[GENES][N];
        for (int i = 0; i < N; i++) {
            int status = i % 2;
            double[] w = {Math.max(0.5, 4.5 + r.nextGaussian()), Math.max(0.5, 3 + 0.8 * r.nextGaussian()),
                Math.max(0.5, 2.5 + 0.8 * r.nextGaussian())};
            double tot = w[0] + w[1] + w[2];
            for (int k = 0; k < 3; k++) w[k] /= tot;
            pheno.append("S").append(i).append('\t').append(status).append('\n');
            props.append("S").append(i).append('\t').append(w[0]).append('\t').append(w[1]).append('\t').append(w[2]).append('\n');
            double lib = 2e7 * Math.exp(0.2 * r.nextGaussian());
            for (int g = 0; g < GENES; g++) {
                double linear = 0;
                for (int k = 0; k < 3; k++) {
                    double x = profile[g][k] + 0.15 * r.nextGaussian() + (k == 2 && g < PLANTED && status == 1 ? 1.5 : 0);
                    linear += w[k] * Math.pow(2, x);
                }
                bulk[g][i] = Math.round(linear * lib / 1e6 / 300);
            }
        }
        StringBuilder counts = new StringBuilder("gene");
        for (int i = 0; i < N; i++) counts.append("\tS").append(i);
        counts.append('\n');
        for (int g = 0; g < GENES; g++) {
            counts.append("G").append(g);
            for (int i = 0; i < N; i++) counts.append('\t').append((long) bulk[g][i]);
            counts.append('\n');
        }
        Files.writeString(dir.resolve("counts.tsv"), counts);
        Files.writeString(dir.resolve("pheno.tsv"), pheno);
        Files.writeString(dir.resolve("proportions.tsv"), props);
        // a panel of 15 donors, 30 cells of each type each, from the same profiles (for the imputation paths)
        StringBuilder sc = new StringBuilder("gene"), labels = new StringBuilder("cell\tcell_type\tdonor\n");
        int cells = DONORS * CELLS * 3;
        double[][] cellCounts = new double[GENES][cells];
        for (int d = 0, c = 0; d < DONORS; d++) {
            double[][] donor = new double[GENES][3];
            for (int g = 0; g < GENES; g++) for (int k = 0; k < 3; k++) donor[g][k] = profile[g][k] + 0.15 * r.nextGaussian();
            for (int k = 0; k < 3; k++) {
                for (int j = 0; j < CELLS; j++, c++) {
                    sc.append("\tC").append(c);
                    labels.append("C").append(c).append('\t').append(TYPES[k]).append("\tD").append(d).append('\n');
                    for (int g = 0; g < GENES; g++) cellCounts[g][c] = Math.round(Math.pow(2,
                            donor[g][k]) / 20 * Math.exp(0.3 * r.nextGaussian()));
                }
            }
        }
        sc.append('\n');
        for (int g = 0; g < GENES; g++) {
            sc.append("G").append(g);
            for (int c = 0; c < cells; c++) sc.append('\t').append((long) cellCounts[g][c]);
            sc.append('\n');
        }
        Files.writeString(dir.resolve("sc.tsv"), sc);
        Files.writeString(dir.resolve("labels.tsv"), labels);
    }

    static int run(String method, Path out, String... extra) {
        return run(new StringWriter(), method, out, extra);
    }

    static int run(StringWriter err, String method, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("celltype-de", "--expr", dir.resolve("counts.tsv").toString(), "--proportions",
                dir.resolve("proportions.tsv").toString(), "--pheno", dir.resolve("pheno.tsv").toString(), "--trait", "status",
                "--method", method, "--sc-reference", dir.resolve("sc.tsv").toString(), "--sc-labels", dir.resolve("labels.tsv").toString(),
                "--region", "R", "--out", out.toString()));
        args.addAll(List.of(extra));
        int code = Main.execute(new PrintWriter(err, true), args.toArray(new String[0]));
        if (code != 0) System.err.println(err);
        return code;
    }

    static Set<String> degs(Path deTsv) {
        DeTable t = DeTable.read(deTsv);
        double[] b = t.column("p_bonferroni");
        Set<String> out = new HashSet<>();
        for (int g = 0; g < t.size(); g++) if (b[g] < 0.05) out.add(t.genes()[g]);
        return out;
    }

    static int planted(Set<String> genes) {
        int c = 0;
        for (String g : genes) if (Integer.parseInt(g.substring(1)) < PLANTED) c++;
        return c;
    }

    @Test
    void interactionReportsTheEffectInItsCellTypeOnly() throws IOException {
        Path out = dir.resolve("interaction");
        assertEquals(0, run("interaction", out));
        Set<String> c = degs(out.resolve("c/de.tsv")), a = degs(out.resolve("a/de.tsv")), b = degs(out.resolve("b/de.tsv"));
        assertTrue(planted(c) >= 20, "planted genes found in c: " + planted(c));
        assertTrue(a.size() + b.size() <= 2, "calls in the types without an effect: a " + a + ", b " + b);
        assertEquals(List.of("gene", "beta", "se", "t", "p", "p_bonferroni", "q_bh", "mean_expr"),
                List.of(Files.readAllLines(out.resolve("c/de.tsv")).get(0).split("\t")), "de's columns");
        assertTrue(Files.readString(out.resolve("c/model.json")).contains("\"set\" : \"R.c\""));
        assertTrue(Files.readAllLines(out.resolve("joint.tsv")).get(0).startsWith("gene\tF\tdf1\tdf2\tp"));
    }

    /** The CPM model (CellDMC's, with the mixture variance) finds the same type; the log2-share model refuses other variances. */
    @Test
    void linearScaleFindsTheSameTypeAndLogShareTakesOlsVariancesOnly() throws IOException {
        Path out = dir.resolve("interaction-linear");
        assertEquals(0, run("interaction", out, "--scale", "linear"));
        Set<String> c = degs(out.resolve("c/de.tsv")), a = degs(out.resolve("a/de.tsv")), b = degs(out.resolve("b/de.tsv"));
        assertTrue(planted(c) >= 20 && a.size() + b.size() <= 2, "linear: c " + planted(c) + ", a " + a + ", b " + b);
        String model = Files.readString(out.resolve("model.json"));
        assertTrue(model.contains("\"variance\" : \"mixture\"") && model.contains("\"scale\" : \"linear\""), model);
        Path share = dir.resolve("interaction-share");
        assertEquals(0, run("interaction", share));
        assertTrue(Files.readString(share.resolve("c/model.json")).contains("status:share_c"), "log2-share's term");
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "interaction", dir.resolve("refused"), "--variance", "mixture"));
        assertTrue(err.toString().contains("variance mixture applies to the linear and log2 interaction models"), err.toString());
        assertTrue(Files.notExists(dir.resolve("refused")), "nothing written");
    }

    @Test
    void thePapersPathMirrorsTheEffectIntoEveryCellType() throws IOException {
        Path out = dir.resolve("imputed");
        assertEquals(0, run("imputed", out));
        int inA = planted(degs(out.resolve("a/de.tsv"))), inC = planted(degs(out.resolve("c/de.tsv")));
        assertTrue(inC >= 10 && inA >= inC / 2, "imputed types mirror the bulk: planted-in-c genes called in a " + inA + ", in c " + inC);
    }

    @Test
    void bmindCallsAGeneInOneCellTypeAtMost() throws IOException {
        Path out = dir.resolve("bmind");
        assertEquals(0, run("bmind", out));
        Set<String> a = degs(out.resolve("a/de.tsv")), b = degs(out.resolve("b/de.tsv")), c = degs(out.resolve("c/de.tsv"));
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        all.addAll(c);
        assertEquals(a.size() + b.size() + c.size(), all.size(), "no gene in two types");
        assertTrue(Files.readString(out.resolve("joint.tsv")).startsWith("gene\tpillai\tp\tp_bonferroni\tq_bh\tassigned_cell_type"));
    }
}
