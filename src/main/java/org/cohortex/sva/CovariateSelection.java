package org.cohortex.sva;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cohortex.UserException;
import org.cohortex.io.PhenotypeTable.Column;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.linalg.Mat;
import org.cohortex.stats.DesignBuilder;
import org.cohortex.stats.RegularizedBeta;
import org.cohortex.stats.StudentT;

/**
 * Covariate selection as in the paper's Methods, per analysis:
 * <ol>
 * <li>drop variables missing in more than {@code maxMissing} of the samples (default 50%);</li>
 * <li>test each remaining variable against each SV: Pearson correlation test for numeric
 *     variables; for categorical ones a one-way ANOVA F test of the SV on the levels (with two
 *     levels this is the Pearson test of the 0/1 coding);</li>
 * <li>keep the variables "not captured by the SVs": by default a variable significantly associated
 *     (p < alpha) with any SV is dropped ({@link Rule#DROP_IF_ANY}); the literal reading of the
 *     paper, keep a variable that is not associated with at least one SV, is {@link Rule#KEEP_IF_ANY_UNCORRELATED};</li>
 * <li>remove collinear variables stepwise: while a pair has |r| above {@code maxAbsCorrelation},
 *     drop the variable involved in most such pairs (ties: more missing values, then later in the
 *     candidate order); then drop variables the design's rank check finds aliased.</li>
 * </ol>
 * Association between two variables: Pearson r for numeric pairs, the multiple correlation of the
 * numeric on the levels for mixed pairs, Cramer's V for two categoricals (pairwise complete samples).
 * <p>Beyond the paper: every kept covariate enters the model, whose complete cases are the samples
 * observed in all of them; variables each under 50% missing can together remove most samples. A
 * guard therefore drops, one at a time, the kept covariate that costs the most samples until the
 * complete cases are at least {@code minComplete} of the samples (default 90%).
 */
public final class CovariateSelection {
    public enum Rule { DROP_IF_ANY, KEEP_IF_ANY_UNCORRELATED }

    /**
     * The selection's thresholds: missingness, SV association alpha and rule, collinearity, and the
     * minimum share of samples complete in all kept covariates (0 disables that guard).
     */
    public record Options(double maxMissing, double alpha, Rule rule, double maxAbsCorrelation, double minComplete) {
        /** The paper's settings, and our complete-case guard at 90%. */
        public static final Options DEFAULT = new Options(0.5, 0.05, Rule.DROP_IF_ANY, 0.8, 0.9);

        public Options {
            if (!(maxMissing >= 0 && maxMissing <= 1)) throw fraction("max_missing", maxMissing);
            if (!(alpha > 0 && alpha <= 1)) throw new UserException(UserException.setting("sv_alpha") + " " + alpha
                    + ": must be in (0, 1]");
            if (!(maxAbsCorrelation > 0 && maxAbsCorrelation <= 1)) throw fraction("max_correlation", maxAbsCorrelation);
            if (!(minComplete >= 0 && minComplete <= 1)) throw fraction("min_complete", minComplete);
        }

        private static UserException fraction(String setting, double v) {
            return new UserException(UserException.setting(setting) + " " + v + ": must be between 0 and 1");
        }

        /** The rule by its command-line name: drop-if-any or keep-if-any-uncorrelated. */
        public static Rule rule(String name) {
            switch (name) {
                case "drop-if-any":
                    return Rule.DROP_IF_ANY;
                case "keep-if-any-uncorrelated":
                    return Rule.KEEP_IF_ANY_UNCORRELATED;
                default:
                    throw new UserException(UserException.setting("selection_rule") + " " + name
                            + ": choose drop-if-any or keep-if-any-uncorrelated");
            }
        }
    }

    /** One row of the paper's Table S1: a candidate and what became of it. */
    public static final class Decision {
        public final String variable;
        public final double missingFraction;
        public final double minSvP;
        public String decision;
        public String reason;

        Decision(String v, double miss, double minP) {
            variable = v;
            missingFraction = miss;
            minSvP = minP;
        }
    }

