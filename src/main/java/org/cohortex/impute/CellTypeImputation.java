package org.cohortex.impute;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.cohortex.linalg.CholeskyDecomposition;
import org.cohortex.random.Philox;

/**
 * Cell-type expression of each bulk sample, bMIND's model (Wang et al. 2021, Nat Commun 12:5224):
 * per gene, y_i = w_i' a_i + e_i (log2 scale), a_i ~ MVN(mu, Sigma), e_i ~ N(0, s2), with priors
 * mu ~ MVN(mu0, V0) centred on the reference profile, Sigma ~ IW(nu, nu Sigma0) (MCMCglmm's
 * parametrisation, nu = 50 as bMIND), s2 ~ IG(0.001, 0.001). Sigma0 is per gene, the K x K
 * covariance of the cell types across the donors of a single-cell reference ({@link ReferencePrior},
 * MIND's get_prior), else 0.25 I (log2^2). Posterior means of a_i are the imputed expression: each
 * sample's bulk residual spread over the cell types by Sigma0 w_i, which is why a regression of
 * each imputed type on a trait returns about the bulk's t in every type (the cell-type DE design
 * note): the direct tests of {@code celltype} do not go through imputation.
 * <ul>
 * <li>{@link #gibbs}: Gibbs sampling of a, mu, Sigma, s2 (bMIND's 1,300 iterations, 300 burn-in
 *     by default) with Philox draws keyed by (seed, gene, iteration): results do not depend on
 *     the number of threads, and a GPU version can draw the same numbers;</li>
 * <li>{@link #empiricalBayes}: closed form, with mu and s2 estimated (marginal GLS shrunk to mu0,
 *     moment estimate of s2) and Sigma = Sigma0: a_i = mu + Sigma0 w_i (y_i - w_i' mu) / (w_i' Sigma0 w_i + s2).</li>
 * </ul>
 * A gene that cannot be imputed (missing bulk values, no variation, a non-positive-definite draw)
 * gets NaN and a reason.
 */
public final class CellTypeImputation {
    public static final class Settings {
        public int iterations = 1300, burnin = 300;
        public long seed = 1;
        public double nu = 50;
        /** Prior variance of each cell type's random effect (log2^2), Sigma0 = sigma0 I when no covariance is given. */
        public double sigma0 = 0.25;
        /** Prior variance of mu around the reference profile. */
        public double v0 = 1.0;
        /**
         * Per-gene prior covariance of the cell types, Sigma0_g (genes x k x k, row-major per gene), e.g.
         * bMIND's prior from a reference with many donors ({@link ReferencePrior}); null = sigma0 I.
         */
        public double[] priorCovariance;

        /** Sigma0_g[r, c]. */
        double cov(int g, int k, int r, int c) {
            return priorCovariance == null ? (r == c ? sigma0 : 0) : priorCovariance[(g * k + r) * k + c];
        }

        /** Diagonal covariances from per-gene variances (genes x k), as a `--prior-variance` table gives them. */
        public static double[] diagonal(double[] variances, int genes, int k) {
            double[] cov = new double[genes * k * k];
            for (int g = 0; g < genes; g++) for (int c = 0; c < k; c++) cov[(g * k + c) * k + c] = variances[g * k + c];
            return cov;
        }

    }

    /** imputed[g][i * k + c]; reason[g] null when fine. */
    public record Result(double[][] imputed, String[] reason) {}

    private CellTypeImputation() {}

    /** y: genes x n (log2); w: n x k proportions; mu0: genes x k (log2 reference profile). */
    public static Result gibbs(double[] y, int genes, int n, double[] w, int k, double[] mu0, Settings s) {
        double[][] out = new double[genes][];
        String[] reason = new String[genes];
        IntStream.range(0, genes).parallel().forEach(g -> {
            String bad = unusableReason(y, g, n);
            if (bad != null) { reason[g] = bad; out[g] = nans(n * k); return; }
            try {
                out[g] = gibbsGene(Arrays.copyOfRange(y, g * n, g * n + n), n, w, k, Arrays.copyOfRange(mu0, g * k, g * k + k), s, g);
            } catch (ArithmeticException e) {
                reason[g] = e.getMessage();
                out[g] = nans(n * k);
            }
        });
        return new Result(out, reason);
    }

