package org.cohortex.linalg;

import java.util.Arrays;


/**
 * Per-gene weighted least squares on one shared design, as limma's lmFit with a weight matrix
 * (lm.wfit per gene): y_g (n) on X (n x p) with weights w_g (n), all positive. The weights differ by
 * gene, so each gene has its own normal equations; they are formed for a block of B genes by two
 * GEMMs on the backend and solved by its batched SPD solver. To keep the accuracy of a QR fit, the
 * design is first replaced by an orthonormal basis of its columns, X D = Q R (D scales the columns
 * to unit norm; one Householder QR shared by all genes), so each gene solves the well-conditioned
 * Q'W_gQ g = Q'W_g y_g (condition at most max w / min w, further reduced by scaling to unit
 * diagonal) and beta = D R^-1 g; (X'W_gX)^-1_jj = d_j^2 u_j'(Q'W_gQ)^-1 u_j with u_j = R^-T e_j.
 * <ul>
 *   <li>Q'W_gQ for all genes of the block at once: W (B x n) times Z (n x p(p+1)/2), Z[i, (j,k)] =
 *       q_ij q_ik (j <= k): 2 B n p(p+1)/2 flops;</li>
 *   <li>Q'W_g y_g: (W o Y) (B x n) times Q (n x p): 2 B n p flops;</li>
 *   <li>the solves: B (1 + k) Cholesky systems of order p (k = coefficients whose stdev.unscaled is
 *       asked for, right-hand side u_j): (1 + k) B (p^3/3 + 2p^2) flops;</li>
 *   <li>fitted values beta (B x p) times X' (p x n) for the residuals: 2 B n p flops.</li>
 * </ul>
 * The error is then ~cond(X) eps, as lm.wfit's QR. Residuals are formed explicitly, so sigma keeps
 * its precision for near-perfect fits. Blocks of genes keep the largest array near
 * {@link #BLOCK_DOUBLES}. Data must be complete (no NA in Y or W): limma's per-gene NA handling is
 * not reproduced.
 */
public final class WeightedLeastSquares {
    private WeightedLeastSquares() {}

    /** Doubles of the largest per-block array (~32 MB): bounds memory at any number of genes. */
    static final int BLOCK_DOUBLES = 1 << 22;

    /** lmFit's output for complete data; row g of each genes x p array belongs to gene g. */
    public static final class Fit {
        public final int genes, p;
        /** genes x p, row-major. */
        public final double[] coefficients;
        /** genes x p: sqrt((X'W_gX)^-1_jj); NaN for coefficients not asked for. */
        public final double[] stdevUnscaled;
        /** Residual standard deviation: sqrt(sum_i w_gi r_gi^2 / (n - p)). */
        public final double[] sigma;
        /** n - p for every gene. */
        public final double[] dfResidual;
        Fit(int genes, int p, double[] coefficients, double[] stdevUnscaled, double[] sigma, double[] dfResidual) {
            this.genes = genes;
            this.p = p;
            this.coefficients = coefficients;
            this.stdevUnscaled = stdevUnscaled;
            this.sigma = sigma;
            this.dfResidual = dfResidual;
        }

        /** Column j of a genes x p array. */
        public double[] column(double[] a, int j) {
            double[] c = new double[genes];
            for (int g = 0; g < genes; g++) c[g] = a[g * p + j];
            return c;
        }
    }

