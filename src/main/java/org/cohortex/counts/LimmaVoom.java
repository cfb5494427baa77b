package org.cohortex.counts;

import java.util.Arrays;

import org.cohortex.UserException;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.WeightedLeastSquares;
import org.cohortex.stats.EmpiricalBayes;
import org.cohortex.stats.RSummary;
import org.cohortex.stats.StudentT;

/**
 * The standard RNA-seq workflow of edgeR 3.40 / limma 3.54 on a count matrix, each step optional:
 * <pre>
 *   keep <- filterByExpr(y, design); y <- y[keep, , keep.lib.sizes = FALSE]   (filter)
 *   y <- calcNormFactors(y)                                                     (normalize TMM)
 *   v <- voom(y, design)            or  E <- voom's log-CPM without weights    (weights VOOM / NONE)
 *   fit <- lmFit(v, design); fit <- eBayes(fit, trend = trend)                  (moderated)
 * </pre>
 * Without moderation the t statistic is the ordinary (weighted) one on the residual df. Counts must
 * be complete (no NA), non-negative; the design full column rank with n > p.
 */
public final class LimmaVoom {
    private LimmaVoom() {}

    public enum Normalization { TMM, NONE }

    public enum Weights { VOOM, NONE }

    /**
     * @param filter    filterByExpr with edgeR's defaults, library sizes recomputed on the kept genes
     * @param normalize TMM factors (calcNormFactors) or all factors 1
     * @param weights   voom precision weights, or unweighted least squares on the log-CPM
     * @param moderated limma's eBayes moderated t, else the ordinary t on n - p df
     * @param trend     eBayes(trend = TRUE): the prior variance a smooth function of Amean (only with moderated)
     */
    public record Settings(boolean filter, Normalization normalize, Weights weights, boolean moderated, boolean trend) {
        /** What users of edgeR/limma run: filter, TMM, voom, eBayes without trend. */
        public static final Settings STANDARD = new Settings(true, Normalization.TMM, Weights.VOOM, true, false);

        public Settings {
            if (normalize == null || weights == null) throw new IllegalArgumentException("normalize and weights must be given");
            if (trend && !moderated) throw new IllegalArgumentException("trend needs moderated");
        }
    }

    /**
     * The outputs. Per-gene arrays are over the kept genes, in input order ({@code keptIndex[k]} is
     * the input row of kept gene k).
     *
     * @param kept          per input gene: passed filterByExpr (all true without the filter)
     * @param keptIndex     input rows of the kept genes
     * @param libSize       per sample: column sums of the kept genes' counts
     * @param normFactors   per sample: TMM factors (geometric mean 1), or 1
     * @param logCpm        kept genes x samples: log2((count + 0.5) / (libSize normFactor + 1) 1e6)
     * @param beta          the coefficient's estimate (log2 fold change for a two-level trait)
     * @param se            its standard error: stdev.unscaled sqrt(s2.post) when moderated, else stdev.unscaled sigma
     * @param t             beta / se
     * @param p             two-sided p of t on dfTotal degrees of freedom
     * @param dfTotal       n - p + df.prior capped at the pooled residual df when moderated, else n - p
     * @param amean         mean log-CPM of the gene (limma's Amean)
     * @param dfPrior       eBayes' df.prior (may be +Infinity: no variance between genes beyond sampling); NaN unmoderated
     * @param s2Prior       eBayes' s2.prior per gene (one value repeated without trend); null unmoderated
     */
    public record Result(boolean[] kept, int[] keptIndex, double[] libSize, double[] normFactors, Mat logCpm,
                         double[] beta, double[] se, double[] t, double[] p, double[] dfTotal, double[] amean,
                         double dfPrior, double[] s2Prior) {}

    /**
     * Runs the workflow on counts (genes x n, row-major) for coefficient {@code coefficient} (0-based
     * column of the design).
     */
    public static Result run(DenseOps backend, double[] counts, int genes, int n, Mat design, int coefficient, Settings s) {
        if (coefficient < 0 || coefficient >= design.cols) {
            throw new IllegalArgumentException("coefficient " + coefficient + " not in the design");
        }
        boolean[] kept = new boolean[genes];
        if (s.filter()) kept = FilterByExpr.keep(counts, genes, n, design);
        else Arrays.fill(kept, true);
        int m = 0;
        for (boolean k : kept) if (k) m++;
        if (m < 2) {
            throw new UserException("only " + m + " gene(s) pass filterByExpr (a count of at least 10 at the median library size in"
                    + " enough samples): too few to fit; check that the expression file holds raw counts");
        }
        int[] index = new int[m];
        double[] sub = new double[m * n];
        for (int g = 0, k = 0; g < genes; g++) {
            if (!kept[g]) continue;
            index[k] = g;
            System.arraycopy(counts, g * n, sub, k * n, n);
            k++;
        }
        double[] lib = FilterByExpr.columnSums(sub, m, n);
        double[] nf = new double[n];
        if (s.normalize() == Normalization.TMM) nf = TmmNormalization.factors(sub, m, n, lib);
        else Arrays.fill(nf, 1);
        double[] eff = LogCpm.effective(lib, nf);
        Mat e, w = null;
        if (s.weights() == Weights.VOOM) {
            Voom.Result v = Voom.compute(backend, sub, m, n, design, eff);
            e = v.logCpm();
            w = v.weights();
        } else {
            e = new Mat(m, n, LogCpm.voom(sub, m, n, eff));
        }
        WeightedLeastSquares.Fit fit = WeightedLeastSquares.fit(backend, design, e, w, new int[] {coefficient});
        double[] amean = new double[m]; // limma's Amean: the unweighted mean log-CPM of each gene
        for (int g = 0; g < m; g++) amean[g] = RSummary.mean(e.data, g * n, (g + 1) * n);
        double[] beta = fit.column(fit.coefficients, coefficient), su = fit.column(fit.stdevUnscaled, coefficient);
        double[] se = new double[m], t, p, dfTotal;
        if (s.moderated()) {
            EmpiricalBayes.Moderation mod = EmpiricalBayes.moderate(fit.sigma, fit.dfResidual, s.trend() ? amean : null);
            t = mod.t(beta, su);
            p = mod.p(t);
            for (int g = 0; g < m; g++) se[g] = su[g] * Math.sqrt(mod.s2Post()[g]);
            return new Result(kept, index, lib, nf, e, beta, se, t, p, mod.dfTotal(), amean, mod.dfPrior(), mod.s2Prior());
        }
        t = new double[m];
        p = new double[m];
        for (int g = 0; g < m; g++) {
            se[g] = su[g] * fit.sigma[g];
            t[g] = beta[g] / se[g];
            p[g] = StudentT.twoSidedP(t[g], fit.dfResidual[g]);
        }
        dfTotal = fit.dfResidual.clone();
        return new Result(kept, index, lib, nf, e, beta, se, t, p, dfTotal, amean, Double.NaN, null);
    }
}
