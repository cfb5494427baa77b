package org.cohortex.celltype;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.commons.math3.special.Beta;

import org.cohortex.linalg.CholeskyDecomposition;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.linalg.QrDecomposition;
import org.cohortex.stats.FisherF;
import org.cohortex.stats.MultipleTesting;
import org.cohortex.stats.RegularizedBeta;

/**
 * Cell-type-specific differential expression directly on bulk (CellDMC, EpiDISH 2.15.1; TOAST 1.11.2
 * csTest): every gene is regressed by OLS on the one shared {@link InteractionDesign} X = [W, W o t, C]
 * (n x p, p = 2K + q). Per cell type k the coefficient of w_k:t is the trait effect in that type: its
 * se, t and two-sided p on n - p = n - 2K - q df, Bonferroni and Benjamini-Hochberg within the type
 * over genes. Per gene the joint K-df F test that all K interaction coefficients are zero:
 * F = (b_I' [(X'X)^-1_II]^-1 b_I / K) / s^2 on (K, n - p), which for OLS equals the nested-model F of
 * R's anova(lm without W o t, lm with it) without the cancellation of RSS0 - RSS1.
 * <p>
 * The default of {@code celltype-de} and {@code run} is the log2-share form ({@link #fitLogShare}); for this CPM form
 * the variance options ({@link Variance}). MIXTURE is its default: on the
 * simulated paper cohort (BLA, chronic pain permuted among donors) CLASSICAL, CellDMC's OLS, reported 5
 * Bonferroni DEGs in three cell types, MIXTURE none; on the real trait MIXTURE found 14 planted microglia
 * genes (CLASSICAL 16, HC3 4):
 * <ul>
 * <li>CLASSICAL: s^2 (X'X)^-1, CellDMC's and the bulk {@code de}'s;</li>
 * <li>MIXTURE: feasible GLS under Var(y_i) = sum_k w_ik^2 s_k^2 + tau^2 ({@link MixtureVariance});</li>
 * <li>TOAST_FLOOR: s^2 floored at its 10% quantile over genes (R's type 7; TOAST csTest's
 *     var_shrinkage, on by default there): guards against genes with tiny residual variance, but
 *     makes the tests conservative for them in a way that depends on the other genes;</li>
 * <li>HC3: sandwich::vcovHC(type = "HC3") = (X'X)^-1 X' diag(e^2 / (1 - h)^2) X (X'X)^-1, t on n - p df
 *     as lmtest::coeftest, joint Wald F = b_I' V_II^-1 b_I / K on (K, n - p) as
 *     car::linearHypothesis(vcov. = ): robust to the heteroskedasticity that the proportions induce
 *     (the bulk variance grows with the weight of variable types), at the cost of power at n ~ 100.</li>
 * </ul>
 * Batched: the hat values and (X'X)^-1 X' are shared by all genes. Cost for G genes: the backend's OLS
 * (one GEMM G x n x p, 2 G n p flops) plus O(G K^2) for the tests; HC3 adds the residuals (2 G n p) and
 * one GEMM of the weighted squared residuals with the K(K+1)/2 products of rows of (X'X)^-1 X'
 * (G n K(K+1) flops), then a K x K Cholesky per gene. A gene with missing values is fitted alone on its
 * observed samples (its df counts those).
 */
public final class InteractionModel {
    /** How the coefficient variances are estimated. */
    public enum Variance { CLASSICAL, TOAST_FLOOR, HC3, MIXTURE }

    /** TOAST csTest's floor: the 10% quantile of the residual variances. */
    public static final double FLOOR_QUANTILE = 0.1;

