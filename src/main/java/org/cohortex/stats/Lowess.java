package org.cohortex.stats;

import java.util.Arrays;

/**
 * R's lowess (stats 4.2, C clowess of Cleveland 1979): locally weighted linear regression with
 * tricube weights on the span ns = max(2, min(n, (int)(f n + 1e-7))) nearest points,
 * {@code iter} robustness iterations with bisquare weights on 6 x median |residual|, and points
 * within {@code delta} of the last fitted x interpolated instead of fitted. Same operations in the
 * same order as the C code, so results agree with R to the last bits. Cost: O(n ns) per iteration
 * in the worst case, ~O(n ns / (delta-skips)) in practice.
 */
public final class Lowess {
    private Lowess() {}

    /** The smoothed curve: x sorted ascending (ties in input order), fitted values beside them. */
    public record Curve(double[] x, double[] y) {}

    /** lowess(x, y, f, iter, delta = 0.01 * diff(range(x))). */
    public static Curve smooth(double[] x, double[] y, double f, int iter) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : x) { min = Math.min(min, v); max = Math.max(max, v); }
        return smooth(x, y, f, iter, 0.01 * (max - min));
    }

    /** lowess(x, y, f, iter, delta): sorts by x (stably, as R's order) and runs clowess. */
    public static Curve smooth(double[] x, double[] y, double f, int iter, double delta) {
        int n = x.length;
        if (y.length != n) throw new IllegalArgumentException("x and y lengths differ: " + n + " vs " + y.length);
        if (n == 0) throw new IllegalArgumentException("lowess of no points");
        if (!(f > 0) || !Double.isFinite(f)) throw new IllegalArgumentException("f must be finite and > 0: " + f);
        if (iter < 0 || !(delta >= 0) || !Double.isFinite(delta)) throw new IllegalArgumentException("iter " + iter + ", delta " + delta);
        int[] order = stableOrder(x);
        double[] xs = new double[n], ys = new double[n];
        for (int i = 0; i < n; i++) { xs[i] = x[order[i]]; ys[i] = y[order[i]]; }
        return new Curve(xs, clowess(xs, ys, f, iter, delta));
    }

    /** Indices sorting x ascending, ties in index order (R's order, method radix, is stable). */
    static int[] stableOrder(double[] x) {
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(x[a], x[b]));
        int[] out = new int[idx.length];
        for (int i = 0; i < out.length; i++) out[i] = idx[i];
        return out;
    }

    /** clowess on x sorted ascending: the fitted values. Indices below are 1-based as in the C code. */
    static double[] clowess(double[] x0, double[] y0, double f, int nsteps, double delta) {
        int n = x0.length;
        double[] ys = new double[n + 1], rw = new double[n + 1], res = new double[n + 1];
        double[] x = new double[n + 1], y = new double[n + 1];
        System.arraycopy(x0, 0, x, 1, n);
        System.arraycopy(y0, 0, y, 1, n);
        if (n < 2) return new double[] {y0[0]};
        int ns = Math.max(2, Math.min(n, (int) (f * n + 1e-7)));
        for (int iter = 1; iter <= nsteps + 1; iter++) {
            fitPass(x, y, n, ns, delta, iter > 1, rw, res, ys);
            for (int i = 1; i <= n; i++) res[i] = y[i] - ys[i];
            double sc = 0;
            for (int i = 1; i <= n; i++) sc += Math.abs(res[i]);
            sc /= n;
            if (iter > nsteps) break;
            if (!robustnessWeights(res, n, sc, rw)) break;
        }
        return Arrays.copyOfRange(ys, 1, n + 1);
    }

    /** One pass over the points: local fits at x[i], skipping (and interpolating) within delta. */
    private static void fitPass(double[] x, double[] y, int n, int ns, double delta, boolean userw, double[] rw, double[] w, double[] ys) {
        int nleft = 1, nright = ns, last = 0, i = 1;
        for (;;) {
            if (nright < n) {
                double d1 = x[i] - x[nleft], d2 = x[nright + 1] - x[i];
                if (d1 > d2) { // the radius shrinks by moving right
                    nleft++;
                    nright++;
                    continue;
                }
            }
            double fit = lowest(x, y, n, x[i], nleft, nright, w, userw, rw);
            ys[i] = Double.isNaN(fit) ? y[i] : fit; // all weights zero: copy y
            if (last < i - 1) {
                double denom = x[i] - x[last];
                for (int j = last + 1; j < i; j++) {
                    double alpha = (x[j] - x[last]) / denom;
                    ys[j] = alpha * ys[i] + (1. - alpha) * ys[last];
                }
            }
            last = i;
            double cut = x[last] + delta;
            for (i = last + 1; i <= n; i++) {
                if (x[i] > cut) break;
                if (x[i] == x[last]) {
                    ys[i] = ys[last];
                    last = i;
                }
            }
            i = Math.max(last + 1, i - 1);
            if (last >= n) break;
        }
    }

    /** The weighted local linear fit at xs over [nleft, nright] (plus ties on the right); NaN when all weights are zero. */
    private static double lowest(double[] x, double[] y, int n, double xs, int nleft, int nright, double[] w, boolean userw, double[] rw) {
        double range = x[n] - x[1];
        double h = Math.max(xs - x[nleft], x[nright] - xs);
        double h9 = 0.999 * h, h1 = 0.001 * h;
        double a = 0.;
        int j = nleft;
        while (j <= n) {
            w[j] = 0.;
            double r = Math.abs(x[j] - xs);
            if (r <= h9) {
                if (r <= h1) w[j] = 1.;
                else { double q = r / h, c = 1. - q * q * q; w[j] = c * c * c; }
                if (userw) w[j] *= rw[j];
                a += w[j];
            } else if (x[j] > xs) break;
            j++;
        }
        int nrt = j - 1;
        if (a <= 0.) return Double.NaN;
        for (j = nleft; j <= nrt; j++) w[j] /= a;
        if (h > 0.) {
            a = 0.;
            for (j = nleft; j <= nrt; j++) a += w[j] * x[j];
            double b = xs - a, c = 0.;
            for (j = nleft; j <= nrt; j++) c += w[j] * ((x[j] - a) * (x[j] - a));
            if (Math.sqrt(c) > 0.001 * range) {
                b /= c;
                for (j = nleft; j <= nrt; j++) w[j] *= (b * (x[j] - a) + 1.);
            }
        }
        double ys = 0.;
        for (j = nleft; j <= nrt; j++) ys += w[j] * y[j];
        return ys;
    }

    /** Bisquare weights on 6 x median |res| into rw[1..n]; false when that scale is effectively zero. */
    private static boolean robustnessWeights(double[] res, int n, double sc, double[] rw) {
        double[] abs = new double[n];
        for (int i = 0; i < n; i++) abs[i] = Math.abs(res[i + 1]);
        Arrays.sort(abs);
        int m1 = n / 2;
        double cmad = n % 2 == 0 ? 3. * (abs[m1] + abs[n - m1 - 1]) : 6. * abs[m1];
        if (cmad < 1e-7 * sc) return false;
        double c9 = 0.999 * cmad, c1 = 0.001 * cmad;
        for (int i = 1; i <= n; i++) {
            double r = Math.abs(res[i]);
            if (r <= c1) rw[i] = 1.;
            else if (r <= c9) { double q = r / cmad, c = 1. - q * q; rw[i] = c * c; }
            else rw[i] = 0.;
        }
        return true;
    }
}
