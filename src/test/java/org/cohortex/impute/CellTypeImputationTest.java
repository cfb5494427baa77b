package org.cohortex.impute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;

import org.cohortex.deconv.NuSvrAccess;
import org.junit.jupiter.api.Test;

class CellTypeImputationTest {
    /** Data drawn from the model itself: y_i = w_i' a_i + e, a_i ~ MVN(mu, Sigma). */
    static final class Synthetic {
        final int genes = 6, n = 250, k = 3;
        final double[] y = new double[genes * n], w = new double[n * k], mu0 = new double[genes * k], truth = new double[genes * n * k];

        Synthetic() {
            Random r = new Random(8);
            for (int i = 0; i < n; i++) {
                double[] p = {0.6 + 0.2 * r.nextDouble(), 0.1 + 0.2 * r.nextDouble(), 0.05 + 0.1 * r.nextDouble()};
                double s = p[0] + p[1] + p[2];
                for (int c = 0; c < k; c++) w[i * k + c] = p[c] / s;
            }
            for (int g = 0; g < genes; g++) {
                double[] mu = {6 + g * 0.3, 4 - g * 0.2, 8};
                for (int c = 0; c < k; c++) mu0[g * k + c] = mu[c] + 0.3 * r.nextGaussian(); // reference profile, slightly off
                for (int i = 0; i < n; i++) {
                    double v = 0;
                    for (int c = 0; c < k; c++) {
                        double a = mu[c] + 0.5 * r.nextGaussian();
                        truth[(g * n + i) * k + c] = a;
                        v += w[i * k + c] * a;
                    }
                    y[g * n + i] = v + 0.05 * r.nextGaussian();
                }
            }
        }

        double correlation(double[][] imputed, int g, int c) {
            double[] a = new double[n], b = new double[n];
            for (int i = 0; i < n; i++) { a[i] = imputed[g][i * k + c]; b[i] = truth[(g * n + i) * k + c]; }
            return NuSvrAccess.pearson(a, b);
        }
    }

    @Test
    void gibbsAndEmpiricalBayesRecoverTheMajorCellTypeAndAreDeterministic() throws Exception {
        Synthetic d = new Synthetic();
        CellTypeImputation.Settings s = new CellTypeImputation.Settings();
        s.iterations = 400;
        s.burnin = 100;
        s.sigma0 = 0.25;
        CellTypeImputation.Result gibbs = CellTypeImputation.gibbs(d.y, d.genes, d.n, d.w, d.k, d.mu0, s);
        CellTypeImputation.Result eb = CellTypeImputation.empiricalBayes(d.y, d.genes, d.n, d.w, d.k, d.mu0, s);
        for (int g = 0; g < d.genes; g++) {
            // the dominant cell type (~70% of each sample) is well determined by the bulk
            assertTrue(d.correlation(gibbs.imputed(), g, 0) > 0.8, "gibbs gene " + g + ": " + d.correlation(gibbs.imputed(), g, 0));
            assertTrue(d.correlation(eb.imputed(), g, 0) > 0.8, "eb gene " + g + ": " + d.correlation(eb.imputed(), g, 0));
            double mean = 0;
            for (int i = 0; i < d.n; i++) mean += gibbs.imputed()[g][i * d.k + 2] / d.n;
            // the minor type's share varies only 0.05-0.15, so its level is weakly identified (posterior
            // sd ~0.6 log2 units here): within ~3 sd of the truth, and finite
            assertEquals(8, mean, 2.0, "minor cell type's level");
        }
        // same seed, one thread or several: identical draws (Philox keyed by gene and iteration)
        CellTypeImputation.Result single = new ForkJoinPool(1).submit(() -> CellTypeImputation.gibbs(d.y, d.genes, d.n, d.w, d.k, d.mu0,
                s)).get();
        for (int g = 0; g < d.genes; g++) assertArrayEquals(gibbs.imputed()[g], single.imputed()[g], 0.0, "thread-count independent");
        s.seed = 2;
        CellTypeImputation.Result other = CellTypeImputation.gibbs(d.y, d.genes, d.n, d.w, d.k, d.mu0, s);
        assertTrue(other.imputed()[0][0] != gibbs.imputed()[0][0], "another seed, other draws");
    }

    @Test
    void perGenePriorVariancesDecideWhichCellTypeCarriesTheResidual() {
        Synthetic d = new Synthetic();
        CellTypeImputation.Settings s = new CellTypeImputation.Settings();
        double[] variances = new double[d.genes * d.k];
        for (int g = 0; g < d.genes; g++) {
            variances[g * d.k] = 1e-6;
            variances[g * d.k + 1] = 1.0; // only type 1 may vary
            variances[g * d.k + 2] = 1e-6;
        }
        s.priorCovariance = CellTypeImputation.Settings.diagonal(variances, d.genes, d.k);
        CellTypeImputation.Result r = CellTypeImputation.empiricalBayes(d.y, d.genes, d.n, d.w, d.k, d.mu0, s);
        double sd0 = 0, sd1 = 0, m0 = 0, m1 = 0;
        for (int i = 0; i < d.n; i++) { m0 += r.imputed()[0][i * d.k] / d.n; m1 += r.imputed()[0][i * d.k + 1] / d.n; }
        for (int i = 0; i < d.n; i++) {
            sd0 += Math.pow(r.imputed()[0][i * d.k] - m0, 2);
            sd1 += Math.pow(r.imputed()[0][i * d.k + 1] - m1, 2);
        }
        assertTrue(sd1 > 1e4 * sd0, "the residual goes to the cell type allowed to vary: " + sd1 + " vs " + sd0);
    }

    @Test
    void genesThatCannotBeImputedAreReportedNotDropped() {
        Synthetic d = new Synthetic();
        d.y[3] = Double.NaN; // gene 0
        for (int i = 0; i < d.n; i++) d.y[d.n + i] = 5; // gene 1 constant
        CellTypeImputation.Settings s = new CellTypeImputation.Settings();
        s.iterations = 20;
        s.burnin = 5;
        CellTypeImputation.Result r = CellTypeImputation.gibbs(d.y, d.genes, d.n, d.w, d.k, d.mu0, s);
        assertTrue(r.reason()[0].startsWith("missing bulk value"), r.reason()[0]);
        assertEquals("constant bulk expression", r.reason()[1]);
        assertTrue(Double.isNaN(r.imputed()[0][0]) && r.reason()[2] == null && !Double.isNaN(r.imputed()[2][0]));
    }
}