    /**
     * Results; per-type arrays are genes x K row-major, NaN where the gene could not be tested
     * ({@code note} says why).
     */
    public record Result(String[] cellTypes, int genes, double[] beta, double[] se, double[] t, double[] p, double[] pBonferroni,
                         double[] qBh, double[] jointF, double[] jointP, double[] jointBonferroni, double[] jointQ, int[] df,
                         double[] sigma2, double[] meanExpr, String[] note, Variance variance, double floor) {
        public int k() { return cellTypes.length; }

        public double beta(int g, int type) { return beta[g * k() + type]; }

        public double se(int g, int type) { return se[g * k() + type]; }

        public double t(int g, int type) { return t[g * k() + type]; }

        public double p(int g, int type) { return p[g * k() + type]; }

        /** One cell type's column of a genes x K array. */
        public double[] column(double[] a, int type) {
            double[] out = new double[genes];
            for (int g = 0; g < genes; g++) out[g] = a[g * k() + type];
            return out;
        }
    }

    private InteractionModel() {}

    /** Fits every row of {@code y} (genes x n, NaN = missing) on the design. */
    public static Result fit(DenseOps backend, InteractionDesign d, Mat y, Variance variance) {
        int genes = y.rows, n = d.n(), k = d.k;
        if (y.cols != n) throw new IllegalArgumentException("expression has " + y.cols + " samples, design " + n);
        Partial s = new Partial(genes, k);
        List<Integer> complete = new ArrayList<>(), partial = new ArrayList<>();
        for (int g = 0; g < genes; g++) (hasMissing(y, g) ? partial : complete).add(g);
        int[] idx = complete.stream().mapToInt(Integer::intValue).toArray();
        if (idx.length > 0) fitShared(backend, d.x, k, partial.isEmpty() ? y : y.selectRows(idx), idx, variance, s);
        for (int g : partial) fitObserved(backend, d, y, g, variance, s);
        return finish(d, y, s, variance);
    }

    /**
     * The model on log2-CPM with each type's trait effect weighted by its share of the gene's transcripts
     * ({@link LogShareInteraction}), classical OLS variances.
     *
     * @param log2y genes x n, log2-CPM; {@code cpm}: the same on the linear scale
     */
    public static Result fitLogShare(DenseOps backend, InteractionDesign d, Mat log2y, Mat cpm) {
        if (log2y.cols != d.n()) throw new IllegalArgumentException("expression has " + log2y.cols + " samples, design " + d.n());
        Partial s = new Partial(log2y.rows, d.k);
        LogShareInteraction.fit(backend, d, log2y, cpm, s);
        return finish(d, log2y, s, Variance.CLASSICAL);
    }

    /** Per-gene quantities before the residual variance is chosen. */
    static final class Partial {
        final double[] beta, v, wald, rss;
        final int[] df;

        Partial(int genes, int k) {
            beta = new double[genes * k];
            v = new double[genes * k];
            wald = new double[genes];
            rss = new double[genes];
            df = new int[genes];
            Arrays.fill(beta, Double.NaN);
            Arrays.fill(v, Double.NaN);
            Arrays.fill(wald, Double.NaN);
            Arrays.fill(rss, Double.NaN);
        }
    }

    /**
     * What the shared design gives every gene: S = (X'X)^-1, the Cholesky factor of its interaction
     * block, the hat values and A_I = the interaction rows of (X'X)^-1 X' (K x n).
     */
    private static final class SharedAlgebra {
        final int n, p, k;
        final double[] xtxInv, cholII, hat, aI;