    public static final class Selection {
        public final List<String> kept;
        public final List<Decision> decisions;

        Selection(List<String> kept, List<Decision> decisions) {
            this.kept = kept;
            this.decisions = decisions;
        }
    }

    private CovariateSelection() {}

    /**
     * The paper's four steps and our complete-case guard, in order; every candidate's fate is in
     * the returned decisions (Table S1).
     *
     * @param samples sample ids (rows of {@code sv})
     * @param sv      samples x SVs
     */
    public static Selection select(PhenotypeTable pheno, List<String> samples, Mat sv, List<String> candidates, Options o) {
        return select(pheno, samples, sv, candidates, o, List.of());
    }

    /**
     * As {@link #select(PhenotypeTable, List, Mat, List, Options)}, with the variables the model has
     * anyway ({@code fixed}: the trait, the forced covariates) in the final rank check, so that a
     * candidate aliased with them (a copy of the trait, say) is dropped with that reason instead of
     * making the model rank deficient.
     */
    public static Selection select(PhenotypeTable pheno, List<String> samples, Mat sv, List<String> candidates, Options o,
                                   List<String> fixed) {
        int n = samples.size();
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = pheno.row(samples.get(i));
        Map<String, Values> values = new HashMap<>();
        for (String name : candidates) values.computeIfAbsent(name, c -> new Values(pheno.column(c), rows));
        Map<String, Decision> all = new LinkedHashMap<>();
        List<String> stage = screen(values, n, sv, candidates, o, all);
        dropCollinear(values, stage, o, all);
        keepCompleteCases(values, n, stage, o, all);
        dropAliased(pheno, samples, fixed, stage, all);
        for (String s : stage) {
            Decision d = all.get(s);
            d.decision = "kept";
            d.reason = sv.cols == 0 ? "no SVs to test against" : String.format("not captured by the SVs (min p = %.3g)", d.minSvP);
        }
        return new Selection(new ArrayList<>(stage), new ArrayList<>(all.values()));
    }

    /**
     * A variable at the samples analysed, position i for sample i: numbers (NaN missing) or level codes (-1 missing),
     * numbered in order of first appearance, so that every test below reads plain arrays (its sums in sample order, as
     * before: the same p-values and associations to the last bit).
     */
    static final class Values {
        final boolean numeric;
        final double[] x;
        final int[] code;
        final int levels;
        /** Per sample: missing (NaN, or no level); and how many are. */
        final boolean[] miss;
        final int missingCount;

        Values(Column c, int[] rows) {
            numeric = c.type == PhenotypeTable.Type.NUMERIC;
            int n = rows.length;
            miss = new boolean[n];
            int missing = 0;
            if (numeric) {
                x = new double[n];
                for (int i = 0; i < n; i++) {
                    x[i] = c.numeric[rows[i]];
                    if (miss[i] = Double.isNaN(x[i])) missing++;
                }
                code = null;
                levels = 0;
            } else {
                x = null;
                code = new int[n];
                Map<String, Integer> seen = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    String l = c.levels[rows[i]];
                    code[i] = l == null ? -1 : seen.computeIfAbsent(l, k -> seen.size());
                    if (miss[i] = l == null) missing++;
                }
                levels = seen.size();
            }
            missingCount = missing;
        }