    /**
     * Fits every row of Y (genes x n) on X (n x p, full column rank, n > p). {@code w} genes x n
     * positive weights, or null for ordinary least squares (then one QR serves all genes:
     * {@link DenseOps#olsSharedDesign}). {@code seCoefficients}: the columns whose
     * stdev.unscaled is wanted (null: all).
     */
    public static Fit fit(DenseOps backend, Mat x, Mat y, Mat w, int[] seCoefficients) {
        int n = x.rows, p = x.cols, genes = y.rows;
        if (y.cols != n) throw new IllegalArgumentException("Y has " + y.cols + " samples, X has " + n);
        if (n <= p) throw new IllegalArgumentException("no residual degrees of freedom: n = " + n + ", p = " + p);
        checkComplete(y, "expression");
        int[] se = seCoefficients == null ? allColumns(p) : seCoefficients.clone();
        for (int j : se) if (j < 0 || j >= p) throw new IllegalArgumentException("coefficient " + j + " outside 0.." + (p - 1));
        double[] df = new double[genes];
        Arrays.fill(df, n - p);
        if (w == null) return ordinary(backend, x, y, se, df);
        if (w.rows != genes || w.cols != n) throw new IllegalArgumentException("weights are " + w + ", expression " + y);
        checkComplete(w, "weight");
        for (double v : w.data) if (!(v > 0)) throw new IllegalArgumentException("weights must be positive, found " + v);

        OrthonormalDesign od = new OrthonormalDesign(x);
        Mat z = pairProducts(od.q);
        int perGene = Math.max(Math.max(z.cols, n), (1 + se.length) * p * p);
        int block = Math.max(1, Math.min(genes, BLOCK_DOUBLES / perGene));
        double[] beta = new double[genes * p], su = new double[genes * p], sigma = new double[genes];
        Arrays.fill(su, Double.NaN);
        for (int g0 = 0; g0 < genes; g0 += block) {
            int b = Math.min(block, genes - g0);
            Mat wb = new Mat(b, n, Arrays.copyOfRange(w.data, g0 * n, (g0 + b) * n));
            Mat wy = new Mat(b, n);
            for (int i = 0; i < b * n; i++) wy.data[i] = wb.data[i] * y.data[g0 * n + i];
            Mat gram = backend.gemm(wb, false, z, false);   // b x p(p+1)/2: upper triangles of Q'W_gQ
            Mat rhs = backend.gemm(wy, false, od.q, false); // b x p: Q'W_g y_g
            solveBlock(backend, gram.data, rhs.data, b, se, od, g0, beta, su);
            Mat fitted = backend.gemm(new Mat(b, p, Arrays.copyOfRange(beta, g0 * p, (g0 + b) * p)), false, x, true); // b x n
            for (int k = 0; k < b; k++) {
                double rss = 0;
                for (int i = 0; i < n; i++) {
                    double r = y.data[(g0 + k) * n + i] - fitted.data[k * n + i];
                    rss += wb.data[k * n + i] * (r * r);
                }
                sigma[g0 + k] = Math.sqrt(rss / (n - p));
            }
        }
        return new Fit(genes, p, beta, su, sigma, df);
    }

    /** The shared design as X = Q R D^-1: Q (n x p) orthonormal, R^-1 and D from the equilibrated QR. */
    static final class OrthonormalDesign {
        final Mat q;
        final double[] rInv, scale;
        final int p;

        OrthonormalDesign(Mat x) {
            p = x.cols;
            scale = new double[p];
            QrDecomposition qr = new QrDecomposition(equilibratedColumns(x, scale));
            if (qr.minRelativeDiagonal() < 1e-12) {
                throw new IllegalArgumentException("design matrix is rank deficient (min |R_ii|/max = " + qr.minRelativeDiagonal() + ")");
            }
            q = qr.q();
            rInv = qr.rInverse().data;
        }

        /** sqrt((X'X)^-1_jj) = d_j ||row j of R^-1||, as X'X = D^-1 R'R D^-1. */
        double unweightedStdevUnscaled(int j) {
            double s = 0;
            for (int l = j; l < p; l++) s += rInv[j * p + l] * rInv[j * p + l];
            return Math.sqrt(s) * scale[j];
        }
    }

