package org.cohortex.stats;

import org.cohortex.linalg.CholeskyDecomposition;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.QrDecomposition;

/**
 * The MANOVA test of one single-df term entered first, as R's
 * {@code summary(manova(Y ~ t + covariates))$stats[1, ]} (R 4.2 stats, test = "Pillai"): the term's
 * sequential (type I) SSP after the intercept, H = h h' with h = Yc' tc / sqrt(tc' tc) (centred
 * responses and term), against the residual SSP E of the whole model [1, t, C]. With one df, E^-1 H
 * has one non-zero eigenvalue lambda = h' E^-1 h; Pillai's V = lambda / (1 + lambda) and R's Pillai()
 * F = (df.res - K + 1) / K * V / (1 - V) = (df.res - K + 1) / K * lambda, exact, on (K, df.res - K + 1)
 * df (= Hotelling's T^2), df.res = n - 2 - q. Like summary.manova, residuals of rank &lt; K (after
 * scaling E to unit diagonal, R's qr tolerance 1e-7) give no test (NaN). Cost per gene O(n K p + K^3)
 * with the model's Q shared ({@link #ManovaPillai(double[], Mat)}).
 */
public final class ManovaPillai {
    /** summary.manova's qr tolerance. */
    public static final double RANK_TOL = 1e-7;

    private final int n, p;
    private final double[] q, tc;
    private final double tss;

    /** p-value, statistic and df of one test. */
    public record Test(double pillai, double f, double df1, double df2, double p) {}

    /**
     * @param t          the term (e.g. the 0/1 trait), length n
     * @param covariates n x q (q may be 0)
     */
    public ManovaPillai(double[] t, Mat covariates) {
        n = t.length;
        int qc = covariates == null ? 0 : covariates.cols;
        p = 2 + qc;
        Mat x = new Mat(n, p);
        double mean = 0;
        for (double v : t) mean += v;
        mean /= n;
        tc = new double[n];
        double ss = 0;
        for (int i = 0; i < n; i++) {
            x.data[i * p] = 1;
            x.data[i * p + 1] = t[i];
            for (int j = 0; j < qc; j++) x.data[i * p + 2 + j] = covariates.data[i * qc + j];
            tc[i] = t[i] - mean;
            ss += tc[i] * tc[i];
        }
        tss = ss;
        QrDecomposition qr = new QrDecomposition(x);
        if (qr.minRelativeDiagonal() < RANK_TOL) throw new IllegalArgumentException("MANOVA model [1, term, covariates] is rank deficient");
        q = qr.q().data;
    }

    public int residualDf() { return n - p; }

    /** The test for responses y (n x K, row-major at {@code off}); NaN p when the residuals are rank deficient. */
    public Test test(double[] y, int off, int k) {
        double[] e = residualSsp(y, off, k), h = new double[k];
        for (int j = 0; j < k; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += y[off + i * k + j] * tc[i];
            h[j] = s / Math.sqrt(tss);
        }
        double dfRes = n - p, df2 = dfRes - k + 1;
        if (df2 < 1 || rankDeficient(e, h, k)) return new Test(Double.NaN, Double.NaN, k, df2, Double.NaN);
        double[] l = e.clone();
        if (!CholeskyDecomposition.factor(l, 0, k)) return new Test(Double.NaN, Double.NaN, k, df2, Double.NaN);
        double[] z = h.clone();
        CholeskyDecomposition.solve(l, 0, k, z, 0);
        double lambda = 0;
        for (int j = 0; j < k; j++) lambda += h[j] * z[j];
        double f = df2 / k * lambda;
        return new Test(lambda / (1 + lambda), f, k, df2, FisherF.upperTail(f, k, df2));
    }

    /** E = R'R with R = Y - Q Q'Y (explicit residuals: no cancellation). */
    private double[] residualSsp(double[] y, int off, int k) {
        double[] qty = new double[p * k], r = new double[n * k], e = new double[k * k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < p; c++) for (int j = 0; j < k; j++) qty[c * k + j] += q[i * p + c] * y[off + i * k + j];
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double fit = 0;
                for (int c = 0; c < p; c++) fit += q[i * p + c] * qty[c * k + j];
                r[i * k + j] = y[off + i * k + j] - fit;
            }
        }
        for (int i = 0; i < n; i++) for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) e[a * k + b] += r[i * k + a] * r[i * k + b];
        return e;
    }

    /**
     * summary.manova's check: sc = sqrt(diag E), set to 1 where below 1e-6 sqrt(diag E + diag H); the
     * columns of D E D (D = 1 / sc) are taken in order and one whose residual norm against the earlier
     * ones is below 1e-7 of its own norm is aliased (LINPACK dqrdc2's rule).
     */
    private static boolean rankDeficient(double[] e, double[] h, int k) {
        double[] sc = new double[k];
        for (int j = 0; j < k; j++) {
            sc[j] = Math.sqrt(e[j * k + j]);
            if (sc[j] < Math.sqrt(e[j * k + j] + h[j] * h[j]) * 1e-6) sc[j] = 1;
        }
        double[][] basis = new double[k][];
        int accepted = 0;
        for (int j = 0; j < k; j++) {
            double[] v = new double[k];
            for (int i = 0; i < k; i++) v[i] = e[i * k + j] / (sc[i] * sc[j]);
            double norm0 = norm(v);
            for (int pass = 0; pass < 2; pass++) {
                for (int b = 0; b < accepted; b++) {
                    double d = 0;
                    for (int i = 0; i < k; i++) d += basis[b][i] * v[i];
                    for (int i = 0; i < k; i++) v[i] -= d * basis[b][i];
                }
            }
            double r = norm(v);
            if (!(r >= RANK_TOL * norm0) || norm0 == 0) return true;
            for (int i = 0; i < k; i++) v[i] /= r;
            basis[accepted++] = v;
        }
        return false;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double d : v) s += d * d;
        return Math.sqrt(s);
    }
}
