package org.cohortex.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.cohortex.UserException;
import org.cohortex.io.Numbers;
import org.cohortex.io.PhenotypeTable.Column;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.QrDecomposition;

/**
 * Builds the model matrix of expr ~ trait + covariates + SVs for a list of samples.
 * Categorical variables become treatment-coded dummies (first level = reference, as R's
 * contr.treatment); levels are those present among the samples used, sorted numerically when all
 * levels are numbers and by code point otherwise (R sorts by the locale's collation: give levels
 * that sort the same, or force the reference with a leading "0_"-style prefix).
 */
public final class DesignBuilder {
    /** R's lm uses qr(tol = 1e-7): a column whose residual norm falls below this fraction is aliased. */
    public static final double ALIAS_TOL = 1e-7;

    private DesignBuilder() {}

    /** Sample selection of a design: the complete cases (indices into the samples) and why the others were dropped. */
    private record CompleteCases(List<Integer> used, Map<String, String> dropped) {}

    /** The columns of a design as they are added, with their names and the levels of each categorical variable. */
    private static final class Columns {
        final List<String> names = new ArrayList<>();
        final List<double[]> values = new ArrayList<>();
        final Map<String, List<String>> levels = new LinkedHashMap<>();

        void add(String name, double[] v) {
            names.add(name);
            values.add(v);
        }
    }

    /**
     * Steps: the variables (checked), the complete cases, the columns (intercept, trait, covariates,
     * SVs), then the rank check.
     *
     * @param samples  sample ids in expression order; each must have a row in {@code pheno}
     *                 (and in {@code svs} when given)
     * @param svs      surrogate variables table (numeric columns), or null
     */
    public static DesignMatrix build(List<String> samples, PhenotypeTable pheno, String trait, List<String> covariates,
            PhenotypeTable svs) {
        Column traitCol = pheno.column(trait);
        List<Column> covs = covariateColumns(pheno, trait, covariates);
        List<Column> svCols = svColumns(svs);
        if (traitCol.missingCount() == pheno.sampleCount()) {
            throw new UserException(pheno.source + ": trait '" + trait + "' is missing (NA) for every sample");
        }
        CompleteCases cc = completeCases(samples, pheno, traitCol, covs, svs, svCols);
        List<Integer> used = cc.used();
        int n = used.size();
        if (n == 0) {
            throw new UserException("no sample has every model variable (trait '" + trait + "', covariates " + covariates
                    + "): nothing to fit");
        }
        Columns cols = new Columns();
        double[] one = new double[n];
        Arrays.fill(one, 1.0);
        cols.add("(Intercept)", one);
        int traitIndex = cols.names.size();
        addTrait(traitCol, pheno, samples, used, cols);
        for (Column c : covs) addCovariate(c, pheno, samples, used, cols);
        for (Column c : svCols) cols.add(c.name, values(c, svs, samples, used));
        return assemble(cols, traitIndex, cc);
    }

    private static List<Column> covariateColumns(PhenotypeTable pheno, String trait, List<String> covariates) {
        List<Column> covs = new ArrayList<>();
        for (String c : covariates) {
            if (c.equals(trait)) throw new UserException(UserException.setting("covariates") + ": '" + c + "' is the trait itself");
            if (c.equals(pheno.sampleColumn)) throw new UserException(UserException.setting("covariates") + ": '" + c
                    + "' is the sample-id column");
            covs.add(pheno.column(c));
        }
        return covs;
    }

    private static List<Column> svColumns(PhenotypeTable svs) {
        List<Column> svCols = new ArrayList<>();
        if (svs == null) return svCols;
        for (String name : svs.columnNames()) {
            Column c = svs.column(name);
            if (c.type != PhenotypeTable.Type.NUMERIC) throw new UserException(svs.source + ": surrogate-variable column '" + name
                    + "' is not numeric");
            svCols.add(c);
        }
        return svCols;
    }

    /** The samples with every model variable, and for the others the first variable they lack. */
    private static CompleteCases completeCases(List<String> samples, PhenotypeTable pheno, Column traitCol, List<Column> covs,
                                               PhenotypeTable svs, List<Column> svCols) {
        List<Integer> used = new ArrayList<>();
        Map<String, String> dropped = new LinkedHashMap<>();
        for (int s = 0; s < samples.size(); s++) {
            String id = samples.get(s);
            int row = pheno.row(id);
            String lacking = null;
            if (traitCol.isMissing(row)) lacking = traitCol.name;
            for (int k = 0; lacking == null && k < covs.size(); k++) if (covs.get(k).isMissing(row)) lacking = covs.get(k).name;
            if (svs != null && lacking == null) {
                int srow = svs.row(id);
                if (srow < 0) {
                    throw new UserException(svs.source + ": no row for sample '" + id
                            + "' (every expression sample needs its surrogate variables)");
                }
                for (Column c : svCols) if (c.isMissing(srow)) { lacking = c.name; break; }
            }
            if (lacking == null) used.add(s); else dropped.put(id, lacking);
        }
        return new CompleteCases(used, dropped);
    }

