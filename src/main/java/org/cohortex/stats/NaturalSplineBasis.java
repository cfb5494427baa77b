package org.cohortex.stats;

import java.util.Arrays;

/**
 * A basis of the natural cubic splines that R's splines::ns(x, df, intercept = TRUE) spans: interior
 * knots at the type-7 quantiles of x at probabilities 1/(df-1), ..., (df-2)/(df-1), boundary knots
 * at range(x), cubic B-splines (de Boor) restricted to zero second derivative at both boundary
 * knots. ns picks the restriction's basis through a LINPACK QR of the constraint; this class takes
 * another orthonormal basis of the same null space (Householder), so the matrix differs from ns's by
 * an invertible df x df factor and every least-squares fit on it (fitted values, residuals: all
 * limma's fitFDist uses) is the same. Cost O(n df^2).
 */
public final class NaturalSplineBasis {
    private NaturalSplineBasis() {}

    /** n x df basis, row-major, for x without NA (df >= 2, x not constant). */
    public static double[] basis(double[] x, int df) {
        int n = x.length;
        if (df < 2) throw new IllegalArgumentException("df must be >= 2: " + df);
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        double lo = sorted[0], hi = sorted[n - 1];
        if (!(hi > lo)) throw new IllegalArgumentException("covariate is constant");
        int nIknots = df - 2;
        double[] knots = new double[nIknots + 8];
        for (int k = 0; k < 4; k++) { knots[k] = lo; knots[nIknots + 4 + k] = hi; }
        double[] probs = RSeq.lengthOut(0, 1, nIknots + 2);
        for (int k = 0; k < nIknots; k++) knots[4 + k] = RSummary.quantile7Sorted(sorted, probs[k + 1]);
        Arrays.sort(knots);
        int ncoef = nIknots + 4;
        double[] c = new double[2 * ncoef];
        System.arraycopy(bspline(knots, lo, 2), 0, c, 0, ncoef);
        System.arraycopy(bspline(knots, hi, 2), 0, c, ncoef, ncoef);
        double[] nullSpace = nullSpace(c, ncoef); // ncoef x df
        double[] out = new double[n * df];
        for (int i = 0; i < n; i++) {
            double[] b = bspline(knots, x[i], 0);
            for (int j = 0; j < df; j++) {
                double s = 0;
                for (int k = 0; k < ncoef; k++) s += b[k] * nullSpace[k * df + j];
                out[i * df + j] = s;
            }
        }
        return out;
    }

    /**
     * The cubic B-splines (order 4) on {@code knots} or their {@code deriv}-th derivative at v, all
     * knots.length - 4 of them; v at the right boundary takes the limit from the left (as R).
     */
    static double[] bspline(double[] knots, double v, int deriv) {
        int nk = knots.length, order = 4;
        // order-1 indicators on [t_i, t_{i+1}); the last non-empty interval closed on the right
        double[] b = new double[nk - 1];
        int last = -1;
        for (int i = 0; i < nk - 1; i++) if (knots[i] < knots[i + 1]) last = i;
        for (int i = 0; i < nk - 1; i++) {
            if (knots[i] < knots[i + 1] && (knots[i] <= v && (v < knots[i + 1] || (i == last && v == knots[i + 1])))) b[i] = 1;
        }
        // Cox-de Boor up to order 4 - deriv, then the derivative recurrence up to order 4
        for (int k = 2; k <= order; k++) {
            double[] nb = new double[nk - k];
            boolean differentiate = k > order - deriv;
            for (int i = 0; i < nk - k; i++) {
                double d1 = knots[i + k - 1] - knots[i], d2 = knots[i + k] - knots[i + 1];
                double left = d1 > 0 ? b[i] / d1 : 0, right = d2 > 0 ? b[i + 1] / d2 : 0;
                nb[i] = differentiate ? (k - 1) * (left - right) : (v - knots[i]) * left + (knots[i + k] - v) * right;
            }
            b = nb;
        }
        return b;
    }

    /** An orthonormal basis (m x (m - 2), row-major) of the null space of the 2 x m matrix c. */
    private static double[] nullSpace(double[] c, int m) {
        // Householder QR of c' (m x 2): the last m - 2 columns of Q span null(c)
        double[] a = new double[m * 2];
        for (int i = 0; i < m; i++) { a[i * 2] = c[i]; a[i * 2 + 1] = c[m + i]; }
        double[][] v = new double[2][];
        for (int k = 0; k < 2; k++) {
            double norm = 0;
            for (int i = k; i < m; i++) norm = Math.hypot(norm, a[i * 2 + k]);
            double[] vk = new double[m];
            for (int i = k; i < m; i++) vk[i] = a[i * 2 + k];
            vk[k] += vk[k] >= 0 ? norm : -norm;
            double vv = 0;
            for (int i = k; i < m; i++) vv += vk[i] * vk[i];
            v[k] = vv > 0 ? vk : null;
            if (v[k] != null) {
                for (int j = k; j < 2; j++) reflect(vk, vv, a, j, 2, k, m);
            }
        }
        double[] q = new double[m * (m - 2)];
        for (int j = 0; j < m - 2; j++) q[(j + 2) * (m - 2) + j] = 1;
        for (int k = 1; k >= 0; k--) {
            if (v[k] == null) continue;
            double vv = 0;
            for (int i = k; i < m; i++) vv += v[k][i] * v[k][i];
            for (int j = 0; j < m - 2; j++) reflect(v[k], vv, q, j, m - 2, k, m);
        }
        return q;
    }

    /** Applies I - 2 v v'/v'v to column j of the row-major matrix a (stride cols), rows from..m-1. */
    private static void reflect(double[] v, double vv, double[] a, int j, int cols, int from, int m) {
        double s = 0;
        for (int i = from; i < m; i++) s += v[i] * a[i * cols + j];
        double f = 2 * s / vv;
        for (int i = from; i < m; i++) a[i * cols + j] -= f * v[i];
    }
}
