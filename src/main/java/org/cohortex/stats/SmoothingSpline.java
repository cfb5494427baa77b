package org.cohortex.stats;

/**
 * Cubic smoothing spline with the smoothing parameter chosen by GCV, reproducing R's
 * smooth.spline(x, y) with default arguments (stats/R/smspline.R and sbart.c): knots at a subset of
 * the unique x (.nknots.smspl), penalty matrix of integrated squared second derivatives, lambda =
 * r * 256^(3 spar - 1) with r = tr(X'X)/tr(Sigma), spar by Brent's golden-section/parabolic search
 * on [-1.5, 1.5] (tol 1e-4, eps 2e-8). Two details of R are kept on purpose because they change
 * the numbers: the Gram matrix uses 0.3330 where 1/3 is meant, and the fitted coefficients are
 * those of the last spar evaluated, not of the best one.
 *
 * Only what sva's edge.lfdr needs: unit weights and strictly increasing, distinct x.
 */
public final class SmoothingSpline {
    private final double[] knot; // nk + 4
    private final int nk;
    private final double[] coef;
    private final double min, range;
    public final double spar, lambda, crit;
    public final int iterations;

    private SmoothingSpline(double[] knot, int nk, double[] coef, double min, double range, double spar, double lambda, double crit,
            int it) {
        this.knot = knot;
        this.nk = nk;
        this.coef = coef;
        this.min = min;
        this.range = range;
        this.spar = spar;
        this.lambda = lambda;
        this.crit = crit;
        this.iterations = it;
    }

    /** R's .nknots.smspl. */
    static int nknots(int n) {
        if (n < 50) return n;
        double a1 = log2(50), a2 = log2(100), a3 = log2(140), a4 = log2(200);
        double v;
        if (n < 200) v = Math.pow(2, a1 + (a2 - a1) * (n - 50) / 150.0);
        else if (n < 800) v = Math.pow(2, a2 + (a3 - a2) * (n - 200) / 600.0);
        else if (n < 3200) v = Math.pow(2, a3 + (a4 - a3) * (n - 800) / 2400.0);
        else v = 200 + Math.pow(n - 3200, 0.2);
        return (int) v;
    }

    private static double log2(double v) { return Math.log(v) / Math.log(2); }

    public static SmoothingSpline fitGcv(double[] x, double[] y) {
        int n = x.length;
        double r = x[n - 1] - x[0];
        double[] xs = scaled(x, r);
        double[] knot = knots(xs);
        int nk = knot.length - 4;

        Fit f = new Fit(knot, nk, xs, y);
        // Brent's fmin as in sbart.c
        final double cGold = 0.381966011250105151795413165634, big = 1e100;
        double a = -1.5, b = 1.5, tol = 1e-4, eps = 2e-8;
        int maxit = 500, iter = 0;
        double v = a + cGold * (b - a), w = v, xx = v, e = 0, d = 0, u;
        double fx = f.criterion(xx), fv = fx, fw = fx, fu;
        while (true) {
            double xm = (a + b) * 0.5, tol1 = eps * Math.abs(xx) + tol / 3, tol2 = tol1 * 2;
            iter++;
            if (Math.abs(xx - xm) <= tol2 - (b - a) * 0.5 || iter > maxit) break;
            boolean golden = true;
            if (!(Math.abs(e) <= tol1 || fx >= big || fv >= big || fw >= big)) {
                double rr = (xx - w) * (fx - fv), q = (xx - v) * (fx - fw), p = (xx - v) * q - (xx - w) * rr;
                q = (q - rr) * 2;
                if (q > 0) p = -p;
                q = Math.abs(q);
                rr = e;
                e = d;
                if (!(Math.abs(p) >= Math.abs(0.5 * q * rr) || q == 0) && !(p <= q * (a - xx) || p >= q * (b - xx))) {
                    d = p / q;
                    u = xx + d;
                    if (u - a < tol2 || b - u < tol2) d = sign(tol1, xm - xx);
                    golden = false;
                }
            }
            if (golden) {
                e = xx >= xm ? a - xx : b - xx;
                d = cGold * e;
            }
            u = xx + (Math.abs(d) >= tol1 ? d : sign(tol1, d));
            fu = f.criterion(u);
            if (!Double.isFinite(fu)) fu = 2 * big;
            if (fu <= fx) {
                if (u >= xx) a = xx; else b = xx;
                v = w; fv = fw;
                w = xx; fw = fx;
                xx = u; fx = fu;
            } else {
                if (u < xx) a = u; else b = u;
                if (fu <= fw || w == xx) {
                    v = w; fv = fw;
                    w = u; fw = fu;
                } else if (fu <= fv || v == xx || v == w) {
                    v = u; fv = fu;
                }
            }
        }
        return new SmoothingSpline(knot, nk, f.coef.clone(), x[0], r, xx, f.lambda, fx, iter);
    }

