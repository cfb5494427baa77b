package org.cohortex.impute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.cohortex.UserException;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.linalg.Mat;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.Test;

/** bMIND's prior against MIND's get_prior formulas in R (fixtures/celltype/make_prior_fixture.R, checked there against MIND's own code). */
class ReferencePriorTest {
    static final String[] TYPES = {"Astro", "Micro", "Neuron", "Oligo"};

    static ReferencePrior.Prior fromFixture(String[] types) throws IOException {
        ExpressionMatrix counts = MatrixReader.read(Fixtures.path("celltype/prior_sc_counts.tsv"));
        List<String> lines = Files.readAllLines(Fixtures.path("celltype/prior_sc_labels.tsv"));
        assertEquals("cell\tcell_type\tdonor", lines.get(0));
        String[] type = new String[counts.sampleCount()], donor = new String[counts.sampleCount()];
        List<String> cells = Arrays.asList(counts.samples);
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split("\t");
            int c = cells.indexOf(f[0]);
            type[c] = f[1];
            donor[c] = f[2];
        }
        ExpressionMatrix bulk = MatrixReader.read(Fixtures.path("celltype/prior_bulk_log2cpm.tsv"));
        ExpressionMatrix props = MatrixReader.read(Fixtures.path("celltype/prior_proportions.tsv"));
        assertArrayEquals(bulk.samples, props.genes);
        double[] w = new double[bulk.sampleCount() * types.length];
        for (int i = 0; i < bulk.sampleCount(); i++) {
            for (int t = 0; t < types.length; t++) {
                w[i * types.length + t] = props.values.get(i, Arrays.asList(props.samples).indexOf(types[t]));
            }
        }
        return ReferencePrior.compute(counts, type, donor, types, bulk, w);
    }

    @Test
    void matchesGetPriorFormulas() throws IOException {
        ReferencePrior.Prior prior = fromFixture(TYPES);
        List<Map<String, String>> want = Fixtures.table(Fixtures.path("celltype/expected_prior.tsv"));
        assertEquals(want.size(), prior.genes().length);
        double worstMu = 0, worstSigma = 0;
        for (int g = 0; g < want.size(); g++) {
            Map<String, String> row = want.get(g);
            assertEquals(row.get("gene"), prior.genes()[g]);
            assertEquals(row.get("source"), prior.source()[g].name(), row.get("gene"));
            for (int a = 0; a < 4; a++) {
                worstMu = Math.max(worstMu, relative(row.get("mu0_" + TYPES[a]), prior.mu0(g, a), row.get("gene")));
                for (int b = 0; b < 4; b++) {
                    double s = Fixtures.num(row.get("sigma_" + TYPES[a] + "_" + TYPES[b]));
                    double err = Math.abs(prior.sigma0(g, a, b) - s);
                    assertTrue(err <= 1e-10 * Math.max(1e-3, Math.abs(s)),
                            row.get("gene") + " sigma " + a + b + ": R " + s + ", ours " + prior.sigma0(g, a, b));
                    worstSigma = Math.max(worstSigma, err / Math.max(1e-3, Math.abs(s)));
                }
            }
        }
        assertEquals(24, prior.count(ReferencePrior.Source.NOT_POSITIVE_DEFINITE));
        assertEquals(3, prior.count(ReferencePrior.Source.ABSENT_FROM_REFERENCE));
        assertEquals(27, prior.fallbackCount());
        assertArrayEquals(new int[] {12, 8, 12, 12}, prior.donorsPerType());
        System.out.printf("prior vs R: max relative difference mu0 %.2e, Sigma0 %.2e%n", worstMu, worstSigma);
    }

    @Test
    void typeOrderFollowsTheCallerAndNeverDetectedGeneIsNotPositiveDefinite() throws IOException {
        String[] reversed = {"Oligo", "Neuron", "Micro", "Astro"};
        ReferencePrior.Prior a = fromFixture(TYPES), b = fromFixture(reversed);
        int g7 = Arrays.asList(a.genes()).indexOf("g007");
        assertEquals(ReferencePrior.Source.NOT_POSITIVE_DEFINITE, a.source()[g7], "g007 is never detected in microglia");
        for (int g = 0; g < a.genes().length; g++) {
            for (int i = 0; i < 4; i++) {
                assertEquals(a.mu0(g, i), b.mu0(g, 3 - i), 0.0);
                for (int j = 0; j < 4; j++) assertEquals(a.sigma0(g, i, j), b.sigma0(g, 3 - i, 3 - j), 0.0);
            }
        }
    }

    @Test
    void pairwiseCovarianceIsRsPairwiseComplete() {
        // 4 donors x 2 types; donor 2 lacks type 1: var(type 1) over donors 0, 1, 3; cov over the same three
        double n = Double.NaN;
        double[] x = {1, 2, 2, 4, 3, n, 5, 7};
        double[] out = new double[4];
        ReferencePrior.pairwiseCovariance(x, 0, 4, 2, out, 0);
        assertEquals(var(1, 2, 3, 5), out[0], 1e-15);
        assertEquals(var(2, 4, 7), out[3], 1e-15);
        assertEquals(cov(new double[] {1, 2, 5}, new double[] {2, 4, 7}), out[1], 1e-15);
        assertFalse(ReferencePrior.isPositiveDefinite(new double[] {1, 1, 1, 1}, 0, 2), "singular");
        assertFalse(ReferencePrior.isPositiveDefinite(new double[] {1, 0, 0, 5e-9}, 0, 2), "eigenvalue below matrixcalc's 1e-8");
        assertFalse(ReferencePrior.isPositiveDefinite(new double[] {1, n, n, 1}, 0, 2), "too few donors: NA");
        assertTrue(ReferencePrior.isPositiveDefinite(new double[] {1, 0, 0, 2e-8}, 0, 2));
    }

    @Test
    void aCellTypeMissingFromTheReferenceIsAUserError() throws IOException {
        ExpressionMatrix counts = new ExpressionMatrix(new String[] {"g"}, new String[] {"c1", "c2"}, new Mat(1, 2, new double[] {1, 2}));
        ExpressionMatrix bulk = new ExpressionMatrix(new String[] {"g"}, new String[] {"s1", "s2"}, new Mat(1, 2, new double[] {1, 2}));
        String m = assertThrows(UserException.class, () -> ReferencePrior.compute(counts, new String[] {"A", "A"},
                new String[] {"d1", "d2"}, new String[] {"A", "Micro"}, bulk, new double[] {0.5, 0.5, 0.5, 0.5})).getMessage();
        assertTrue(m.contains("no cell of type 'Micro'"), m);
    }

    private static double relative(String want, double got, String what) {
        double w = Fixtures.num(want);
        assertTrue(Fixtures.close(got, w, 1e-12, 1e-3), what + ": R " + want + ", ours " + got);
        return Math.abs(got - w) / Math.max(1e-3, Math.abs(w));
    }

    private static double var(double... v) { return cov(v, v); }

    private static double cov(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElseThrow(), mb = Arrays.stream(b).average().orElseThrow(), s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - ma) * (b[i] - mb);
        return s / (a.length - 1);
    }
}
