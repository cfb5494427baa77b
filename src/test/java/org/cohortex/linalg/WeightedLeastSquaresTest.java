package org.cohortex.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import org.cohortex.backend.ComputeBackend;
import org.cohortex.backend.CpuBackend;
import org.cohortex.testutil.ExactLeastSquares;
import org.cohortex.backend.ReferenceBackend;
import org.cohortex.testutil.Fixtures;
import org.cohortex.testutil.Tsv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batched per-gene weighted least squares: limma's lmFit on limma's own voom output (fixture s1),
 * exact 60-digit arithmetic on a badly scaled design, the reference backend, and the limits.
 */
class WeightedLeastSquaresTest {
    static ComputeBackend cpu;
    static final ComputeBackend REF = new ReferenceBackend();

    @BeforeAll
    static void open() {
        assumeTrue(CpuBackend.isAvailable(), "OpenBLAS not loadable here");
        cpu = new CpuBackend(2);
    }

    @AfterAll
    static void close() {
        if (cpu != null) cpu.close();
    }

    /** lmFit(v, design) with v$E and v$weights as limma wrote them (17 digits: exact). */
    @Test
    void matchesLmFitOnLimmasVoomOutput() {
        Tsv e = Tsv.read("limma/s1_logcpm.tsv.gz"), w = Tsv.read("limma/s1_weights.tsv.gz"), d = Tsv.read("limma/s1_design.tsv");
        Tsv genes = Tsv.read("limma/s1_genes.tsv.gz");
        int n = e.header.length - 1, m = e.rows.size();
        Mat x = new Mat(n, d.header.length - 1, d.matrix(1));
        WeightedLeastSquares.Fit fit = WeightedLeastSquares.fit(cpu, x, new Mat(m, n, e.matrix(1)), new Mat(m, n, w.matrix(1)), null);
        String[] kept = genes.strings("kept");
        for (int j = 0; j < x.cols; j++) {
            String c = "_" + (j + 1);
            Tsv.assertClose("WLS coefficient" + c, fit.column(fit.coefficients, j), keptOnly(genes.numbers("beta" + c), kept), 1e-8, 0);
            Tsv.assertClose("WLS stdev.unscaled" + c, fit.column(fit.stdevUnscaled, j), keptOnly(genes.numbers("su" + c), kept), 1e-8, 0);
        }
        Tsv.assertClose("WLS sigma", fit.sigma, keptOnly(genes.numbers("sigma"), kept), 1e-8, 0);
    }

    private static double[] keptOnly(double[] v, String[] kept) {
        return IntStream.range(0, v.length).filter(i -> kept[i].equals("TRUE")).mapToDouble(i -> v[i]).toArray();
    }

    /**
     * Columns in units 1e6 and 1e-4 beside dummies, weights over three orders of magnitude: against
     * exact arithmetic (weights are squares of integers, so sqrt(W) X is exact in double).
     */
    @Test
    void accurateOnABadlyScaledDesignAgainstExactArithmetic() {
        Random r = new Random(17);
        int n = 40, p = 5, genes = 6;
        Mat x = new Mat(n, p);
        for (int i = 0; i < n; i++) {
            x.data[i * p] = 1;
            x.data[i * p + 1] = i % 2;
            x.data[i * p + 2] = i % 3 == 0 ? 1 : 0;
            x.data[i * p + 3] = (30 + 40 * r.nextDouble()) * 1e6;
            x.data[i * p + 4] = r.nextGaussian() * 1e-4;
        }
        Mat y = new Mat(genes, n), w = new Mat(genes, n);
        for (int g = 0; g < genes; g++) {
            for (int i = 0; i < n; i++) {
                y.data[g * n + i] = 5 + g + 0.3 * (i % 2) + 2e-8 * x.data[i * p + 3] + r.nextGaussian();
                double k = 1 + r.nextInt(40);
                w.data[g * n + i] = k * k;
            }
        }
        WeightedLeastSquares.Fit fit = WeightedLeastSquares.fit(cpu, x, y, w, null);
        for (int g = 0; g < genes; g++) {
            Mat xs = new Mat(n, p);
            double[] ys = new double[n];
            for (int i = 0; i < n; i++) {
                double s = Math.sqrt(w.data[g * n + i]);
                for (int j = 0; j < p; j++) xs.data[i * p + j] = x.data[i * p + j] * s;
                ys[i] = y.data[g * n + i] * s;
            }
            double[] exact = ExactLeastSquares.solve(xs, ys);
            for (int j = 0; j < p; j++) {
                double got = fit.coefficients[g * p + j];
                assertTrue(Fixtures.close(got, exact[j], 1e-10, 0), "gene " + g + " beta " + j + ": " + got + " vs exact " + exact[j]);
            }
        }
    }

