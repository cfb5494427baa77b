package org.cohortex.counts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.cohortex.counts.LimmaVoom.Normalization;
import org.cohortex.counts.LimmaVoom.Settings;
import org.cohortex.counts.LimmaVoom.Weights;
import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.linalg.Mat;
import org.cohortex.testutil.Tsv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real RNA-seq counts (Marioni et al. 2008, kidney vs liver, 10 lanes in two sequencing runs, from
 * Bioconductor NOISeq; make_real_fixture.R): design ~ tissue + run, coefficient tissueLiver, end to
 * end through LimmaVoom against edgeR 3.40.2 / limma 3.54.1: the same kept genes, TMM factors, and
 * moderated t and p to 1e-6 (voom + eBayes, and log-CPM + eBayes(trend = TRUE)).
 */
class MarioniRealDataTest {
    static ComputeBackend backend;

    @BeforeAll
    static void open() { backend = Backends.create("auto", 2); }

    @AfterAll
    static void close() { backend.close(); }

    @Test
    void voomAndLimmaTrendAsEdgeRAndLimma() {
        Tsv counts = Tsv.read("limma/marioni_counts.tsv.gz"), pheno = Tsv.read("limma/marioni_pheno.tsv");
        Tsv expected = Tsv.read("limma/marioni_expected.tsv.gz"), samples = Tsv.read("limma/marioni_samples.tsv");
        Map<String, Double> scalars = new HashMap<>();
        Tsv sc = Tsv.read("limma/marioni_scalars.tsv");
        for (int i = 0; i < sc.rows.size(); i++) scalars.put(sc.rows.get(i)[0], Tsv.num(sc.rows.get(i)[1]));
        int genes = counts.rows.size(), n = counts.header.length - 1;
        assertArrayEquals(Arrays.copyOfRange(counts.header, 1, n + 1), pheno.strings("sample"));
        String[] tissue = pheno.strings("tissue"), run = pheno.strings("run");
        Mat design = new Mat(n, 3);
        for (int i = 0; i < n; i++) {
            design.data[i * 3] = 1;
            design.data[i * 3 + 1] = tissue[i].equals("Liver") ? 1 : 0;
            design.data[i * 3 + 2] = run[i].equals("R2") ? 1 : 0;
        }
        double[] y = counts.matrix(1);

        LimmaVoom.Result v = LimmaVoom.run(backend, y, genes, n, design, 1, Settings.STANDARD);
        boolean[] keep = new boolean[genes];
        String[] k = expected.strings("kept");
        for (int g = 0; g < genes; g++) keep[g] = k[g].equals("TRUE");
        assertArrayEquals(keep, v.kept(), "kept genes");
        assertEquals(3453, v.keptIndex().length);
        assertArrayEquals(samples.numbers("lib_size"), v.libSize(), 0);
        Tsv.assertClose("Marioni TMM", v.normFactors(), samples.numbers("norm_factor"), 1e-12, 0);
        Tsv.assertClose("Marioni voom logFC", v.beta(), kept(expected.numbers("logfc"), keep), 1e-6, 0);
        Tsv.assertClose("Marioni voom moderated t", v.t(), kept(expected.numbers("t_voom"), keep), 1e-6, 0);
        Tsv.assertClose("Marioni voom moderated p", v.p(), kept(expected.numbers("p_voom"), keep), 1e-6, 0);
        Tsv.assertClose("Marioni voom df.prior", new double[] {v.dfPrior()}, new double[] {scalars.get("df_prior_voom")}, 1e-10, 0);
        Tsv.assertClose("Marioni voom s2.prior", new double[] {v.s2Prior()[0]}, new double[] {scalars.get("s2_prior_voom")}, 1e-10, 0);
        for (double d : v.dfTotal()) assertEquals(scalars.get("df_total_voom"), d, 1e-9);

        Settings trend = new Settings(true, Normalization.TMM, Weights.NONE, true, true);
        LimmaVoom.Result t = LimmaVoom.run(backend, y, genes, n, design, 1, trend);
        Tsv.assertClose("Marioni limma-trend moderated t", t.t(), kept(expected.numbers("t_trend"), keep), 1e-6, 0);
        Tsv.assertClose("Marioni limma-trend moderated p", t.p(), kept(expected.numbers("p_trend"), keep), 1e-6, 0);
        Tsv.assertClose("Marioni limma-trend s2.prior", t.s2Prior(), kept(expected.numbers("s2prior_trend"), keep), 1e-6, 0);
        Tsv.assertClose("Marioni limma-trend df.prior", new double[] {t.dfPrior()}, new double[] {scalars.get("df_prior_trend")}, 1e-10, 0);
        for (double d : t.dfTotal()) assertEquals(scalars.get("df_total_trend"), d, 1e-9);
    }

    private static double[] kept(double[] all, boolean[] keep) {
        double[] out = new double[all.length];
        int m = 0;
        for (int g = 0; g < all.length; g++) if (keep[g]) out[m++] = all[g];
        return Arrays.copyOf(out, m);
    }
}
