package org.cohortex.counts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cohortex.counts.LimmaVoom.Normalization;
import org.cohortex.counts.LimmaVoom.Settings;
import org.cohortex.counts.LimmaVoom.Weights;
import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.linalg.WeightedLeastSquares;
import org.cohortex.stats.EmpiricalBayes;
import org.cohortex.testutil.Tsv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole workflow on the simulated shapes against edgeR/limma: filterByExpr -> TMM -> voom ->
 * lmFit -> eBayes (trend FALSE and TRUE), and lmFit on the log-CPM without weights -> eBayes (trend
 * TRUE and FALSE). Tolerance 1e-8 relative everywhere (p-values included).
 */
class LimmaVoomTest {
    static ComputeBackend backend;

    @BeforeAll
    static void open() { backend = Backends.create("auto", 2); }

    @AfterAll
    static void close() { backend.close(); }

    static final double TOL = 1e-8;

    private static LimmaVoom.Result run(ShapeFixture f, int coef, Settings s) {
        return LimmaVoom.run(backend, f.counts, f.genes, f.n, f.design, coef, s);
    }

    private static void scalar(String what, double got, double want) {
        Tsv.assertClose(what, new double[] {got}, new double[] {want}, TOL, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"s1", "s2", "s3"})
    void voomThenEbayesAsLimma(String shape) {
        ShapeFixture f = ShapeFixture.load(shape);
        int p = f.design.cols;
        for (int coef : new int[] {1, p - 1}) {
            LimmaVoom.Result r = run(f, coef, Settings.STANDARD);
            assertArrayEquals(f.kept(), r.kept(), shape + " kept");
            assertArrayEquals(f.samples.numbers("lib_size"), r.libSize(), 0);
            Tsv.assertClose(shape + " TMM", r.normFactors(), f.samples.numbers("norm_factor"), TOL, 0);
            String c = "_" + (coef + 1);
            Tsv.assertClose(shape + " voom beta" + c, r.beta(), f.keptColumn("beta" + c), TOL, 0);
            Tsv.assertClose(shape + " voom+eBayes t" + c, r.t(), f.keptColumn("tF" + c), TOL, 0);
            Tsv.assertClose(shape + " voom+eBayes p" + c, r.p(), f.keptColumn("pF" + c), TOL, 0);
            Tsv.assertClose(shape + " voom+eBayes df.total", r.dfTotal(), f.keptColumn("dftotF"), TOL, 0);
            scalar(shape + " voom+eBayes df.prior", r.dfPrior(), f.scalars.get("df_prior_F"));
            scalar(shape + " voom+eBayes s2.prior", r.s2Prior()[0], f.scalars.get("s2_prior_F"));
            Tsv.assertClose(shape + " voom amean", r.amean(), f.keptColumn("amean"), TOL, 0);

            LimmaVoom.Result tr = run(f, coef, new Settings(true, Normalization.TMM, Weights.VOOM, true, true));
            Tsv.assertClose(shape + " voom+eBayes(trend) t" + c, tr.t(), f.keptColumn("tT" + c), TOL, 0);
            Tsv.assertClose(shape + " voom+eBayes(trend) p" + c, tr.p(), f.keptColumn("pT" + c), TOL, 0);
            Tsv.assertClose(shape + " voom+eBayes(trend) df.total", tr.dfTotal(), f.keptColumn("dftotT"), TOL, 0);
            Tsv.assertClose(shape + " voom+eBayes(trend) s2.prior", tr.s2Prior(), f.keptColumn("s2priorT"), TOL, 0);
            scalar(shape + " voom+eBayes(trend) df.prior", tr.dfPrior(), f.scalars.get("df_prior_T"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s1", "s2", "s3"})
    void logCpmWithoutWeightsThenEbayesAsLimma(String shape) {
        ShapeFixture f = ShapeFixture.load(shape);
        LimmaVoom.Result t = run(f, 1, new Settings(true, Normalization.TMM, Weights.NONE, true, true));
        Tsv.assertClose(shape + " limma-trend t_2", t.t(), f.keptColumn("tPT_2"), TOL, 0);
        Tsv.assertClose(shape + " limma-trend p_2", t.p(), f.keptColumn("pPT_2"), TOL, 0);
        Tsv.assertClose(shape + " limma-trend df.total", t.dfTotal(), f.keptColumn("dftotPT"), TOL, 0);
        Tsv.assertClose(shape + " limma-trend s2.prior", t.s2Prior(), f.keptColumn("s2priorPT"), TOL, 0);
        scalar(shape + " limma-trend df.prior", t.dfPrior(), f.scalars.get("df_prior_PT"));
        LimmaVoom.Result flat = run(f, 1, new Settings(true, Normalization.TMM, Weights.NONE, true, false));
        Tsv.assertClose(shape + " limma (no trend) t_2", flat.t(), f.keptColumn("tPF_2"), TOL, 0);
        Tsv.assertClose(shape + " limma (no trend) p_2", flat.p(), f.keptColumn("pPF_2"), TOL, 0);
        scalar(shape + " limma (no trend) df.prior", flat.dfPrior(), f.scalars.get("df_prior_PF"));
    }

    /** lmFit(v, design) in full: every coefficient and stdev.unscaled, sigma, from our voom output. */
    @ParameterizedTest
    @ValueSource(strings = {"s1", "s2", "s3"})
    void weightedFitOfVoomOutputAsLmFit(String shape) {
        ShapeFixture f = ShapeFixture.load(shape);
        int m = f.keptCount(), p = f.design.cols;
        double[] eff = LogCpm.effective(f.samples.numbers("lib_size"), f.samples.numbers("norm_factor"));
        Voom.Result v = Voom.compute(backend, f.keptCounts(), m, f.n, f.design, eff);
        WeightedLeastSquares.Fit fit = WeightedLeastSquares.fit(backend, f.design, v.logCpm(), v.weights(), null);
        for (int j = 0; j < p; j++) {
            if (!f.perGene.has("beta_" + (j + 1))) continue;
            String c = " " + (j + 1);
            Tsv.assertClose(shape + " lmFit coefficient" + c, fit.column(fit.coefficients, j), f.keptColumn("beta_" + (j + 1)), TOL, 0);
            Tsv.assertClose(shape + " lmFit stdev.unscaled" + c, fit.column(fit.stdevUnscaled, j), f.keptColumn("su_" + (j + 1)), TOL, 0);
        }
        Tsv.assertClose(shape + " lmFit sigma", fit.sigma, f.keptColumn("sigma"), TOL, 0);
        Tsv.assertClose(shape + " lmFit df.residual", fit.dfResidual, f.keptColumn("df_residual"), 0, 0);
        EmpiricalBayes.Moderation mod = EmpiricalBayes.moderate(fit.sigma, fit.dfResidual, null);
        Tsv.assertClose(shape + " eBayes t_" + p, mod.t(fit.column(fit.coefficients, p - 1), fit.column(fit.stdevUnscaled, p - 1)),
                f.keptColumn("tF_" + p), TOL, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"s1"})
    void unmoderatedIsTheOrdinaryWeightedT(String shape) {
        ShapeFixture f = ShapeFixture.load(shape);
        LimmaVoom.Result r = run(f, 1, new Settings(true, Normalization.TMM, Weights.VOOM, false, false));
        double[] beta = f.keptColumn("beta_2"), su = f.keptColumn("su_2"), sigma = f.keptColumn("sigma");
        double[] t = new double[beta.length];
        for (int g = 0; g < t.length; g++) t[g] = beta[g] / (su[g] * sigma[g]);
        Tsv.assertClose(shape + " ordinary weighted t", r.t(), t, TOL, 0);
        assertTrue(Double.isNaN(r.dfPrior()));
        assertNull(r.s2Prior());
        for (double d : r.dfTotal()) assertEquals(f.n - f.design.cols, d, 0);
    }
}
