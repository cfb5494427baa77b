package org.cohortex.deconv;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.cohortex.linalg.LeastSquares;

/**
 * Dampened weighted least squares (DWLS; Tsoucas et al. 2019, Nat. Commun. 10:2975, and its R
 * package): min over x >= 0 of sum_g w_g (b_g - S_g x)^2 with w_g = 1 / (S_g x)^2, i.e. every
 * gene's error relative to its expected value, so that a few very highly expressed genes do not
 * decide the fit alone (which is what happens to an ordinary or nu-SVR fit on the linear scale).
 * The weights are scaled by their minimum and capped at 2^(j-1) ("dampened"); j is chosen by
 * cross-validation: for each j, 100 unconstrained weighted fits on random halves of the genes,
 * keeping the j whose solutions vary least (mean over cell types of their variance). Starting from
 * NNLS, the weights are recomputed from the current solution and the solution is moved one fifth of
 * the way to the new fit until it changes by less than 1% (L1, relative to the NNLS total; the R
 * package uses an absolute 0.01, which is the same when signature and bulk are both CPM), at most
 * 1,000 times. The same 100 halves serve every j, as in the package (it reseeds 1..100 per j).
 */
public final class Dwls {
    public static final int SUBSETS = 100, MAX_ITERATIONS = 1000;
    public static final double TOLERANCE = 0.01, STEP = 0.2;

    /** x: raw cell-type weights (not normalised); j: the dampening exponent (cap 2^(j-1)). */
    public record Solution(double[] x, int j, int iterations) {}

    private Dwls() {}

    /** s: m x k signature, row-major, linear scale; b: the mixture (m). rng draws the gene halves. */
    public static Solution solve(double[] s, int m, int k, double[] b, SplittableRandom rng) {
        double[] x = Nnls.solve(s, m, k, b);
        if (!(sum(x) > 0)) return new Solution(x, 0, 0);
        int j = dampening(s, m, k, b, x, rng);
        return solveAt(s, m, k, b, x, j);
    }

    /** The iterations from the NNLS solution x0 (not changed) with the dampening exponent j. */
    static Solution solveAt(double[] s, int m, int k, double[] b, double[] x0, int j) {
        double[] x = x0.clone();
        double total = sum(x0), cap = Math.scalb(1.0, j - 1);
        double[] a = new double[m * k], bw = new double[m], w = new double[m];
        int it = 0;
        while (it < MAX_ITERATIONS) {
            weights(s, m, k, x, cap, w);
            for (int g = 0; g < m; g++) {
                double r = Math.sqrt(w[g]);
                for (int c = 0; c < k; c++) a[g * k + c] = s[g * k + c] * r;
                bw[g] = b[g] * r;
            }
            double[] next = Nnls.solve(a, m, k, bw);
            double change = 0;
            for (int c = 0; c < k; c++) {
                double moved = x[c] + STEP * (next[c] - x[c]);
                change += Math.abs(moved - x[c]);
                x[c] = moved;
            }
            it++;
            if (change <= TOLERANCE * total) break;
        }
        return new Solution(x, j, it);
    }

    /** w_g = 1/(S_g x)^2 scaled by the smallest, capped at cap (genes with S_g x = 0 get the cap). */
    static void weights(double[] s, int m, int k, double[] x, double cap, double[] w) {
        double min = Double.POSITIVE_INFINITY;
        for (int g = 0; g < m; g++) {
            double mu = 0;
            for (int c = 0; c < k; c++) mu += s[g * k + c] * x[c];
            w[g] = 1 / (mu * mu);
            min = Math.min(min, w[g]);
        }
        for (int g = 0; g < m; g++) w[g] = Math.min(cap, w[g] / min);
    }

    /** The dampening exponent j in 1..ceil(log2(largest finite scaled weight)) by cross-validation. */
    static int dampening(double[] s, int m, int k, double[] b, double[] x0, SplittableRandom rng) {
        double[] w = new double[m];
        weights(s, m, k, x0, Double.POSITIVE_INFINITY, w);
        double maxFinite = 1;
        for (double v : w) if (v < Double.POSITIVE_INFINITY) maxFinite = Math.max(maxFinite, v);
        int jMax = Math.max(1, (int) Math.ceil(Math.log(maxFinite) / Math.log(2)));
        double total = sum(x0);
        int half = m / 2;
        int[][] subsets = new int[SUBSETS][];
        int[] idx = new int[m];
        for (int i = 0; i < SUBSETS; i++) {
            for (int g = 0; g < m; g++) idx[g] = g;
            for (int g = 0; g < half; g++) { // partial Fisher-Yates: the first half is a uniform subset
                int r = g + rng.nextInt(m - g), t = idx[g];
                idx[g] = idx[r];
                idx[r] = t;
            }
            subsets[i] = Arrays.copyOf(idx, half);
        }
        double[] a = new double[half * k], bw = new double[half], coef = new double[k];
        double[] sum = new double[k], sum2 = new double[k];
        int best = 1;
        double bestScore = Double.POSITIVE_INFINITY;
        for (int j = 1; j <= jMax; j++) {
            double cap = Math.scalb(1.0, j - 1);
            Arrays.fill(sum, 0);
            Arrays.fill(sum2, 0);
            int fits = 0;
            for (int[] sub : subsets) {
                for (int i = 0; i < half; i++) {
                    int g = sub[i];
                    double r = Math.sqrt(Math.min(cap, w[g]));
                    for (int c = 0; c < k; c++) a[i * k + c] = s[g * k + c] * r;
                    bw[i] = b[g] * r;
                }
                if (!LeastSquares.solveInPlace(a, half, k, bw, coef)) continue; // rank-deficient half: left out, as lm's NA would be
                double cs = 0;
                for (double v : coef) cs += v;
                if (!(Math.abs(cs) > 0) || !Double.isFinite(cs)) continue;
                for (int c = 0; c < k; c++) {
                    double v = coef[c] * total / cs;
                    sum[c] += v;
                    sum2[c] += v * v;
                }
                fits++;
            }
            if (fits < 2) continue;
            double score = 0;
            for (int c = 0; c < k; c++) score += (sum2[c] - sum[c] * sum[c] / fits) / (fits - 1);
            score /= k;
            if (score < bestScore) { bestScore = score; best = j; }
        }
        return best;
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s;
    }
}
