package org.cohortex.celltype;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.cohortex.linalg.CholeskyDecomposition;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.linalg.QrDecomposition;

/**
 * The cell-type interaction model on log2-CPM, with the trait's effect in each cell type weighted by
 * that type's share of the gene's transcripts in the sample. A bulk sample is the mixture
 * y_gi = sum_k w_ik mu_gk 2^(b_gk t_i) times sample-level factors that act on the log scale (RIN,
 * pH, agonal state, dissection); to first order in b,
 * <pre>
 *   log2 y_gi = log2 sum_k w_ik mu_gk + sum_k f_gik b_gk t_i,   f_gik = w_ik mu_gk / sum_j w_ij mu_gj,
 * </pre>
 * so log2 y_gi - log2 sum_k w_ik mu_gk (the composition, an offset) is regressed by OLS on
 * X_g = [W, C, t o F_g] (n x (2K + q), no intercept: W's rows sum to one; W absorbs the error of the
 * offset), where W o t of the linear model ({@link InteractionDesign}) becomes t o F_g. b_gk is the
 * log2 fold change of gene g in type k; its t is on n - 2K - q df, and the joint K-df F tests all b_gk.
 * Without the offset the log of the mixture is left to W, which is linear: a sample with an extreme
 * share of a small type (nu-SVR gave one 30% microglia where the mean is 7%) then misfits every gene
 * of that type alike, and a continuous trait turns that one sample's residual into calls (simulated
 * grid, PRS in BLA and MeA microglia: 8 unplanted DEGs without the offset, 1 with it).
 * <p>
 * Why not the linear (CPM) model: there the sample-level factors multiply the whole mixture, which
 * additive covariates cannot absorb, and a CPM's skewed errors meet few cases in a type's
 * interaction; on the simulated paper grid (nu-SVR proportions, within-set Bonferroni) it called 43
 * unplanted genes, 20 of them for a trait with 25 cases, and for that trait its p below 1e-4 were 3.5
 * times as many as a null gives; this model 0 and 1.3 times, with as many planted genes found. Why not
 * W o t on log2-CPM: there a type's effect is weighted by its share of cells, not of the gene's
 * transcripts, which for a microglial gene (5% of cells, most of its transcripts) loses the signal.
 * <p>
 * mu_gk: the W coefficients of the OLS of CPM on [W, C - mean(C)] (the gene's CPM in type k at the
 * covariates' means), floored at {@value #MEAN_FLOOR} of the gene's mean CPM, so every type keeps a
 * positive share (a type whose mean is at the floor carries little of the gene and its test has little
 * power, not a wrong sign). Computed by Frisch-Waugh-Lovell in gene blocks: Q = orthonormal basis of
 * [W, C] (shared); y~ = y - Q Q'y and T~ = (t o F_g) - Q Q'(t o F_g) by two GEMMs per block
 * (4 n (K + q) (1 + K) flops per gene), then per gene the K x K system T~'T~ b = T~'y~ (n K^2 flops).
 * A gene with missing values is fitted alone on its observed samples.
 */
final class LogShareInteraction {
    /** The floor of a type's mean, as a fraction of the gene's mean CPM. */
    static final double MEAN_FLOOR = 0.01;
    private static final double LN2 = Math.log(2);
    /** Genes per block of the batched residualisation. */
    private static final int BLOCK = 1024;

    private LogShareInteraction() {}

    /**
     * @param logY genes x n, log2-CPM (the model's response)
     * @param cpm  genes x n, CPM of the same samples (for the type means)
     */
    static void fit(DenseOps backend, InteractionDesign d, Mat logY, Mat cpm, InteractionModel.Partial s) {
        int genes = logY.rows, n = d.n(), k = d.k;
        if (cpm.rows != genes || cpm.cols != n || logY.cols != n) throw new IllegalArgumentException("shapes of log2-CPM, CPM and design");
        double[] mu = typeMeans(backend, d, cpm);
        Mat m0 = CellTypeDe.m0(d);
        Mat q = new QrDecomposition(m0).q();
        int[] full = IntStream.range(0, genes).filter(g -> complete(logY, cpm, g)).toArray();
        for (int from = 0; from < full.length; from += BLOCK) {
            int[] idx = Arrays.copyOfRange(full, from, Math.min(full.length, from + BLOCK));
            Mat y = logY.selectRows(idx);
            Mat tf = new Mat(idx.length * k, n);
            IntStream.range(0, idx.length).parallel().forEach(r -> { // each gene's own rows: the same values on any thread
                double[] offset = new double[n];
                shares(d, mu, idx[r], tf.data, r * k * n, offset);
                for (int i = 0; i < n; i++) y.data[r * n + i] -= offset[i];
            });
            Mat yr = residualise(backend, y, q), tr = residualise(backend, tf, q);
            IntStream.range(0, idx.length).parallel().forEach(r -> solve(yr.data, r * n, tr.data, r * k * n, n, k, m0.cols, idx[r], s));
        }
        for (int g = 0; g < genes; g++) {
            if (complete(logY, cpm, g)) continue;
            int[] obs = observedInBoth(logY, cpm, g);
            s.df[g] = obs.length - d.p();
            if (s.df[g] < 1) continue;
            Mat m0o = m0.selectRows(obs);
            if (!InteractionModel.fullRank(m0o)) continue;
            Mat qo = new QrDecomposition(m0o).q();
            Mat y = new Mat(1, obs.length), tf = new Mat(k, obs.length);
            double[] all = new double[k * n], offset = new double[n];
            shares(d, mu, g, all, 0, offset);
            for (int i = 0; i < obs.length; i++) y.data[i] = logY.data[g * n + obs[i]] - offset[obs[i]];
            for (int j = 0; j < k; j++) for (int i = 0; i < obs.length; i++) tf.data[j * obs.length + i] = all[j * n + obs[i]];
            Mat yr = residualise(backend, y, qo), tr = residualise(backend, tf, qo);
            solve(yr.data, 0, tr.data, 0, obs.length, k, m0.cols, g, s);
        }
    }