    /** Why gene g (row of y, genes x n) cannot be imputed, or null. */
    public static String unusableReason(double[] y, int g, int n) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = y[g * n + i];
            if (Double.isNaN(v)) return "missing bulk value in sample " + (i + 1);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return min == max ? "constant bulk expression" : null;
    }

    static double[] nans(int len) {
        double[] v = new double[len];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    static double[] gibbsGene(double[] y, int n, double[] w, int k, double[] mu0, Settings s, int gene) {
        Philox rng = new Philox(s.seed, gene);
        double[] a = new double[n * k], sum = new double[n * k];
        double[] mu = mu0.clone(), sigma = new double[k * k];
        for (int r = 0; r < k; r++) for (int c = 0; c < k; c++) sigma[r * k + c] = s.cov(gene, k, r, c);
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            double fit = 0;
            for (int c = 0; c < k; c++) { fit += w[i * k + c] * mu0[c]; a[i * k + c] = mu0[c]; }
            s2 += (y[i] - fit) * (y[i] - fit);
        }
        s2 = Math.max(1e-4, s2 / n);
        double[] sigInv = new double[k * k], p = new double[k * k], b = new double[k], z = new double[k], work = new double[k];
        double[] psi = new double[k * k];
        for (int r = 0; r < k; r++) for (int c = 0; c < k; c++) psi[r * k + c] = s.nu * s.cov(gene, k, r, c);
        int kept = 0;
        for (int t = 0; t < s.iterations; t++) {
            rng.iteration(t);
            invertSpd(sigma, k, sigInv, "Sigma");
            // a_i | mu, Sigma, s2, y_i
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < k; r++) {
                    double wr = w[i * k + r];
                    double sm = 0;
                    for (int c = 0; c < k; c++) {
                        p[r * k + c] = sigInv[r * k + c] + wr * w[i * k + c] / s2;
                        sm += sigInv[r * k + c] * mu[c];
                    }
                    b[r] = sm + wr * y[i] / s2;
                }
                drawGaussian(p, b, k, rng, z, work, a, i * k, "a");
            }
            // mu | a, Sigma
            for (int r = 0; r < k; r++) {
                double sa = 0;
                for (int c = 0; c < k; c++) {
                    double tot = 0;
                    for (int i = 0; i < n; i++) tot += a[i * k + c];
                    sa += sigInv[r * k + c] * tot;
                    p[r * k + c] = n * sigInv[r * k + c] + (r == c ? 1 / s.v0 : 0);
                }
                b[r] = sa + mu0[r] / s.v0;
            }
            drawGaussian(p, b, k, rng, z, work, mu, 0, "mu");
            // Sigma | a, mu ~ IW(nu + n, Psi + sum (a_i - mu)(a_i - mu)')
            double[] scatter = psi.clone();
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < k; r++) {
                    double dr = a[i * k + r] - mu[r];
                    for (int c = 0; c <= r; c++) scatter[r * k + c] += dr * (a[i * k + c] - mu[c]);
                }
            }
            for (int r = 0; r < k; r++) for (int c = 0; c < r; c++) scatter[c * k + r] = scatter[r * k + c];
            drawInverseWishart(scatter, s.nu + n, k, rng, sigma);
            // s2 | rest ~ IG(0.001 + n/2, 0.001 + RSS/2)
            double rss = 0;
            for (int i = 0; i < n; i++) {
                double fit = 0;
                for (int c = 0; c < k; c++) fit += w[i * k + c] * a[i * k + c];
                rss += (y[i] - fit) * (y[i] - fit);
            }
            s2 = (0.001 + rss / 2) / rng.gamma(0.001 + n / 2.0);
            if (t >= s.burnin) {
                for (int j = 0; j < n * k; j++) sum[j] += a[j];
                kept++;
            }
        }
        for (int j = 0; j < n * k; j++) sum[j] /= kept;
        return sum;
    }

    /** x[off..] = P^{-1} b + L^{-T} z with P = L L' (a draw from N(P^{-1} b, P^{-1})). */
    static void drawGaussian(double[] p, double[] b, int k, Philox rng, double[] z, double[] work, double[] x, int off, String what) {
        double[] l = p.clone();
        if (!CholeskyDecomposition.factor(l, 0, k)) throw new ArithmeticException("posterior precision of " + what
                + " not positive definite");
        double[] m = b.clone();
        CholeskyDecomposition.solve(l, 0, k, m, 0);
        for (int c = 0; c < k; c++) z[c] = rng.normal();
        // solve L' v = z
        for (int r = k - 1; r >= 0; r--) {
            double v = z[r];
            for (int c = r + 1; c < k; c++) v -= l[c * k + r] * work[c];
            work[r] = v / l[r * k + r];
        }
        for (int c = 0; c < k; c++) x[off + c] = m[c] + work[c];
    }

    static void invertSpd(double[] s, int k, double[] inv, String what) {
        double[] l = s.clone();
        if (!CholeskyDecomposition.factor(l, 0, k)) throw new ArithmeticException(what + " not positive definite");
        for (int c = 0; c < k; c++) {
            double[] e = new double[k];
            e[c] = 1;
            CholeskyDecomposition.solve(l, 0, k, e, 0);
            for (int r = 0; r < k; r++) inv[r * k + c] = e[r];
        }
    }

    /**
     * Sigma ~ IW(df, S): W ~ Wishart(df, S^{-1}) by Bartlett's decomposition (W = C A A' C',
     * S^{-1} = C C', A lower triangular with chi-square diagonal), Sigma = W^{-1}.
     */
    static void drawInverseWishart(double[] scale, double df, int k, Philox rng, double[] out) {
        double[] sInv = new double[k * k];
        invertSpd(scale, k, sInv, "inverse-Wishart scale");
        double[] c = sInv.clone();
        if (!CholeskyDecomposition.factor(c, 0, k)) throw new ArithmeticException("inverse-Wishart scale not positive definite");
        double[] aMat = new double[k * k];
        for (int r = 0; r < k; r++) {
            aMat[r * k + r] = Math.sqrt(2 * rng.gamma((df - r) / 2));
            for (int q = 0; q < r; q++) aMat[r * k + q] = rng.normal();
        }
        double[] ca = new double[k * k]; // C A (both lower triangular)
        for (int r = 0; r < k; r++) for (int q = 0; q <= r; q++) {
            double v = 0;
            for (int m = q; m <= r; m++) v += c[r * k + m] * aMat[m * k + q];
            ca[r * k + q] = v;
        }
        double[] wMat = new double[k * k];
        for (int r = 0; r < k; r++) for (int q = 0; q < k; q++) {
            double v = 0;
            for (int m = 0; m <= Math.min(r, q); m++) v += ca[r * k + m] * ca[q * k + m];
            wMat[r * k + q] = v;
        }
        invertSpd(wMat, k, out, "Wishart draw");
    }

    /** Closed-form empirical-Bayes posterior means (see class comment). */
    public static Result empiricalBayes(double[] y, int genes, int n, double[] w, int k, double[] mu0, Settings s) {
        return empiricalBayes(y, 0, genes, n, w, k, mu0, s);
    }

    /** Genes {@code from..to} of y (genes x n) only, each as in the whole: result row g - from is gene g. */
    public static Result empiricalBayes(double[] y, int from, int to, int n, double[] w, int k, double[] mu0, Settings s) {
        double[][] out = new double[to - from][];
        String[] reason = new String[to - from];
        IntStream.range(from, to).parallel().forEach(g -> {
            String bad = unusableReason(y, g, n);
            if (bad != null) { reason[g - from] = bad; out[g - from] = nans(n * k); return; }
            double[] m0 = Arrays.copyOfRange(mu0, g * k, g * k + k), mu = m0.clone();
            double[] q = new double[n]; // w' Sigma0 w
            for (int i = 0; i < n; i++) {
                double v = 0;
                for (int r = 0; r < k; r++) for (int c = 0; c < k; c++) v += w[i * k + r] * w[i * k + c] * s.cov(g, k, r, c);
                q[i] = v;
            }
            double s2 = 0.1;
            for (int it = 0; it < 20; it++) {
                double[] p = new double[k * k], b = new double[k];
                for (int c = 0; c < k; c++) { p[c * k + c] = 1 / s.v0; b[c] = m0[c] / s.v0; }
                // one division per sample and the upper triangle only: this loop is the whole cost
                for (int i = 0; i < n; i++) {
                    double id = 1 / (q[i] + s2), yi = y[g * n + i] * id;
                    for (int r = 0; r < k; r++) {
                        double wr = w[i * k + r], wri = wr * id;
                        b[r] += wr * yi;
                        for (int c = r; c < k; c++) p[r * k + c] += wri * w[i * k + c];
                    }
                }
                for (int r = 0; r < k; r++) for (int c = 0; c < r; c++) p[r * k + c] = p[c * k + r];
                if (!CholeskyDecomposition.factor(p, 0, k)) {
                    reason[g - from] = "GLS system not positive definite";
                    out[g - from] = nans(n * k);
                    return;
                }
                CholeskyDecomposition.solve(p, 0, k, b, 0);
                mu = b;
                double r2 = 0, qm = 0;
                for (int i = 0; i < n; i++) {
                    double fit = 0;
                    for (int c = 0; c < k; c++) fit += w[i * k + c] * mu[c];
                    r2 += (y[g * n + i] - fit) * (y[g * n + i] - fit);
                    qm += q[i];
                }
                s2 = Math.max(1e-4, (r2 - qm) / n);
            }
            double[] a = new double[n * k];
            for (int i = 0; i < n; i++) {
                double fit = 0;
                for (int c = 0; c < k; c++) fit += w[i * k + c] * mu[c];
                double f = (y[g * n + i] - fit) / (q[i] + s2);
                for (int c = 0; c < k; c++) {
                    double sw = 0; // (Sigma0 w_i)_c
                    for (int r = 0; r < k; r++) sw += s.cov(g, k, c, r) * w[i * k + r];
                    a[i * k + c] = mu[c] + sw * f;
                }
            }
            out[g - from] = a;
        });
        return new Result(out, reason);
    }
}