    @Test
    void referenceAndCpuBackendsAgreeAndUnitWeightsAreOrdinaryLeastSquares() {
        Random r = new Random(3);
        int n = 30, p = 4, genes = 25;
        Mat x = new Mat(n, p), y = new Mat(genes, n), w = new Mat(genes, n), ones = new Mat(genes, n);
        for (int i = 0; i < n; i++) {
            x.data[i * p] = 1;
            for (int j = 1; j < p; j++) x.data[i * p + j] = r.nextGaussian();
        }
        for (int i = 0; i < genes * n; i++) {
            y.data[i] = r.nextGaussian() + 3;
            w.data[i] = 0.2 + r.nextDouble();
        }
        Arrays.fill(ones.data, 1);
        WeightedLeastSquares.Fit a = WeightedLeastSquares.fit(cpu, x, y, w, new int[] {2});
        WeightedLeastSquares.Fit b = WeightedLeastSquares.fit(REF, x, y, w, new int[] {2});
        Tsv.assertClose("WLS cpu vs reference beta", a.coefficients, b.coefficients, 1e-12, 1e-12);
        Tsv.assertClose("WLS cpu vs reference sigma", a.sigma, b.sigma, 1e-12, 0);
        Tsv.assertClose("WLS cpu vs reference stdev.unscaled", a.column(a.stdevUnscaled, 2), b.column(b.stdevUnscaled, 2), 1e-12, 0);
        assertTrue(Double.isNaN(a.stdevUnscaled[0]), "stdev.unscaled not asked for is NaN");
        WeightedLeastSquares.Fit unit = WeightedLeastSquares.fit(cpu, x, y, ones, null);
        WeightedLeastSquares.Fit ols = WeightedLeastSquares.fit(cpu, x, y, null, null);
        Tsv.assertClose("WLS unit weights vs OLS beta", unit.coefficients, ols.coefficients, 1e-12, 1e-12);
        Tsv.assertClose("WLS unit weights vs OLS stdev.unscaled", unit.stdevUnscaled, ols.stdevUnscaled, 1e-12, 0);
        Tsv.assertClose("WLS unit weights vs OLS sigma", unit.sigma, ols.sigma, 1e-12, 0);
        assertEquals(n - p, a.dfResidual[0], 0);
    }

    @Test
    void refusesMissingValuesAndNonPositiveWeights() {
        Mat x = new Mat(4, 2, new double[] {1, 0, 1, 1, 1, 2, 1, 3});
        Mat y = new Mat(1, 4, new double[] {1, 2, Double.NaN, 4});
        assertThrows(IllegalArgumentException.class, () -> WeightedLeastSquares.fit(cpu, x, y, null, null));
        Mat y2 = new Mat(1, 4, new double[] {1, 2, 3, 4}), w = new Mat(1, 4, new double[] {1, 0, 1, 1});
        assertThrows(IllegalArgumentException.class, () -> WeightedLeastSquares.fit(cpu, x, y2, w, null));
    }
}