    /** The trait: a numeric column, or the dummy of a two-level factor; one value or more than two levels cannot be tested. */
    private static void addTrait(Column traitCol, PhenotypeTable pheno, List<String> samples, List<Integer> used, Columns cols) {
        String trait = traitCol.name;
        int n = used.size();
        if (traitCol.type == PhenotypeTable.Type.NUMERIC) {
            double[] v = values(traitCol, pheno, samples, used);
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (double d : v) { min = Math.min(min, d); max = Math.max(max, d); }
            if (min == max) {
                throw new UserException("trait '" + trait + "' has one value (" + fmt(min) + ") in all " + n
                        + " samples used: nothing to test");
            }
            cols.add(trait, v);
            return;
        }
        List<String> lv = levelsOf(traitCol, pheno, samples, used);
        if (lv.size() < 2) {
            throw new UserException("trait '" + trait + "' has one level ('" + lv.get(0) + "') in all " + n
                    + " samples used: nothing to test");
        }
        if (lv.size() > 2) {
            throw new UserException("trait '" + trait + "' has " + lv.size() + " levels " + lv
                    + "; `de` tests one coefficient: give a binary or numeric trait");
        }
        cols.levels.put(trait, lv);
        addDummies(traitCol, lv, pheno, samples, used, cols.names, cols.values);
    }

    private static void addCovariate(Column c, PhenotypeTable pheno, List<String> samples, List<Integer> used, Columns cols) {
        if (c.type == PhenotypeTable.Type.NUMERIC) {
            cols.add(c.name, values(c, pheno, samples, used));
            return;
        }
        List<String> lv = levelsOf(c, pheno, samples, used);
        if (lv.size() < 2) {
            throw new UserException("covariate '" + c.name + "' has one level ('" + lv.get(0) + "') in all " + used.size()
                    + " samples used (R: 'contrasts can be applied only to factors with 2 or more levels'); remove it from "
                    + UserException.setting("covariates"));
        }
        cols.levels.put(c.name, lv);
        addDummies(c, lv, pheno, samples, used, cols.names, cols.values);
    }

    /** The n x p model matrix, after the checks on names, residual degrees of freedom and rank. */
    private static DesignMatrix assemble(Columns cols, int traitIndex, CompleteCases cc) {
        List<String> names = cols.names;
        for (String nm : names.subList(1, names.size())) {
            if (names.indexOf(nm) != names.lastIndexOf(nm)) {
                throw new UserException("design column name '" + nm + "' occurs twice (a covariate and an SV share a name?)");
            }
        }
        int n = cc.used().size(), p = cols.values.size();
        if (n <= p) {
            throw new UserException("only " + n + " complete samples for " + p + " model columns " + names
                    + ": no residual degrees of freedom"
                    + (cc.dropped().isEmpty() ? "" : " (" + cc.dropped().size() + " samples dropped for missing values)"));
        }
        Mat x = byColumns(cols.values, n);
        checkFullRank(x, names);
        return new DesignMatrix(x, names, traitIndex, cc.used().stream().mapToInt(Integer::intValue).toArray(), cc.dropped(), cols.levels);
    }

    /** The aliased variable found by {@link #checkCovariatesFullRank}. */
    /**
     * The n x p matrix of p columns (build's loops over samples are methods of their own, as this one: build runs a few
     * times per analysis, and the JIT would otherwise compile it whole, with its checks and messages, for one hot loop).
     */
    private static Mat byColumns(List<double[]> columns, int n) {
        int p = columns.size();
        Mat x = new Mat(n, p);
        for (int j = 0; j < p; j++) {
            double[] c = columns.get(j);
            for (int i = 0; i < n; i++) x.data[i * p + j] = c[i];
        }
        return x;
    }

    public static final class Aliased extends Exception {
        private static final long serialVersionUID = 1L;
        public final String variable;

        Aliased(String variable, String message) {
            super(message, null, false, false);
            this.variable = variable;
        }
    }

