package org.cohortex.sva;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        Map<String, Decision> all = new LinkedHashMap<>();
        List<String> stage = screen(pheno, rows, sv, candidates, o, all);
        dropCollinear(pheno, rows, stage, o, all);
        keepCompleteCases(pheno, rows, stage, o, all);
        dropAliased(pheno, samples, fixed, stage, all);
        for (String s : stage) {
            Decision d = all.get(s);
            d.decision = "kept";
            d.reason = sv.cols == 0 ? "no SVs to test against" : String.format("not captured by the SVs (min p = %.3g)", d.minSvP);
        }
        return new Selection(new ArrayList<>(stage), new ArrayList<>(all.values()));
    }


    /** Steps 1-3: missingness, constant in the samples, association with any SV; returns the candidates still in. */
    private static List<String> screen(PhenotypeTable pheno, int[] rows, Mat sv, List<String> candidates, Options o, Map<String,
            Decision> all) {
        int n = rows.length;
        List<String> stage = new ArrayList<>();
        for (String name : candidates) {
            Column c = pheno.column(name);
            int miss = 0;
            for (int r : rows) if (c.isMissing(r)) miss++;
            double frac = (double) miss / n;
            double minP = Double.NaN;
            Decision d;
            if (frac > o.maxMissing()) {
                d = new Decision(name, frac, minP);
                d.decision = "dropped";
                d.reason = String.format("missing in %.0f%% of samples (> %.0f%%)", 100 * frac, 100 * o.maxMissing());
            } else if (levelsOrDistinct(c, rows) < 2) {
                d = new Decision(name, frac, minP);
                d.decision = "dropped";
                d.reason = "constant in the samples analysed";
            } else {
                double[] ps = new double[sv.cols];
                boolean anyAssoc = false, anyFree = false;
                minP = 1;
                for (int k = 0; k < sv.cols; k++) {
                    ps[k] = associationP(c, rows, sv.column(k));
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

    /**
     * Step 4: while a pair has |r| above the threshold, drop the variable in most such pairs. The pairs' associations
     * are computed once (the samples do not change as variables go): m^2 / 2 of them instead of that many per drop.
     */
    static void dropCollinear(PhenotypeTable pheno, int[] rows, List<String> stage, Options o, Map<String, Decision> all) {
        int m = stage.size();
        double[][] r = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = i + 1; j < m; j++) r[i][j] = r[j][i] = association(pheno.column(stage.get(i)), pheno.column(stage.get(j)), rows);
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
    private static void keepCompleteCases(PhenotypeTable pheno, int[] rows, List<String> stage, Options o, Map<String, Decision> all) {
        int n = rows.length;
        while (!stage.isEmpty() && o.minComplete() > 0) {
            int complete = 0;
            int[] onlyMissing = new int[stage.size()];
            int[] missing = new int[stage.size()];
            for (int r : rows) {
                int miss = 0, which = -1;
                for (int k = 0; k < stage.size(); k++) {
                    if (pheno.column(stage.get(k)).isMissing(r)) { miss++; which = k; missing[k]++; }
                }
                if (miss == 0) complete++;
                else if (miss == 1) onlyMissing[which]++;
            }
            if (complete >= o.minComplete() * n) break;
            int worst = 0;
            for (int k = 1; k < stage.size(); k++) {
                if (missing[k] > missing[worst] || (missing[k] == missing[worst] && onlyMissing[k] > onlyMissing[worst])) worst = k;
            }
            Decision d = all.get(stage.get(worst));
            d.decision = "dropped";
            d.reason = String.format("missing in %d samples: with it only %d of %d samples are complete (< %.0f%%)",
                    missing[worst], complete, n, 100 * o.minComplete());
            stage.remove(worst);
        }
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

    private static int levelsOrDistinct(Column c, int[] rows) {
        Set<Object> s = new HashSet<>();
        for (int r : rows) {
            if (c.isMissing(r)) continue;
            s.add(c.type == PhenotypeTable.Type.NUMERIC ? (Object) c.numeric[r] : c.levels[r]);
            if (s.size() > 1) return 2;
        }
        return s.size();
    }

    /** p-value of association between a variable and one SV (pairwise complete samples). */
    static double associationP(Column c, int[] rows, double[] sv) {
        List<double[]> pairs = new ArrayList<>();
        List<String> lv = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            if (c.isMissing(rows[i])) continue;
            if (c.type == PhenotypeTable.Type.NUMERIC) pairs.add(new double[] {c.numeric[rows[i]], sv[i]});
            else { lv.add(c.levels[rows[i]]); pairs.add(new double[] {0, sv[i]}); }
        }
        int n = pairs.size();
        if (c.type == PhenotypeTable.Type.NUMERIC) {
            double r = pearson(pairs);
            if (n < 3 || Double.isNaN(r)) return 1.0;
            if (Math.abs(r) >= 1) return 0.0;
            double t = r * Math.sqrt((n - 2) / (1 - r * r));
            return StudentT.twoSidedP(t, n - 2);
        }
        // one-way ANOVA of the SV on the levels
        Map<String, double[]> groups = new LinkedHashMap<>(); // sum, count
        double total = 0;
        for (int i = 0; i < n; i++) {
            groups.computeIfAbsent(lv.get(i), k -> new double[2]);
            groups.get(lv.get(i))[0] += pairs.get(i)[1];
            groups.get(lv.get(i))[1] += 1;
            total += pairs.get(i)[1];
        }
        int k = groups.size();
        if (k < 2 || n - k < 1) return 1.0;
        double mean = total / n, ssb = 0, ssw = 0;
        for (double[] g : groups.values()) ssb += g[1] * Math.pow(g[0] / g[1] - mean, 2);
        for (int i = 0; i < n; i++) {
            double[] g = groups.get(lv.get(i));
            ssw += Math.pow(pairs.get(i)[1] - g[0] / g[1], 2);
        }
        if (ssw == 0) return 0.0;
        double f = (ssb / (k - 1)) / (ssw / (n - k));
        double d1 = k - 1, d2 = n - k;
        double x = d2 / (d2 + d1 * f), y = d1 * f / (d2 + d1 * f);
        return Math.exp(RegularizedBeta.logRegularizedBeta(x, y, d2 / 2, d1 / 2));
    }

    static double pearson(List<double[]> pairs) {
        int n = pairs.size();
        double mx = 0, my = 0;
        for (double[] p : pairs) { mx += p[0]; my += p[1]; }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (double[] p : pairs) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
            syy += (p[1] - my) * (p[1] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** |association| between two variables: Pearson r, multiple correlation, or Cramer's V. */
    static double association(Column a, Column b, int[] rows) {
        boolean an = a.type == PhenotypeTable.Type.NUMERIC, bn = b.type == PhenotypeTable.Type.NUMERIC;
        List<double[]> num = new ArrayList<>();
        List<String[]> cat = new ArrayList<>();
        for (int r : rows) {
            if (a.isMissing(r) || b.isMissing(r)) continue;
            if (an && bn) num.add(new double[] {a.numeric[r], b.numeric[r]});
            else if (!an && !bn) cat.add(new String[] {a.levels[r], b.levels[r]});
        }
        if (an && bn) return num.size() < 3 ? 0 : Math.abs(pearson(num));
        if (!an && !bn) return cat.size() < 3 ? 0 : cramersV(cat);
        // mixed: correlation ratio (multiple correlation of the numeric on the level dummies)
        Column x = an ? a : b, f = an ? b : a;
        Map<String, double[]> g = new LinkedHashMap<>();
        double total = 0;
        int n = 0;
        for (int r : rows) {
            if (a.isMissing(r) || b.isMissing(r)) continue;
            double v = x.numeric[r];
            double[] s = g.computeIfAbsent(f.levels[r], k -> new double[2]);
            s[0] += v;
            s[1] += 1;
            total += v;
            n++;
        }
        if (n < 3) return 0;
        double mean = total / n, ssb = 0, sst = 0;
        for (double[] s : g.values()) ssb += s[1] * Math.pow(s[0] / s[1] - mean, 2);
        for (int r : rows) if (!a.isMissing(r) && !b.isMissing(r)) sst += Math.pow(x.numeric[r] - mean, 2);
        return sst == 0 ? 0 : Math.sqrt(ssb / sst);
    }

    static double cramersV(List<String[]> pairs) {
        Map<String, Integer> ra = new LinkedHashMap<>(), rb = new LinkedHashMap<>();
        for (String[] p : pairs) { ra.putIfAbsent(p[0], ra.size()); rb.putIfAbsent(p[1], rb.size()); }
        int ka = ra.size(), kb = rb.size(), n = pairs.size();
        if (ka < 2 || kb < 2) return 0;
        double[][] t = new double[ka][kb];
        for (String[] p : pairs) t[ra.get(p[0])][rb.get(p[1])]++;
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
