package org.cohortex.sva;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
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

    /**
     * Step 4 against its literal reading (every pair's association recomputed after each drop, the rule applied to
     * the variables still in): random tables of collinear groups, numeric and categorical, with missing values and
     * equal missingness (the tie rule), give the same drops, in the same order, with the same reasons.
     */
    @Test
    void collinearityDropsMatchTheRuleAppliedRoundByRound() {
        for (int seed = 0; seed < 30; seed++) {
            Random r = new Random(100 + seed);
            int n = 60 + r.nextInt(80), groups = 2 + r.nextInt(3);
            List<String> samples = new ArrayList<>();
            for (int i = 0; i < n; i++) samples.add("s" + i);
            List<PhenotypeTable.Column> cols = new ArrayList<>();
            List<String> names = new ArrayList<>();
            Map<String, CovariateSelection.Decision> all = new HashMap<>();
            for (int g = 0; g < groups; g++) {
                double[] base = new double[n];
                for (int i = 0; i < n; i++) base[i] = r.nextGaussian();
                int members = 2 + r.nextInt(4);
                for (int k = 0; k < members; k++) {
                    String name = "g" + g + "v" + k;
                    double noise = r.nextDouble() * 0.8;
                    double[] v = new double[n];
                    int missing = r.nextInt(3) * 5; // 0, 5 or 10 missing: ties in missingness are common
                    for (int i = 0; i < n; i++) v[i] = i < missing ? Double.NaN : base[i] + noise * r.nextGaussian();
                    if (r.nextInt(4) == 0) { // a categorical cut of the group's variable: mixed and Cramer's V associations
                        String[] c = new String[n];
                        for (int i = 0; i < n; i++) c[i] = Double.isNaN(v[i]) ? null : v[i] > 0.4 ? "hi" : v[i] < -0.4 ? "lo" : "mid";
                        cols.add(PhenotypeTable.categoricalColumn(name, c));
                    } else {
                        cols.add(PhenotypeTable.numericColumn(name, v));
                    }
                    names.add(name);
                    all.put(name, new CovariateSelection.Decision(name, missing / (double) n, 1));
                }
            }
            PhenotypeTable t = PhenotypeTable.of("p.tsv", "id", samples, cols);
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) rows[i] = i;
            CovariateSelection.Options o = CovariateSelection.Options.DEFAULT;
            List<String> stage = new ArrayList<>(names), want = new ArrayList<>(names);
            CovariateSelection.dropCollinear(t, rows, stage, o, all);
            List<String> wantReasons = literalRule(t, rows, want, o, all);
            assertEquals(want, stage, "seed " + seed + ": variables kept");
            List<String> reasons = names.stream().filter(v -> !stage.contains(v)).map(v -> v + ": " + all.get(v).reason).toList();
            assertEquals(wantReasons.stream().sorted().toList(), reasons.stream().sorted().toList(), "seed " + seed + ": reasons");
        }
    }

    /** Step 4 as the paper states it, recomputing every association each round; returns "variable: reason" per drop. */
    static List<String> literalRule(PhenotypeTable t, int[] rows, List<String> stage, CovariateSelection.Options o,
                                    Map<String, CovariateSelection.Decision> all) {
        List<String> out = new ArrayList<>();
        while (true) {
            int m = stage.size();
            double[][] r = new double[m][m];
            int[] count = new int[m];
            for (int i = 0; i < m; i++) {
                for (int j = i + 1; j < m; j++) {
                    r[i][j] = r[j][i] = CovariateSelection.association(t.column(stage.get(i)), t.column(stage.get(j)), rows);
                    if (Math.abs(r[i][j]) > o.maxAbsCorrelation()) { count[i]++; count[j]++; }
                }
            }
            int worst = -1;
            for (int i = 0; i < m; i++) {
                if (count[i] == 0) continue;
                double mi = all.get(stage.get(i)).missingFraction;
                if (worst < 0 || count[i] > count[worst] || (count[i] == count[worst] && mi >= all.get(stage.get(worst)).missingFraction)) {
                    worst = i;
                }
            }
            if (worst < 0) return out;
            int partner = -1;
            for (int j = 0; j < m; j++) {
                boolean over = j != worst && Math.abs(r[worst][j]) > o.maxAbsCorrelation();
                if (over && (partner < 0 || Math.abs(r[worst][j]) > Math.abs(r[worst][partner]))) partner = j;
            }
            out.add(stage.get(worst) + ": " + String.format("collinear with %s (|r| = %.3f > %.2f)", stage.get(partner),
                    Math.abs(r[worst][partner]), o.maxAbsCorrelation()));
            stage.remove(worst);
        }
    }

    /**
     * The associations against direct computations over the pairwise-complete samples: Pearson's r, Cramer's V of a 2 x 3
     * table counted by hand, the correlation ratio as the square root of the one-way ANOVA's R^2, and the ANOVA p of a
     * two-level variable as the Pearson test of its 0/1 coding; levels seen in another order give the same values.
     */
    @Test
    void associationsAgreeWithTheirDefinitions() {
        Random r = new Random(9);
        int n = 60;
        int[] rows = new int[n];
        double[] x = new double[n], y = new double[n], sv = new double[n];
        String[] f = new String[n], g = new String[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
            x[i] = i % 7 == 0 ? Double.NaN : r.nextGaussian();
            y[i] = i % 5 == 0 ? Double.NaN : 0.5 * (Double.isNaN(x[i]) ? 0 : x[i]) + r.nextGaussian();
            f[i] = i % 11 == 0 ? null : r.nextBoolean() ? "a" : "b";
            g[i] = i % 13 == 0 ? null : new String[] {"u", "v", "w"}[r.nextInt(3)];
            sv[i] = r.nextGaussian() + ("a".equals(f[i]) ? 0.7 : 0);
        }
        PhenotypeTable.Column cx = PhenotypeTable.numericColumn("x", x), cy = PhenotypeTable.numericColumn("y", y);
        PhenotypeTable.Column cf = PhenotypeTable.categoricalColumn("f", f), cg = PhenotypeTable.categoricalColumn("g", g);

        List<double[]> xy = new ArrayList<>();
        for (int i = 0; i < n; i++) if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) xy.add(new double[] {x[i], y[i]});
        assertEquals(Math.abs(correlation(xy)), CovariateSelection.association(cx, cy, rows), 1e-12, "Pearson");

        double[][] t = new double[2][3];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (f[i] == null || g[i] == null) continue;
            t["a".equals(f[i]) ? 0 : 1][g[i].charAt(0) - 'u']++;
            m++;
        }
        double chi = 0;
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 3; b++) {
                double e = (t[a][0] + t[a][1] + t[a][2]) * (t[0][b] + t[1][b]) / m;
                chi += (t[a][b] - e) * (t[a][b] - e) / e;
            }
        }
        assertEquals(Math.sqrt(chi / m), CovariateSelection.association(cf, cg, rows), 1e-12, "Cramer's V");
        String[] reversed = new String[n];
        for (int i = 0; i < n; i++) reversed[i] = f[n - 1 - i];
        PhenotypeTable.Column gBack = PhenotypeTable.categoricalColumn("g", reverse(g));
        assertEquals(CovariateSelection.association(cf, cg, rows),
                CovariateSelection.association(PhenotypeTable.categoricalColumn("f", reversed), gBack, rows), 1e-12, "level order");

        double[] sum = new double[3], cnt = new double[3];
        double total = 0, sst = 0;
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (g[i] == null || Double.isNaN(x[i])) continue;
            sum[g[i].charAt(0) - 'u'] += x[i];
            cnt[g[i].charAt(0) - 'u']++;
            total += x[i];
            k++;
        }
        double mean = total / k, ssb = 0;
        for (int l = 0; l < 3; l++) ssb += cnt[l] * Math.pow(sum[l] / cnt[l] - mean, 2);
        for (int i = 0; i < n; i++) if (g[i] != null && !Double.isNaN(x[i])) sst += Math.pow(x[i] - mean, 2);
        assertEquals(Math.sqrt(ssb / sst), CovariateSelection.association(cx, cg, rows), 1e-12, "correlation ratio");
        assertEquals(Math.sqrt(ssb / sst), CovariateSelection.association(cg, cx, rows), 1e-12, "either order");

        double[] dummy = new double[n];
        for (int i = 0; i < n; i++) dummy[i] = f[i] == null ? Double.NaN : "a".equals(f[i]) ? 1 : 0;
        double pAnova = CovariateSelection.associationP(new CovariateSelection.Values(cf, rows), sv);
        CovariateSelection.Values coded = new CovariateSelection.Values(PhenotypeTable.numericColumn("d", dummy), rows);
        double pPearson = CovariateSelection.associationP(coded, sv);
        assertEquals(pPearson, pAnova, 1e-10 * pPearson, "two levels: ANOVA F = Pearson t^2");
        assertTrue(pAnova < 0.05, "the planted shift is found: p " + pAnova);
    }

    private static String[] reverse(String[] v) {
        String[] out = new String[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[v.length - 1 - i];
        return out;
    }

    private static double correlation(List<double[]> pairs) {
        double mx = 0, my = 0;
        for (double[] p : pairs) { mx += p[0] / pairs.size(); my += p[1] / pairs.size(); }
        double sxy = 0, sxx = 0, syy = 0;
        for (double[] p : pairs) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
            syy += (p[1] - my) * (p[1] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