    /**
     * Scales each gene's system to unit diagonal (S A S, S = diag^-1/2), stacks it with one
     * right-hand side S u_j per asked coefficient, solves all on the backend and maps back:
     * beta = D R^-1 S z_0, (X'WX)^-1_jj = d_j^2 (S u_j)' z_j.
     */
    private static void solveBlock(DenseOps backend, double[] gram, double[] rhs, int b, int[] se, OrthonormalDesign od, int g0,
                                   double[] beta, double[] su) {
        int p = od.p, q = p * (p + 1) / 2, systems = 1 + se.length, pp = p * p;
        double[] a = new double[b * systems * pp], r = new double[b * systems * p], jac = new double[b * p];
        for (int k = 0; k < b; k++) {
            for (int j = 0; j < p; j++) jac[k * p + j] = 1 / Math.sqrt(gram[k * q + j * p - j * (j - 1) / 2]); // (j, j) in Z's order
            int base = k * systems;
            for (int j = 0, t = 0; j < p; j++) {
                for (int l = j; l < p; l++, t++) {
                    double v = gram[k * q + t] * jac[k * p + j] * jac[k * p + l];
                    a[base * pp + j * p + l] = v;
                    a[base * pp + l * p + j] = v;
                }
                r[base * p + j] = rhs[k * p + j] * jac[k * p + j];
            }
            for (int s = 1; s < systems; s++) {
                System.arraycopy(a, base * pp, a, (base + s) * pp, pp);
                int j = se[s - 1];
                for (int l = j; l < p; l++) r[(base + s) * p + l] = od.rInv[j * p + l] * jac[k * p + l]; // S u_j, u_j = R^-T e_j
            }
        }
        double[] sol = backend.solveSpdBatched(a, r, b * systems, p);
        double[] g = new double[p];
        for (int k = 0; k < b; k++) {
            int base = k * systems, gene = g0 + k;
            for (int l = 0; l < p; l++) g[l] = sol[base * p + l] * jac[k * p + l];
            for (int j = 0; j < p; j++) {
                double v = 0;
                for (int l = j; l < p; l++) v += od.rInv[j * p + l] * g[l];
                beta[gene * p + j] = v * od.scale[j];
            }
            for (int s = 1; s < systems; s++) {
                int j = se[s - 1];
                double quad = 0;
                for (int l = j; l < p; l++) quad += r[(base + s) * p + l] * sol[(base + s) * p + l];
                su[gene * p + j] = Math.sqrt(quad) * od.scale[j];
            }
        }
    }

    /** Unweighted: one QR of X for every gene through the backend; stdev.unscaled is the same for all genes. */
    private static Fit ordinary(DenseOps backend, Mat x, Mat y, int[] se, double[] df) {
        int genes = y.rows, p = x.cols, n = x.rows;
        OlsFit ols = backend.olsSharedDesign(x, y);
        OrthonormalDesign od = new OrthonormalDesign(x);
        double[] su = new double[genes * p], sigma = new double[genes];
        Arrays.fill(su, Double.NaN);
        for (int g = 0; g < genes; g++) {
            for (int j : se) su[g * p + j] = od.unweightedStdevUnscaled(j);
            sigma[g] = Math.sqrt(ols.rss[g] / (n - p));
        }
        return new Fit(genes, p, ols.beta.clone(), su, sigma, df);
    }

    /** X with unit-norm columns; scale[j] receives the factor applied to column j. */
    static Mat equilibratedColumns(Mat x, double[] scale) {
        int n = x.rows, p = x.cols;
        Arrays.fill(scale, 0);
        for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) scale[j] += x.data[i * p + j] * x.data[i * p + j];
        for (int j = 0; j < p; j++) {
            if (!(scale[j] > 0)) throw new IllegalArgumentException("design column " + j + " is zero");
            scale[j] = 1 / Math.sqrt(scale[j]);
        }
        Mat xs = new Mat(n, p);
        for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) xs.data[i * p + j] = x.data[i * p + j] * scale[j];
        return xs;
    }

    /** Z (n x p(p+1)/2): Z[i, (j,l)] = x_ij x_il for j <= l, pairs in row-major upper-triangle order. */
    static Mat pairProducts(Mat x) {
        int n = x.rows, p = x.cols, q = p * (p + 1) / 2;
        Mat z = new Mat(n, q);
        for (int i = 0; i < n; i++) {
            for (int j = 0, t = 0; j < p; j++) {
                for (int l = j; l < p; l++, t++) z.data[i * q + t] = x.data[i * p + j] * x.data[i * p + l];
            }
        }
        return z;
    }

    private static void checkComplete(Mat m, String what) {
        for (double v : m.data) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(what + " matrix has a missing or infinite value; only complete data are supported");
            }
        }
    }

    private static int[] allColumns(int p) {
        int[] a = new int[p];
        for (int j = 0; j < p; j++) a[j] = j;
        return a;
    }
}