    /**
     * genes x K type means mu_gk: the W coefficients of CPM on [W, C - mean(C)], floored at
     * {@link #MEAN_FLOOR} times the gene's mean CPM (NaN for a gene without positive mean).
     */
    static double[] typeMeans(DenseOps backend, InteractionDesign d, Mat cpm) {
        int n = d.n(), k = d.k, m = k + d.q;
        Mat x = CellTypeDe.m0(d);
        for (int j = k; j < m; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += x.data[i * m + j];
            mean /= n;
            for (int i = 0; i < n; i++) x.data[i * m + j] -= mean;
        }
        OlsFit fit = backend.olsSharedDesign(x, cpm);
        double[] mu = new double[cpm.rows * k];
        for (int g = 0; g < cpm.rows; g++) {
            double floor = MEAN_FLOOR * GeneChecks.mean(cpm.data, g * n, n);
            for (int j = 0; j < k; j++) {
                double b = fit.beta[g * m + j];
                mu[g * k + j] = floor > 0 ? Math.max(Double.isNaN(b) ? floor : b, floor) : Double.NaN;
            }
        }
        return mu;
    }

    /**
     * Gene g's K rows t_i f_gik (K x n, row-major from {@code off}) and its offsets log2 sum_k w_ik mu_gk (length
     * n). A gene without type means gets the cell shares W and offset 0.
     */
    static void shares(InteractionDesign d, double[] mu, int g, double[] out, int off, double[] offset) {
        int n = d.n(), k = d.k, p = d.p();
        boolean none = Double.isNaN(mu[g * k]);
        for (int i = 0; i < n; i++) {
            double total = 0;
            for (int j = 0; j < k; j++) total += d.x.data[i * p + j] * (none ? 1 : mu[g * k + j]);
            offset[i] = none ? 0 : Math.log(total) / LN2;
            for (int j = 0; j < k; j++) {
                double f = d.x.data[i * p + j] * (none ? 1 : mu[g * k + j]) / total;
                out[off + j * n + i] = d.t[i] * f;
            }
        }
    }

    /** Rows of A minus their projection on the columns of Q (n x m, orthonormal): A - (A Q) Q'. */
    private static Mat residualise(DenseOps backend, Mat a, Mat q) {
        Mat r = backend.gemm(backend.gemm(a, false, q, false), false, q, true); // the fit, then a - fit in place
        for (int i = 0; i < r.data.length; i++) r.data[i] = a.data[i] - r.data[i]; // one vectorised pass: faster than two threads
        return r;
    }

    /** Per gene: T~'T~ b = T~'y~ by Cholesky; RSS, df, diag((T~'T~)^-1) and the Wald numerator b'T~'T~ b. */
    private static void solve(double[] yr, int yo, double[] tr, int to, int n, int k, int m, int g, InteractionModel.Partial s) {
        double[] a = new double[k * k], c = new double[k];
        for (int u = 0; u < k; u++) {
            for (int v = 0; v <= u; v++) {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += tr[to + u * n + i] * tr[to + v * n + i];
                a[u * k + v] = sum;
                a[v * k + u] = sum;
            }
            double sum = 0;
            for (int i = 0; i < n; i++) sum += tr[to + u * n + i] * yr[yo + i];
            c[u] = sum;
        }
        double[] gram = a.clone();
        s.df[g] = n - m - k;
        if (!CholeskyDecomposition.factor(a, 0, k)) return; // the shares' columns are collinear: NaN, noted as rank deficient
        double[] b = c.clone();
        CholeskyDecomposition.solve(a, 0, k, b, 0);
        double rss = 0;
        for (int i = 0; i < n; i++) {
            double e = yr[yo + i];
            for (int u = 0; u < k; u++) e -= b[u] * tr[to + u * n + i];
            rss += e * e;
        }
        double wald = 0;
        for (int u = 0; u < k; u++) for (int v = 0; v < k; v++) wald += b[u] * gram[u * k + v] * b[v];
        CholeskyDecomposition.inverseDiagonal(a, 0, k, s.v, g * k, new double[k]);
        System.arraycopy(b, 0, s.beta, g * k, k);
        s.rss[g] = rss;
        s.wald[g] = wald;
    }

    private static boolean complete(Mat logY, Mat cpm, int g) {
        return !InteractionModel.hasMissing(logY, g) && !InteractionModel.hasMissing(cpm, g);
    }

    private static int[] observedInBoth(Mat a, Mat b, int g) {
        int n = a.cols;
        return IntStream.range(0, n).filter(i -> !Double.isNaN(a.data[g * n + i]) && !Double.isNaN(b.data[g * n + i])).toArray();
    }
}