        SharedAlgebra(Mat x, int k) {
            n = x.rows;
            p = x.cols;
            this.k = k;
            UnitColumns u = UnitColumns.of(x);
            double[] scale = u.scale();
            QrDecomposition qr = new QrDecomposition(u.scaled());
            double[] q = qr.q().data, rInv = qr.rInverse().data; // X = Q R D^-1: (X'X)^-1 = D R^-1 R^-T D
            for (int j = 0; j < p; j++) for (int c = 0; c < p; c++) rInv[j * p + c] *= scale[j];
            xtxInv = new double[p * p];
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    double s = 0;
                    for (int c = Math.max(a, b); c < p; c++) s += rInv[a * p + c] * rInv[b * p + c];
                    xtxInv[a * p + b] = s;
                }
            }
            cholII = new double[k * k];
            for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) cholII[a * k + b] = xtxInv[(k + a) * p + k + b];
            if (!CholeskyDecomposition.factor(cholII, 0, k)) {
                throw new IllegalArgumentException("interaction block of (X'X)^-1 not positive definite");
            }
            hat = new double[n];
            aI = new double[k * n];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < p; c++) hat[i] += q[i * p + c] * q[i * p + c];
                for (int a = 0; a < k; a++) {
                    double s = 0;
                    for (int c = 0; c < p; c++) s += rInv[(k + a) * p + c] * q[i * p + c];
                    aI[a * n + i] = s;
                }
            }
        }
    }

    /** The genes {@code idx} (rows of y, complete) on the design x: one backend OLS, then the tests' numerators. */
    private static void fitShared(DenseOps backend, Mat x, int k, Mat y, int[] idx, Variance variance, Partial s) {
        OlsFit fit = backend.olsSharedDesign(x, y);
        SharedAlgebra a = new SharedAlgebra(x, k);
        int p = x.cols;
        for (int r = 0; r < idx.length; r++) {
            int g = idx[r];
            s.rss[g] = fit.rss[r];
            s.df[g] = fit.df[r];
            System.arraycopy(fit.beta, r * p + k, s.beta, g * k, k);
            if (!robust(variance)) {
                for (int j = 0; j < k; j++) s.v[g * k + j] = a.xtxInv[(k + j) * p + k + j];
                s.wald[g] = RobustCovariance.lowerSolveNorm2(a.cholII, k, s.beta, g * k);
            }
        }
        if (variance == Variance.HC3) RobustCovariance.hc3(backend, x, y, fit, a.hat, a.aI, k, idx, s.v, s.wald);
        if (variance == Variance.MIXTURE) MixtureVariance.fit(backend, x, y, fit, a.hat, k, idx, s.beta, s.v, s.wald);
    }

    /** Whether the coefficient variances come whole from the variance option (not s^2 times (X'X)^-1). */
    private static boolean robust(Variance variance) {
        return variance == Variance.HC3 || variance == Variance.MIXTURE;
    }

    /** A gene with missing values: the same on its observed samples, NaN when they leave no df or a singular design. */
    private static void fitObserved(DenseOps backend, InteractionDesign d, Mat y, int g, Variance variance, Partial s) {
        int n = d.n(), p = d.p();
        int[] obs = GeneChecks.observed(y.data, g * n, n);
        s.df[g] = obs.length - p;
        if (obs.length - p < 1) return;
        Mat xo = d.x.selectRows(obs);
        if (!fullRank(xo)) return;
        Mat yo = new Mat(1, obs.length);
        for (int i = 0; i < obs.length; i++) yo.data[i] = y.data[g * n + obs[i]];
        fitShared(backend, xo, d.k, yo, new int[] {g}, variance, s);
    }

    /** As R's lm (qr tol 1e-7) on the columns scaled to unit norm. */
    static boolean fullRank(Mat x) {
        Mat xs = x.copy();
        for (int j = 0; j < x.cols; j++) {
            double ss = 0;
            for (int i = 0; i < x.rows; i++) ss += x.get(i, j) * x.get(i, j);
            if (ss == 0) return false;
            for (int i = 0; i < x.rows; i++) xs.data[i * x.cols + j] /= Math.sqrt(ss);
        }
        return new QrDecomposition(xs).minRelativeDiagonal() > 1e-7;
    }

    static boolean hasMissing(Mat y, int g) {
        for (int i = 0; i < y.cols; i++) if (Double.isNaN(y.data[g * y.cols + i])) return true;
        return false;
    }

    /** Residual variance (floored when asked), se, t, p, F and the corrections. */
    static Result finish(InteractionDesign d, Mat y, Partial s, Variance variance) {
        int genes = y.rows, k = d.k;
        String[] note = new String[genes];
        double[] mean = new double[genes], sigma2 = new double[genes];
        IntStream.range(0, genes).parallel().forEach(g -> {
            note[g] = GeneChecks.note(y.data, g * y.cols, y.cols, d.p(), s.beta[g * k], s.rss[g]);
            mean[g] = GeneChecks.mean(y.data, g * y.cols, y.cols);
            sigma2[g] = note[g] == null ? s.rss[g] / s.df[g] : Double.NaN;
        });
        double floor = Double.NaN;
        if (variance == Variance.TOAST_FLOOR) {
            floor = GeneChecks.quantileType7(sigma2, FLOOR_QUANTILE);
            for (int g = 0; g < genes; g++) if (sigma2[g] < floor) sigma2[g] = floor;
        }
        double[] beta = s.beta.clone(), se = new double[genes * k], t = new double[genes * k], p = new double[genes * k];
        double[] f = new double[genes], pf = new double[genes];
        Map<Integer, double[]> logBeta = new HashMap<>(); // per df: log B(df/2, 1/2) for t, log B(df/2, K/2) for F
        for (int g = 0; g < genes; g++) {
            if (note[g] != null) continue;
            logBeta.computeIfAbsent(s.df[g], df -> new double[] {Beta.logBeta(df / 2.0, 0.5), Beta.logBeta(df / 2.0, k / 2.0)});
        }
        IntStream.range(0, genes).parallel().forEach(g -> {
            if (note[g] != null) {
                Arrays.fill(beta, g * k, (g + 1) * k, Double.NaN);
                Arrays.fill(se, g * k, (g + 1) * k, Double.NaN);
                Arrays.fill(t, g * k, (g + 1) * k, Double.NaN);
                Arrays.fill(p, g * k, (g + 1) * k, Double.NaN);
                f[g] = pf[g] = Double.NaN;
                return;
            }
            double df = s.df[g];
            double[] lb = logBeta.get(s.df[g]);
            for (int c = g * k; c < (g + 1) * k; c++) {
                se[c] = Math.sqrt(robust(variance) ? s.v[c] : sigma2[g] * s.v[c]);
                t[c] = s.beta[c] / se[c];
                p[c] = twoSidedP(t[c], df, lb[0]);
            }
            f[g] = robust(variance) ? s.wald[g] / k : s.wald[g] / k / sigma2[g];
            pf[g] = FisherF.upperTail(f[g], k, df, lb[1]);
        });
        return new Result(d.cellTypes, genes, beta, se, t, p, perType(p, genes, k, true), perType(p, genes, k, false), f, pf,
                MultipleTesting.bonferroni(pf), MultipleTesting.benjaminiHochberg(pf), s.df, sigma2, mean, note, variance, floor);
    }

    /** {@link StudentT}'s two-sided p, I_{df/(df+t^2)}(df/2, 1/2), with log B(df/2, 1/2) supplied. */
    private static double twoSidedP(double t, double df, double logBeta) {
        double t2 = t * t;
        if (Double.isNaN(t)) return Double.NaN;
        if (Double.isInfinite(t2)) return 0;
        return Math.exp(RegularizedBeta.logRegularizedBeta(df / (df + t2), t2 / (df + t2), df / 2.0, 0.5, logBeta));
    }

    /** Bonferroni or BH of each cell type's p-values over genes. */
    private static double[] perType(double[] p, int genes, int k, boolean bonferroni) {
        double[] out = new double[p.length], col = new double[genes];
        for (int j = 0; j < k; j++) {
            for (int g = 0; g < genes; g++) col[g] = p[g * k + j];
            double[] adj = bonferroni ? MultipleTesting.bonferroni(col) : MultipleTesting.benjaminiHochberg(col);
            for (int g = 0; g < genes; g++) out[g * k + j] = adj[g];
        }
        return out;
    }
}