    private static double sign(double mag, double s) { return s >= 0 ? Math.abs(mag) : -Math.abs(mag); }

    // fitGcv's passes over the data are methods of their own, so that the JIT compiles each loop alone: fitGcv runs once
    // per lfdr and, compiled whole on account of these loops (0.3-0.45 s of C2 time in a grid's first units, JFR), cost
    // far more to compile than its own loops take to run

    /** (x - x[0]) / range, x strictly increasing. */
    private static double[] scaled(double[] x, double range) {
        int n = x.length;
        for (int i = 1; i < n; i++) {
            if (!(x[i] > x[i - 1])) throw new IllegalArgumentException("x must be strictly increasing");
        }
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) xs[i] = (x[i] - x[0]) / range;
        return xs;
    }

    /** smooth.spline's knots for all.knots = FALSE: nknots(n) inner knots at data points, the ends tripled (nk + 4 values). */
    private static double[] knots(double[] xs) {
        int n = xs.length;
        int nkn = nknots(n);
        double[] idx = RSeq.lengthOut(1, n, nkn);
        int nk = nkn + 2;
        double[] knot = new double[nk + 4];
        for (int i = 0; i < 3; i++) {
            knot[i] = xs[0];
            knot[nk + 1 + i] = xs[n - 1];
        }
        for (int i = 0; i < nkn; i++) knot[3 + i] = xs[(int) idx[i] - 1]; // R truncates fractional indices
        return knot;
    }

    /** The fitted spline at v (linear extrapolation outside the data range, as predict.smooth.spline). */
    public double predict(double v) {
        double s = (v - min) / range;
        if (s >= 0 && s <= 1) return value(s);
        double end = s < 0 ? 0 : 1;
        double[][] b = new double[3][4];
        int left = interval(knot, nk, end);
        basis(knot, left, end, b);
        double val = 0, slope = 0;
        for (int k = 0; k < 4; k++) {
            val += coef[left - 4 + k] * b[0][k];
            slope += coef[left - 4 + k] * b[1][k];
        }
        return val + slope * (s - end);
    }

    /** predict() for many points: inside the data range the B-spline values alone, into one work array. */
    public double[] predict(double[] v) {
        double[] out = new double[v.length];
        double[] b = new double[VALUE_WORK];
        for (int i = 0; i < v.length; i++) {
            double s = (v[i] - min) / range;
            if (s < 0 || s > 1) { out[i] = predict(v[i]); continue; }
            int left = interval(knot, nk, s);
            values(knot, left, s, b);
            double val = 0;
            for (int k = 0; k < 4; k++) val += coef[left - 4 + k] * b[VALUE_AT + k];
            out[i] = val;
        }
        return out;
    }

    /**
     * predict() at ascending points (Double.compare's order) v[from..to), into out[from..to): the knot interval found
     * once by bisection, then walked forward, which finds the interval the bisection would (the largest with its knot
     * at or below the point); the same values as {@link #predict(double[])}, without a mispredicted bisection per point.
     */
    public void predictAscending(double[] v, int from, int to, double[] out) {
        double[] b = new double[VALUE_WORK];
        int left = -1;
        for (int i = from; i < to; i++) {
            double s = (v[i] - min) / range;
            if (s < 0 || s > 1) { out[i] = predict(v[i]); continue; }
            if (left < 0 || !(s < knot[nk])) left = interval(knot, nk, s); // also NaN
            else while (left < nk && knot[left] <= s) left++;
            values(knot, left, s, b);
            double val = 0;
            for (int k = 0; k < 4; k++) val += coef[left - 4 + k] * b[VALUE_AT + k];
            out[i] = val;
        }
    }

    /** Work length of {@link #values}, and where the four cubic values start in it. */
    static final int VALUE_WORK = 10, VALUE_AT = 6;

    /**
     * Row 0 of {@link #basis} (the four cubic B-splines' values at x), by the same recursion in the same operation order,
     * so the same bits, without the derivatives or any allocation: order k+1's values at b[k(k+1)/2 ..].
     */
    static void values(double[] t, int left, double x, double[] b) {
        b[0] = 1.0;
        for (int k = 1, prev = 0, at = 1; k < 4; prev = at, at += k + 1, k++) {
            for (int i = 0; i <= k; i++) {
                int s = left - k + i;
                double v = 0;
                if (i >= 1) {
                    double den = t[s + k - 1] - t[s - 1];
                    if (den > 0) v += (x - t[s - 1]) / den * b[prev + i - 1];
                }
                if (i <= k - 1) {
                    double den = t[s + k] - t[s];
                    if (den > 0) v += (t[s + k] - x) / den * b[prev + i];
                }
                b[at + i] = v;
            }
        }
    }

    private double value(double s) {
        int left = interval(knot, nk, s);
        double[][] b = new double[3][4];
        basis(knot, left, s, b);
        double val = 0;
        for (int k = 0; k < 4; k++) val += coef[left - 4 + k] * b[0][k];
        return val;
    }

    /**
     * 1-based index `left` with knot[left] <= x < knot[left+1] among the first nk+1 knots, or nk
     * for x at the right end (R's interv() followed by the left-limit rule of bvalue/stxwx).
     */
    static int interval(double[] t, int nk, double x) {
        if (x >= t[nk]) return nk; // t(nk+1) in 1-based terms
        int lo = 4, hi = nk; // answer in [4, nk]
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (t[mid - 1] <= x) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /**
     * Values (row 0), first (row 1) and second (row 2) derivatives at x of the four cubic
     * B-splines B_{left-3..left} (1-based) that live on the knot interval `left`, by the Cox-de Boor
     * recursion evaluated as the polynomial piece of that interval (also at its right end).
     */
    static void basis(double[] t, int left, double x, double[][] out) {
        // b[k][i]: order k+1, spline index (left - k + i), i = 0..k, 1-based knots t(j) = t[j-1]
        double[][] b = new double[4][];
        b[0] = new double[] {1.0};
        for (int k = 1; k < 4; k++) {
            b[k] = new double[k + 1];
            for (int i = 0; i <= k; i++) {
                int s = left - k + i; // 1-based index of B_{s,k+1}, support [t(s), t(s+k+1)]
                double v = 0;
                if (i >= 1) { // B_{s,k} term: index s of order k is b[k-1][i-1]
                    double den = t(t, s + k) - t(t, s);
                    if (den > 0) v += (x - t(t, s)) / den * b[k - 1][i - 1];
                }
                if (i <= k - 1) { // B_{s+1,k}: b[k-1][i]
                    double den = t(t, s + k + 1) - t(t, s + 1);
                    if (den > 0) v += (t(t, s + k + 1) - x) / den * b[k - 1][i];
                }
                b[k][i] = v;
            }
        }
        for (int i = 0; i < 4; i++) out[0][i] = b[3][i];
        // derivative of a cubic B_s: 3 (B_{s,3}/(t(s+3)-t(s)) - B_{s+1,3}/(t(s+4)-t(s+1)))
        double[] d3 = new double[3]; // first derivatives of the quadratics B_{left-2..left}
        for (int i = 0; i < 3; i++) {
            int s = left - 2 + i;
            double v = 0;
            if (i >= 1) { double den = t(t, s + 2) - t(t, s); if (den > 0) v += b[1][i - 1] / den; }
            if (i <= 1) { double den = t(t, s + 3) - t(t, s + 1); if (den > 0) v -= b[1][i] / den; }
            d3[i] = 2 * v;
        }
        for (int i = 0; i < 4; i++) {
            int s = left - 3 + i;
            double v1 = 0, v2 = 0;
            if (i >= 1) {
                double den = t(t, s + 3) - t(t, s);
                if (den > 0) { v1 += b[2][i - 1] / den; v2 += d3[i - 1] / den; }
            }
            if (i <= 2) {
                double den = t(t, s + 4) - t(t, s + 1);
                if (den > 0) { v1 -= b[2][i] / den; v2 -= d3[i] / den; }
            }
            out[1][i] = 3 * v1;
            out[2][i] = 3 * v2;
        }
    }

    private static double t(double[] t, int oneBased) { return t[oneBased - 1]; }

    /** Everything that depends only on the data and knots, and the fit for one spar. */
    private static final class Fit {
        final double[] knot, xs, y;
        final int nk, n;
        final double[] sg0, sg1, sg2, sg3, hs0, hs1, hs2, hs3, xwy;
        final double ratio;
        double[] coef;
        double lambda;

        Fit(double[] knot, int nk, double[] xs, double[] y) {
            this.knot = knot;
            this.nk = nk;
            this.xs = xs;
            this.y = y;
            this.n = xs.length;
            sg0 = new double[nk]; sg1 = new double[nk]; sg2 = new double[nk]; sg3 = new double[nk];
            hs0 = new double[nk]; hs1 = new double[nk]; hs2 = new double[nk]; hs3 = new double[nk];
            xwy = new double[nk];
            gram();
            crossProducts();
            double t1 = 0, t2 = 0;
            for (int i = 2; i < nk - 3; i++) { t1 += hs0[i]; t2 += sg0[i]; }
            ratio = t1 / t2;
        }

        /** Sigma_ij = int B_i'' B_j'' over each knot interval, B'' linear there (sgram.f). */
        private void gram() {
            double[][] bl = new double[3][4], br = new double[3][4];
            double[] sg[] = {sg0, sg1, sg2, sg3};
            for (int i = 1; i <= nk; i++) {
                int left = interval(knot, nk, t(knot, i));
                basis(knot, left, t(knot, i), bl);
                basis(knot, left, t(knot, i + 1), br);
                double wpt = t(knot, i + 1) - t(knot, i);
                double[] y1 = bl[2], y2 = new double[4];
                for (int k = 0; k < 4; k++) y2[k] = br[2][k] - y1[k];
                for (int ii = 0; ii < 4; ii++) {
                    for (int off = 0; ii + off < 4; off++) {
                        int jj = ii + off;
                        sg[off][left - 4 + ii] += wpt * (y1[ii] * y1[jj] + (y2[ii] * y1[jj] + y2[jj] * y1[ii]) * 0.5
                                + y2[ii] * y2[jj] * 0.3330);
                    }
                }
            }
        }

        /** X'X (banded) and X'y for unit weights (stxwx.f). */
        private void crossProducts() {
            double[][] b = new double[3][4];
            double[] hs[] = {hs0, hs1, hs2, hs3};
            for (int i = 0; i < n; i++) {
                int left = interval(knot, nk, xs[i]);
                basis(knot, left, xs[i], b);
                for (int ii = 0; ii < 4; ii++) {
                    int j = left - 4 + ii;
                    xwy[j] += y[i] * b[0][ii];
                    for (int off = 0; ii + off < 4; off++) hs[off][j] += b[0][ii] * b[0][ii + off];
                }
            }
        }

        /** GCV criterion at spar (sslvrg.f with icrit = 1); keeps the coefficients. */
        double criterion(double spar) {
            lambda = ratio * Math.pow(16.0, spar * 6.0 - 2.0);
            // R' R = X'X + lambda Sigma, band[d][j] = R(j-d, j)
            double[][] a = new double[4][nk];
            for (int j = 0; j < nk; j++) {
                a[0][j] = hs0[j] + lambda * sg0[j];
                if (j >= 1) a[1][j] = hs1[j - 1] + lambda * sg1[j - 1];
                if (j >= 2) a[2][j] = hs2[j - 2] + lambda * sg2[j - 2];
                if (j >= 3) a[3][j] = hs3[j - 3] + lambda * sg3[j - 3];
            }
            double[][] rr = new double[4][nk];
            for (int j = 0; j < nk; j++) {
                double s = 0;
                for (int i = Math.max(0, j - 3); i < j; i++) {
                    double v = a[j - i][j];
                    for (int k = Math.max(0, j - 3); k < i; k++) v -= rr[i - k][i] * rr[j - k][j];
                    v /= rr[0][i];
                    rr[j - i][j] = v;
                    s += v * v;
                }
                s = a[0][j] - s;
                if (!(s > 0)) throw new ArithmeticException("smoothing spline: penalised system not positive definite at spar " + spar);
                rr[0][j] = Math.sqrt(s);
            }
            double[] c = xwy.clone();
            for (int k = 0; k < nk; k++) {
                double v = c[k];
                for (int i = Math.max(0, k - 3); i < k; i++) v -= rr[k - i][k] * c[i];
                c[k] = v / rr[0][k];
            }
            for (int k = nk - 1; k >= 0; k--) {
                double v = c[k];
                for (int i = k + 1; i <= Math.min(nk - 1, k + 3); i++) v -= rr[i - k][i] * c[i];
                c[k] = v / rr[0][k];
            }
            coef = c;
            // band of (R'R)^{-1}: p[d][j] = Inv(j, j+d), by the recursion of sinerp.f (pass 1)
            double[][] p = new double[4][nk];
            double w31 = 0, w32 = 0, w33 = 0, w21 = 0, w22 = 0, w11 = 0;
            for (int j = nk - 1; j >= 0; j--) {
                double c0 = 1.0 / rr[0][j];
                double c1 = j <= nk - 4 ? rr[3][j + 3] * c0 : 0;
                double c2 = j <= nk - 3 ? rr[2][j + 2] * c0 : 0;
                double c3 = j <= nk - 2 ? rr[1][j + 1] * c0 : 0;
                p[3][j] = -(c1 * w31 + c2 * w32 + c3 * w33);
                p[2][j] = -(c1 * w32 + c2 * w21 + c3 * w22);
                p[1][j] = -(c1 * w33 + c2 * w22 + c3 * w11);
                p[0][j] = c0 * c0 + c1 * c1 * w31 + 2 * c1 * c2 * w32 + 2 * c1 * c3 * w33 + c2 * c2 * w21 + 2 * c2 * c3 * w22
                        + c3 * c3 * w11;
                w31 = w21; w32 = w22; w33 = p[2][j];
                w21 = w11; w22 = p[1][j];
                w11 = p[0][j];
            }
            double rss = 0, df = 0;
            double[][] b = new double[3][4];
            for (int i = 0; i < n; i++) {
                double xv = xs[i];
                int left = interval(knot, nk, xv);
                basis(knot, left, xv, b);
                double fit = 0;
                for (int k = 0; k < 4; k++) fit += c[left - 4 + k] * b[0][k];
                rss += (y[i] - fit) * (y[i] - fit);
                if (xv >= t(knot, nk + 1)) {
                    xv = t(knot, nk + 1) - 1e-11; // sslvrg evaluates leverages just inside the right end
                    basis(knot, left, xv, b);
                }
                int j = left - 4;
                double[] v = b[0];
                df += p[0][j] * v[0] * v[0] + 2 * p[1][j] * v[0] * v[1] + 2 * p[2][j] * v[0] * v[2] + 2 * p[3][j] * v[0] * v[3]
                        + p[0][j + 1] * v[1] * v[1] + 2 * p[1][j + 1] * v[1] * v[2] + 2 * p[2][j + 1] * v[1] * v[3]
                        + p[0][j + 2] * v[2] * v[2] + 2 * p[1][j + 2] * v[2] * v[3] + p[0][j + 3] * v[3] * v[3];
            }
            double denom = 1 - df / n;
            return (rss / n) / (denom * denom);
        }
    }
}