        /** Distinct values among the observed (2 meaning two or more). */
        int distinct() {
            if (!numeric) return Math.min(levels, 2);
            long first = 0;
            boolean any = false;
            for (double v : x) {
                if (Double.isNaN(v)) continue;
                long bits = Double.doubleToLongBits(v); // Double.equals: -0.0 and 0.0 differ
                if (!any) { first = bits; any = true; } else if (bits != first) return 2;
            }
            return any ? 1 : 0;
        }
    }

    /** Steps 1-3: missingness, constant in the samples, association with any SV; returns the candidates still in. */
    private static List<String> screen(Map<String, Values> values, int n, Mat sv, List<String> candidates, Options o,
                                       Map<String, Decision> all) {
        double[][] svs = new double[sv.cols][];
        for (int k = 0; k < sv.cols; k++) svs[k] = sv.column(k);
        List<String> stage = new ArrayList<>();
        for (String name : candidates) {
            Values c = values.get(name);
            double frac = (double) c.missingCount / n;
            double minP = Double.NaN;
            Decision d;
            if (frac > o.maxMissing()) {
                d = new Decision(name, frac, minP);
                d.decision = "dropped";
                d.reason = String.format("missing in %.0f%% of samples (> %.0f%%)", 100 * frac, 100 * o.maxMissing());
            } else if (c.distinct() < 2) {
                d = new Decision(name, frac, minP);
                d.decision = "dropped";
                d.reason = "constant in the samples analysed";
            } else {
                double[] ps = new double[sv.cols];
                boolean anyAssoc = false, anyFree = false;
                minP = 1;
                for (int k = 0; k < sv.cols; k++) {
                    ps[k] = associationP(c, svs[k]);
                    minP = Math.min(minP, ps[k]);
                    if (ps[k] < o.alpha()) anyAssoc = true; else anyFree = true;
                }
                d = new Decision(name, frac, sv.cols == 0 ? Double.NaN : minP);
                boolean drop = sv.cols > 0 && (o.rule() == Rule.DROP_IF_ANY ? anyAssoc : !anyFree);
                if (drop) {
                    d.decision = "dropped";
                    int best = 0;
                    for (int k = 1; k < ps.length; k++) if (ps[k] < ps[best]) best = k;
                    d.reason = String.format("captured by the SVs (sv%d, p = %.3g)", best + 1, ps[best]);
                } else {
                    stage.add(name);
                }
            }
            all.put(name, d);
        }
        return stage;
    }

    /** {@link #dropCollinear(Map, List, Options, Map)} of the pheno table's columns at the given rows. */
    static void dropCollinear(PhenotypeTable pheno, int[] rows, List<String> stage, Options o, Map<String, Decision> all) {
        Map<String, Values> values = new HashMap<>();
        for (String name : stage) values.put(name, new Values(pheno.column(name), rows));
        dropCollinear(values, stage, o, all);
    }

    /**
     * Step 4: while a pair has |r| above the threshold, drop the variable in most such pairs. The pairs' associations
     * are computed once (the samples do not change as variables go): m^2 / 2 of them instead of that many per drop.
     */
    private static void dropCollinear(Map<String, Values> values, List<String> stage, Options o, Map<String, Decision> all) {
        int m = stage.size();
        double[][] r = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = i + 1; j < m; j++) r[i][j] = r[j][i] = association(values.get(stage.get(i)), values.get(stage.get(j)));
        }
        List<String> names = new ArrayList<>(stage);
        boolean[] in = new boolean[m];
        Arrays.fill(in, true);
        while (true) {
            int[] count = new int[m];
            for (int i = 0; i < m; i++) {
                for (int j = i + 1; j < m; j++) {
                    if (in[i] && in[j] && Math.abs(r[i][j]) > o.maxAbsCorrelation()) { count[i]++; count[j]++; }
                }
            }
            int worst = -1;
            for (int i = 0; i < m; i++) {
                if (!in[i] || count[i] == 0) continue;
                if (worst < 0 || count[i] > count[worst]
                        || (count[i] == count[worst] && all.get(names.get(i)).missingFraction >= all.get(names.get(worst))
                                .missingFraction)) worst = i;
            }
            if (worst < 0) break;
            int partner = -1;
            for (int j = 0; j < m; j++) if (in[j] && j != worst && Math.abs(r[worst][j]) > o.maxAbsCorrelation() && (partner < 0
                    || Math.abs(r[worst][j]) > Math.abs(r[worst][partner]))) partner = j;
            Decision d = all.get(names.get(worst));
            d.decision = "dropped";
            d.reason = String.format("collinear with %s (|r| = %.3f > %.2f)", names.get(partner), Math.abs(r[worst][partner]),
                    o.maxAbsCorrelation());
            in[worst] = false;
            stage.remove(names.get(worst));
        }
    }

    /** Beyond the paper: drop the covariate costing most samples until enough complete cases remain. */
    private static void keepCompleteCases(Map<String, Values> values, int n, List<String> stage, Options o, Map<String, Decision> all) {
        while (!stage.isEmpty() && o.minComplete() > 0) {
            Values[] in = new Values[stage.size()];
            for (int k = 0; k < in.length; k++) in[k] = values.get(stage.get(k));
            int[] onlyMissing = new int[in.length];
            int[] missing = new int[in.length];
            int complete = completeCases(in, n, missing, onlyMissing);
            if (complete >= o.minComplete() * n) break;
            int worst = 0;
            for (int k = 1; k < in.length; k++) {
                if (missing[k] > missing[worst] || (missing[k] == missing[worst] && onlyMissing[k] > onlyMissing[worst])) worst = k;
            }
            Decision d = all.get(stage.get(worst));
            d.decision = "dropped";
            d.reason = String.format("missing in %d samples: with it only %d of %d samples are complete (< %.0f%%)",
                    missing[worst], complete, n, 100 * o.minComplete());
            stage.remove(worst);
        }
    }

    /**
     * The samples observed in every variable of {@code in}; per variable, the samples it misses ({@code missing}) and those
     * only it misses ({@code onlyMissing}). A method of its own, so that the JIT compiles this loop alone (the caller runs
     * once per analysis and would otherwise be compiled whole, with its messages, when this loop gets hot).
     */
    private static int completeCases(Values[] in, int n, int[] missing, int[] onlyMissing) {
        int complete = 0;
        for (int i = 0; i < n; i++) {
            int miss = 0, which = -1;
            for (int k = 0; k < in.length; k++) {
                if (in[k].miss[i]) { miss++; which = k; missing[k]++; }
            }
            if (miss == 0) complete++;
            else if (miss == 1) onlyMissing[which]++;
        }
        return complete;
    }

    /** Drop variables that the design's rank check finds aliased (intercept + fixed + candidates, complete cases). */
    private static void dropAliased(PhenotypeTable pheno, List<String> samples, List<String> fixed, List<String> stage,
                                    Map<String, Decision> all) {
        while (!stage.isEmpty()) {
            List<String> model = new ArrayList<>(fixed);
            model.addAll(stage);
            try {
                DesignBuilder.checkCovariatesFullRank(pheno, samples, model);
                break;
            } catch (DesignBuilder.Aliased a) {
                if (!stage.contains(a.variable)) break; // the fixed variables themselves: the model's own check names them
                Decision d = all.get(a.variable);
                d.decision = "dropped";
                d.reason = "aliased in the design: " + a.getMessage();
                stage.remove(a.variable);
            }
        }
    }

    /**
     * p-value of association between a variable and one SV (the samples where the variable is observed; the SVs have
     * no missing value): Pearson's correlation test, or the one-way ANOVA F test of the SV on the levels.
     */
    static double associationP(Values c, double[] sv) {
        int n = 0;
        if (c.numeric) {
            n = observedPairs(c.x, sv);
            double r = pearson(c.x, sv);
            if (n < 3 || Double.isNaN(r)) return 1.0;
            if (Math.abs(r) >= 1) return 0.0;
            double t = r * Math.sqrt((n - 2) / (1 - r * r));
            return StudentT.twoSidedP(t, n - 2);
        }
        double[] sum = new double[c.levels], count = new double[c.levels]; // by level, in order of first appearance
        double total = 0;
        for (int i = 0; i < sv.length; i++) {
            int l = c.code[i];
            if (l < 0) continue;
            sum[l] += sv[i];
            count[l] += 1;
            total += sv[i];
            n++;
        }
        int k = c.levels;
        if (k < 2 || n - k < 1) return 1.0;
        double mean = total / n, ssb = 0, ssw = 0;
        for (int l = 0; l < k; l++) ssb += count[l] * Math.pow(sum[l] / count[l] - mean, 2);
        for (int i = 0; i < sv.length; i++) {
            int l = c.code[i];
            if (l >= 0) ssw += Math.pow(sv[i] - sum[l] / count[l], 2);
        }
        if (ssw == 0) return 0.0;
        double f = (ssb / (k - 1)) / (ssw / (n - k));
        double d1 = k - 1, d2 = n - k;
        double x = d2 / (d2 + d1 * f), y = d1 * f / (d2 + d1 * f);
        return Math.exp(RegularizedBeta.logRegularizedBeta(x, y, d2 / 2, d1 / 2));
    }

    /** Pearson's r of x and y over the positions where both are observed (NaN: missing), means first, as cor() does. */
    private static double pearson(double[] x, double[] y) {
        double mx = 0, my = 0;
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i])) continue;
            mx += x[i];
            my += y[i];
            n++;
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i])) continue;
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Positions where both x and y are observed. */
    private static int observedPairs(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < x.length; i++) if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) n++;
        return n;
    }

    /** |association| between two variables at the given rows: Pearson r, multiple correlation, or Cramer's V. */
    static double association(Column a, Column b, int[] rows) { return association(new Values(a, rows), new Values(b, rows)); }

    /** |association| over the samples where both are observed: Pearson r, correlation ratio, or Cramer's V. */
    static double association(Values a, Values b) {
        int len = a.numeric ? a.x.length : a.code.length, n = 0;
        if (a.numeric && b.numeric) return observedPairs(a.x, b.x) < 3 ? 0 : Math.abs(pearson(a.x, b.x));
        if (!a.numeric && !b.numeric) return cramersV(a, b, len);
        // mixed: correlation ratio (multiple correlation of the numeric on the level dummies), levels numbered as met here
        Values x = a.numeric ? a : b, f = a.numeric ? b : a;
        int[] local = new int[f.levels];
        Arrays.fill(local, -1);
        double[] sum = new double[f.levels], count = new double[f.levels];
        int k = 0;
        double total = 0;
        for (int i = 0; i < len; i++) {
            if (a.miss[i] || b.miss[i]) continue;
            int l = f.code[i];
            if (local[l] < 0) local[l] = k++;
            sum[local[l]] += x.x[i];
            count[local[l]] += 1;
            total += x.x[i];
            n++;
        }
        if (n < 3) return 0;
        double mean = total / n, ssb = 0, sst = 0;
        for (int l = 0; l < k; l++) ssb += count[l] * Math.pow(sum[l] / count[l] - mean, 2);
        for (int i = 0; i < len; i++) if (!a.miss[i] && !b.miss[i]) sst += Math.pow(x.x[i] - mean, 2);
        return sst == 0 ? 0 : Math.sqrt(ssb / sst);
    }

    /** Cramer's V of two categorical variables over the samples where both are observed (levels numbered as met there). */
    private static double cramersV(Values a, Values b, int len) {
        int[] la = new int[a.levels], lb = new int[b.levels], pa = new int[len], pb = new int[len];
        Arrays.fill(la, -1);
        Arrays.fill(lb, -1);
        int n = 0, ka = 0, kb = 0;
        for (int i = 0; i < len; i++) {
            if (a.code[i] < 0 || b.code[i] < 0) continue;
            if (la[a.code[i]] < 0) la[a.code[i]] = ka++;
            if (lb[b.code[i]] < 0) lb[b.code[i]] = kb++;
            pa[n] = la[a.code[i]];
            pb[n] = lb[b.code[i]];
            n++;
        }
        if (n < 3 || ka < 2 || kb < 2) return 0;
        double[][] t = new double[ka][kb];
        for (int i = 0; i < n; i++) t[pa[i]][pb[i]]++;
        double[] rs = new double[ka], cs = new double[kb];
        for (int i = 0; i < ka; i++) for (int j = 0; j < kb; j++) { rs[i] += t[i][j]; cs[j] += t[i][j]; }
        double chi = 0;
        for (int i = 0; i < ka; i++) for (int j = 0; j < kb; j++) {
            double e = rs[i] * cs[j] / n;
            chi += (t[i][j] - e) * (t[i][j] - e) / e;
        }
        return Math.sqrt(chi / (n * (Math.min(ka, kb) - 1)));
    }

    static void require(boolean ok, String msg) { if (!ok) throw new UserException(msg); }
}
