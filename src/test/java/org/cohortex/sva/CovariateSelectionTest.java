package org.cohortex.sva;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.cohortex.io.PhenotypeTable;
import org.cohortex.linalg.Mat;
import org.junit.jupiter.api.Test;

class CovariateSelectionTest {
    static final int N = 200;

    static Map<String, CovariateSelection.Decision> byName(CovariateSelection.Selection s) {
        return s.decisions.stream().collect(Collectors.toMap(d -> d.variable, d -> d));
    }

    /** Removes from v (over its non-missing entries) its projection on the intercept and the SVs. */
    static void orthogonalise(double[] v, Mat sv) {
        for (int pass = 0; pass < 3; pass++) {
            for (int k = -1; k < sv.cols; k++) {
                double num = 0, den = 0, mean = 0;
                int cnt = 0;
                if (k >= 0) {
                    for (int i = 0; i < v.length; i++) if (!Double.isNaN(v[i])) { mean += sv.data[i * sv.cols + k]; cnt++; }
                    mean /= cnt;
                }
                for (int i = 0; i < v.length; i++) {
                    if (Double.isNaN(v[i])) continue;
                    double u = k < 0 ? 1 : sv.data[i * sv.cols + k] - mean;
                    num += u * v[i];
                    den += u * u;
                }
                for (int i = 0; i < v.length; i++) {
                    if (Double.isNaN(v[i])) continue;
                    double u = k < 0 ? 1 : sv.data[i * sv.cols + k] - mean;
                    v[i] -= num / den * u;
                }
            }
        }
    }

    @Test
    void eachRuleOfThePaperAndTheCompleteCaseGuard() {
        Random r = new Random(4);
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < N; i++) samples.add("s" + i);
        Mat sv = new Mat(N, 2);
        for (int i = 0; i < 2 * N; i++) sv.data[i] = r.nextGaussian();
        double[] missing = new double[N], assoc = new double[N], free = new double[N], x = new double[N], x2 = new double[N];
        double[] guardA = new double[N], guardB = new double[N];
        String[] catAssoc = new String[N], constant = new String[N];
        for (int i = 0; i < N; i++) {
            missing[i] = i % 5 < 3 ? Double.NaN : r.nextGaussian();            // 60% missing
            assoc[i] = sv.data[i * 2] + 0.3 * r.nextGaussian();                   // captured by sv1 only
            free[i] = r.nextGaussian();
            x[i] = r.nextGaussian();
            x2[i] = 2 * x[i] + 0.05 * r.nextGaussian();                           // collinear with x
            catAssoc[i] = sv.data[i * 2 + 1] > 0.5 ? "hi" : sv.data[i * 2 + 1] < -0.5 ? "lo" : "mid"; // ANOVA on sv2
            constant[i] = "same";
            guardA[i] = i < 16 ? Double.NaN : r.nextGaussian();                   // 8% missing each, disjoint
            guardB[i] = i >= 16 && i < 32 ? Double.NaN : r.nextGaussian();
        }
        // variables meant to be unrelated to the SVs are made exactly orthogonal to them (p = 1),
        // so the test does not depend on chance associations
        for (double[] v : new double[][] {free, x, guardA, guardB}) orthogonalise(v, sv);
        for (int i = 0; i < N; i++) x2[i] = 2 * x[i] + 0.05 * r.nextGaussian();
        PhenotypeTable t = PhenotypeTable.of("p.tsv", "id", samples, List.of(
                PhenotypeTable.numericColumn("missing", missing), PhenotypeTable.numericColumn("assoc", assoc),
                PhenotypeTable.numericColumn("free", free), PhenotypeTable.numericColumn("x", x), PhenotypeTable.numericColumn("x2", x2),
                PhenotypeTable.categoricalColumn("cat_assoc", catAssoc), PhenotypeTable.categoricalColumn("constant", constant),
                PhenotypeTable.numericColumn("guard_a", guardA), PhenotypeTable.numericColumn("guard_b", guardB)));
        List<String> cands = List.of("missing", "assoc", "free", "x", "x2", "cat_assoc", "constant", "guard_a", "guard_b");
        CovariateSelection.Options o = CovariateSelection.Options.DEFAULT;
        Map<String, CovariateSelection.Decision> d = byName(CovariateSelection.select(t, samples, sv, cands, o));
        assertTrue(d.get("missing").reason.startsWith("missing in 60%"), d.get("missing").reason);
        assertTrue(d.get("assoc").reason.startsWith("captured by the SVs (sv1"), d.get("assoc").reason);
        assertTrue(d.get("cat_assoc").reason.startsWith("captured by the SVs (sv2"), "ANOVA for categoricals: " + d.get("cat_assoc")
                .reason);
        assertEquals("dropped", d.get("constant").decision);
        assertEquals("kept", d.get("free").decision);
        long collinear = d.values().stream().filter(v -> v.reason.startsWith("collinear with")).count();
        assertEquals(1, collinear, "exactly one of x, x2 dropped");
        assertTrue(d.get("x").decision.equals("kept") ^ d.get("x2").decision.equals("kept"));
        long guard = d.values().stream().filter(v -> v.reason.contains("samples are complete")).count();
        assertEquals(1, guard, "one of guard_a/guard_b dropped to keep 90% complete cases");

        o = new CovariateSelection.Options(o.maxMissing(), o.alpha(), CovariateSelection.Rule.KEEP_IF_ANY_UNCORRELATED,
                o.maxAbsCorrelation(), 0);
        Map<String, CovariateSelection.Decision> lit = byName(CovariateSelection.select(t, samples, sv, cands, o));
        assertEquals("kept", lit.get("assoc").decision, "associated with sv1 but not sv2: kept under the literal reading");
        assertEquals("kept", lit.get("guard_a").decision);
        assertEquals("kept", lit.get("guard_b").decision);
    }
}
