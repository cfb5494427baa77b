package org.cohortex.deconv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import libsvm.svm;
import libsvm.svm_model;
import org.junit.jupiter.api.Test;

/** NuSvrSolver against LIBSVM's own svm_train (3.35), alpha for alpha, bit for bit. */
class NuSvrSolverTest {
    static {
        svm.svm_set_print_string_function(s -> { });
    }

    @Test
    void alphasAreSvmTrainsBitForBit() {
        Random rnd = new Random(20261206);
        int cases = 0, withTies = 0;
        int[][] shapes = {{3, 1}, {9, 2}, {40, 3}, {40, 6}, {150, 6}, {300, 7}};
        double[] nus = {0.1, 0.25, 0.5, 0.75, 0.9};
        for (int[] shape : shapes) {
            for (int rep = 0; rep < 4; rep++) {
                int l = shape[0], k = shape[1];
                // rep 2: duplicated genes (equal kernel rows, quad ~0 in float); rep 3: those, and y on a few levels, so that
                // duplicated genes often have equal y too, hence equal gradients, and every selection has ties to break
                double[] x = signature(rnd, l, k, rep >= 2);
                double[] y = mixture(rnd, x, l, k, rep == 3);
                if (rep >= 2) withTies++;
                double nu = nus[rnd.nextInt(nus.length)];
                double c = rep == 1 ? 0.3 + 4 * rnd.nextDouble() : 1;
                double eps = rep == 0 ? 1e-3 : 1e-5;
                double[] want = svmTrain(x, l, k, y, nu, c, eps);
                double[] got = NuSvrSolver.solve(NuSvr.linearKernel(x, l, k), NuSvr.diagonal(x, l, k), l, y, nu, c, eps,
                        new ArrayDeque<>());
                assertArrayEquals(want, got, 0.0, "l=" + l + " k=" + k + " nu=" + nu + " C=" + c + " eps=" + eps + " rep " + rep);
                assertTrue(Arrays.stream(got).anyMatch(a -> a != 0), "a fit with no support vectors tests nothing");
                cases++;
            }
        }
        assertEquals(24, cases);
        assertEquals(12, withTies);
    }

    @Test
    void concurrentFitsSharingOneSignatureGiveSvmTrainsFits() {
        Random rnd = new Random(7);
        int l = 200, k = 6, mixtures = 24;
        double[] x = signature(rnd, l, k, false);
        NuSvr.Problem prob = new NuSvr.Problem(x, l, k);
        double[][] y = new double[mixtures][];
        for (int j = 0; j < mixtures; j++) y[j] = mixture(rnd, x, l, k, false);
        NuSvr.Fit[] got = new NuSvr.Fit[mixtures];
        // twice, so the second round runs on rows that the first round's solves left in the signature's pool
        for (int round = 0; round < 2; round++) IntStream.range(0, mixtures).parallel().forEach(j -> got[j] = NuSvr.fit(prob, y[j]));
        assertTrue(prob.spareRows.size() > 0);
        for (int j = 0; j < mixtures; j++) {
            NuSvr.Fit want = NuSvr.fitWithSvmTrain(x, l, k, y[j]);
            assertEquals(want.nu(), got[j].nu());
            assertArrayEquals(want.w(), got[j].w(), 0.0);
            assertEquals(want.rmse(), got[j].rmse(), 0.0);
        }
    }

    /** Standardised log-normal signature, genes x k; with duplicates, every fifth gene repeats the one before it. */
    private static double[] signature(Random rnd, int l, int k, boolean duplicates) {
        double[] x = new double[l * k];
        for (int g = 0; g < l; g++) {
            for (int c = 0; c < k; c++) {
                x[g * k + c] = duplicates && g % 5 == 4 ? x[(g - 1) * k + c] : Math.exp(2 * rnd.nextGaussian());
            }
        }
        return Deconvolution.standardise(x);
    }

    /** A standardised noisy mixture of the signature's columns; coarse: rounded to integers (a few values, many genes each). */
    private static double[] mixture(Random rnd, double[] x, int l, int k, boolean coarse) {
        double[] w = new double[k];
        for (int c = 0; c < k; c++) w[c] = rnd.nextDouble();
        double[] y = new double[l];
        for (int g = 0; g < l; g++) {
            for (int c = 0; c < k; c++) y[g] += x[g * k + c] * w[c];
            y[g] += 0.3 * rnd.nextGaussian();
            if (coarse) y[g] = Math.round(y[g]);
        }
        return Deconvolution.standardise(y);
    }

    /** alpha_i - alpha*_i of every point from svm_train's model (0 where a point is no support vector). */
    private static double[] svmTrain(double[] x, int l, int k, double[] y, double nu, double c, double eps) {
        svm_model m = NuSvr.svmTrain(NuSvr.svmProblem(x, l, k, y), k, nu, c, eps);
        double[] a = new double[l];
        for (int s = 0; s < m.l; s++) a[m.sv_indices[s] - 1] = m.sv_coef[0][s];
        return a;
    }
}