    /**
     * Rank check of intercept + the given covariates on their complete cases among {@code samples}:
     * throws {@link Aliased} naming the variable of the first aliased column.
     */
    public static void checkCovariatesFullRank(PhenotypeTable pheno, List<String> samples, List<String> covariates) throws Aliased {
        List<Integer> used = new ArrayList<>();
        for (int s = 0; s < samples.size(); s++) {
            int row = pheno.row(samples.get(s));
            boolean ok = true;
            for (String c : covariates) if (pheno.column(c).isMissing(row)) { ok = false; break; }
            if (ok) used.add(s);
        }
        List<String> names = new ArrayList<>();
        List<String> owner = new ArrayList<>();
        List<double[]> cols = new ArrayList<>();
        double[] one = new double[used.size()];
        Arrays.fill(one, 1.0);
        names.add("(Intercept)");
        owner.add("(Intercept)");
        cols.add(one);
        for (String c : covariates) {
            Column col = pheno.column(c);
            if (col.type == PhenotypeTable.Type.NUMERIC) {
                names.add(c);
                owner.add(c);
                cols.add(values(col, pheno, samples, used));
            } else {
                List<String> lv = levelsOf(col, pheno, samples, used);
                int before = names.size();
                addDummies(col, lv, pheno, samples, used, names, cols);
                for (int k = before; k < names.size(); k++) owner.add(c);
            }
        }
        if (used.size() <= cols.size()) {
            throw new Aliased(covariates.get(covariates.size() - 1), "only " + used.size() + " complete samples for " + cols.size()
                    + " columns");
        }
        Mat x = new Mat(used.size(), cols.size());
        for (int j = 0; j < cols.size(); j++) for (int i = 0; i < used.size(); i++) x.data[i * cols.size() + j] = cols.get(j)[i];
        try {
            checkFullRank(x, names);
        } catch (UserException e) {
            String m = e.getMessage();
            for (int j = names.size() - 1; j > 0; j--) {
                if (m.contains("column '" + names.get(j) + "'")) throw new Aliased(owner.get(j), m);
            }
            throw new Aliased(covariates.get(covariates.size() - 1), m);
        }
    }

    private static double[] values(Column c, PhenotypeTable t, List<String> samples, List<Integer> used) {
        double[] v = new double[used.size()];
        for (int k = 0; k < v.length; k++) v[k] = c.numeric[t.row(samples.get(used.get(k)))];
        return v;
    }

    static List<String> levelsOf(Column c, PhenotypeTable t, List<String> samples, List<Integer> used) {
        TreeSet<String> set = new TreeSet<>();
        for (int s : used) set.add(c.levels[t.row(samples.get(s))]);
        List<String> lv = new ArrayList<>(set);
        boolean allNumbers = lv.stream().allMatch(Numbers::isDecimal);
        if (allNumbers) lv.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
        return lv;
    }

    private static void addDummies(Column c, List<String> lv, PhenotypeTable t, List<String> samples, List<Integer> used,
                                   List<String> names, List<double[]> cols) {
        for (int l = 1; l < lv.size(); l++) {
            double[] v = new double[used.size()];
            for (int k = 0; k < v.length; k++) v[k] = lv.get(l).equals(c.levels[t.row(samples.get(used.get(k)))]) ? 1.0 : 0.0;
            names.add(c.name + lv.get(l));
            cols.add(v);
        }
    }

    /**
     * Gram-Schmidt over the columns in order (with re-orthogonalisation); a column whose residual
     * norm is below {@link #ALIAS_TOL} of its own norm is a linear combination of the earlier ones,
     * which R's lm would report as an NA coefficient. We refuse such a design and name the columns.
     */
    public static void checkFullRank(Mat x, List<String> names) {
        int n = x.rows, p = x.cols;
        List<double[]> basis = new ArrayList<>();
        List<Integer> accepted = new ArrayList<>();
        for (int j = 0; j < p; j++) {
            double[] v = x.column(j);
            double norm0 = norm(v);
            if (norm0 == 0) {
                throw new UserException("the design is rank deficient: column '" + names.get(j)
                        + "' is zero for every sample used; remove that variable");
            }
            for (int pass = 0; pass < 2; pass++) {
                for (double[] q : basis) {
                    double d = 0;
                    for (int i = 0; i < n; i++) d += q[i] * v[i];
                    for (int i = 0; i < n; i++) v[i] -= d * q[i];
                }
            }
            double r = norm(v);
            if (r < ALIAS_TOL * norm0) {
                throw new UserException("the design is rank deficient: column '" + names.get(j) + "' is a linear combination of "
                        + dependencies(x, names, accepted, j) + " (R's lm would give it an NA coefficient); remove one of these variables");
            }
            for (int i = 0; i < n; i++) v[i] /= r;
            basis.add(v);
            accepted.add(j);
        }
    }

    private static String dependencies(Mat x, List<String> names, List<Integer> accepted, int j) {
        Mat a = x.selectColumns(accepted.stream().mapToInt(Integer::intValue).toArray());
        QrDecomposition qr = new QrDecomposition(a);
        Mat q = qr.q(), rinv = qr.rInverse();
        double[] y = x.column(j);
        int k = accepted.size();
        double[] qty = new double[k];
        for (int i = 0; i < x.rows; i++) for (int c = 0; c < k; c++) qty[c] += q.data[i * k + c] * y[i];
        List<String> out = new ArrayList<>();
        double ny = norm(y);
        for (int c = 0; c < k; c++) {
            double coef = 0;
            for (int m = c; m < k; m++) coef += rinv.data[c * k + m] * qty[m];
            double contribution = Math.abs(coef) * norm(a.column(c));
            if (contribution > 1e-6 * ny) out.add("'" + names.get(accepted.get(c)) + "'");
        }
        return out.isEmpty() ? "earlier columns" : String.join(", ", out);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double d : v) s += d * d;
        return Math.sqrt(s);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
