package org.cohortex.celltype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.cohortex.linalg.Mat;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * bMIND's test against base R as MIND's test()/pval2qval() use it (fixtures/celltype/make_bmind_test_fixture.R, checked
 * there against MIND's own test()).
 */
class BmindTestTest {
    static final String[] TYPES = {"Astro", "Micro", "Neuron", "Oligo"};
    static final int N = 60, K = 4, GENES = 150;

    static double[][] imputed() {
        double[][] a = new double[GENES][N * K];
        List<Map<String, String>> rows = Fixtures.table(Fixtures.path("celltype/bmind_imputed.tsv"));
        assertEquals(GENES * N, rows.size());
        for (int r = 0; r < rows.size(); r++) {
            for (int k = 0; k < K; k++) a[r / N][(r % N) * K + k] = Double.parseDouble(rows.get(r).get(TYPES[k]));
        }
        return a;
    }

    static double[] column(String name) {
        return Fixtures.table(Fixtures.path("celltype/bmind_pheno.tsv")).stream()
                .mapToDouble(m -> Double.parseDouble(m.get(name))).toArray();
    }

    @Test
    void matchesRWithoutCovariates() {
        compare(BmindTest.test(imputed(), TYPES, column("y"), null), "celltype/expected_bmind_test.tsv");
    }

    @Test
    void matchesRWithCovariates() {
        double[] age = column("age"), sex = column("sexM");
        Mat c = new Mat(N, 2);
        for (int i = 0; i < N; i++) { c.data[2 * i] = age[i]; c.data[2 * i + 1] = sex[i]; }
        compare(BmindTest.test(imputed(), TYPES, column("y"), c), "celltype/expected_bmind_test_covariates.tsv");
    }

    private static void compare(BmindTest.Result r, String fixture) {
        double worstManova = 0, worstWald = 0;
        List<Map<String, String>> want = Fixtures.table(Fixtures.path(fixture));
        for (int g = 0; g < GENES; g++) {
            Map<String, String> w = want.get(g);
            String assigned = r.assigned()[g] < 0 ? "none" : TYPES[r.assigned()[g]];
            assertEquals(w.get("assigned"), assigned, w.get("gene"));
            worstManova = Math.max(worstManova, close(w.get("manova_p"), r.manovaP()[g], w.get("gene") + " MANOVA p", 1e-8));
            close(w.get("pillai"), r.pillai()[g], w.get("gene") + " Pillai", 1e-8);
            close(w.get("manova_q"), r.manovaQ()[g], w.get("gene") + " MANOVA q", 1e-8);
            for (int k = 0; k < K; k++) close(w.get("q_" + TYPES[k]), r.q()[g * K + k], w.get("gene") + " q " + TYPES[k], 1e-8);
            if (Double.isNaN(r.manovaP()[g])) continue; // MIND drops the gene; R's glm keeps the non-aliased types
            for (int k = 0; k < K; k++) {
                worstWald = Math.max(worstWald, close(w.get(TYPES[k]), r.waldP()[g * K + k], w.get("gene") + " Wald " + TYPES[k], 1e-7));
            }
        }
        assertEquals("MANOVA: imputed values of rank < 4 after the model", r.note()[GENES - 1]);
        System.out.printf("bMIND test %s: max relative difference from R: MANOVA p %.2e, Wald p %.2e%n", fixture, worstManova, worstWald);
    }

    private static double close(String want, double got, String what, double tol) {
        double w = Fixtures.num(want);
        assertTrue(Fixtures.close(got, w, tol, 1e-300), what + ": R " + want + ", ours " + got);
        return Double.isNaN(w) || w == got ? 0 : Math.abs(got - w) / Math.abs(w);
    }

    @Test
    void assignmentRuleIsMindsMinPWithBonferroniByK() {
        double[] p = {0.2, 0.004, 0.004, Double.NaN};
        assertEquals(1, BmindTest.assign(p, 0, 4), "smallest Wald p, the first on ties, NaN ignored");
        assertEquals(-1, BmindTest.assign(new double[] {0.0125, 0.3, 0.9, 0.5}, 0, 4), "0.05 / K is strict");
        assertEquals(0, BmindTest.assign(new double[] {0.0124, 0.3, 0.9, 0.5}, 0, 4));
        assertEquals(-1, BmindTest.assign(new double[] {Double.NaN, Double.NaN}, 0, 2));
    }

    /**
     * A constructed case: 40 genes; gene 0's microglia carry the trait, gene 1's neurons, gene 2's
     * all four types alike (a bulk-like effect); the rest are noise. Genes 0 and 1 are called in their
     * type only (q is 1 in the others). Gene 2's MANOVA is highly significant, but MIND's rule reports
     * it in one type at most (here in none: the joint logistic regression splits the shared signal
     * among four correlated predictors, so no Wald p reaches 0.05 / K). Noise genes are not called.
     */
    @Test
    void constructedCaseCallsOneCellTypePerGene() {
        Random rnd = new Random(5);
        int n = 80, genes = 40;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = i % 2;
        double[][] a = new double[genes][n * K];
        for (int g = 0; g < genes; g++) {
            for (int i = 0; i < n; i++) {
                double shared = rnd.nextGaussian();
                for (int k = 0; k < K; k++) a[g][i * K + k] = 8 + 0.5 * shared + rnd.nextGaussian() + (g == 2 ? 1.5 * y[i] : 0);
                if (g == 0) a[g][i * K + 1] += 2.0 * y[i];
                if (g == 1) a[g][i * K + 2] += 2.0 * y[i];
            }
        }
        BmindTest.Result r = BmindTest.test(a, TYPES, y, null);
        for (int g = 0; g < 2; g++) {
            assertTrue(r.called(g, 0.05), "gene " + g + " called, q " + r.manovaQ()[g]);
            int below = 0;
            for (int k = 0; k < K; k++) if (r.q()[g * K + k] < 1) below++;
            assertEquals(1, below, "gene " + g + " has a q in one type only");
            double minP = 1;
            for (int k = 0; k < K; k++) minP = Math.min(minP, r.waldP()[g * K + k]);
            assertEquals(minP, r.waldP()[g * K + r.assigned()[g]], "assigned to the smallest Wald p");
        }
        assertTrue(r.manovaQ()[2] < 1e-6, "the shared effect is found by the MANOVA");
        double minP2 = 1;
        for (int k = 0; k < K; k++) minP2 = Math.min(minP2, r.waldP()[2 * K + k]);
        assertEquals(minP2 < 0.05 / K, r.assigned()[2] >= 0, "assigned iff its smallest Wald p < 0.05 / K (" + minP2 + ")");
        assertEquals(1, r.assigned()[0]);
        assertEquals(2, r.assigned()[1]);
        for (int g = 3; g < genes; g++) assertTrue(!r.called(g, 0.05), "noise gene " + g + " called, q " + r.manovaQ()[g]);
    }
}
