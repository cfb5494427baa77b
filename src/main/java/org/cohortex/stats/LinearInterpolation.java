package org.cohortex.stats;

/**
 * R's approxfun(x, y, rule = 2, ties = list("ordered", mean)) for x already ascending: y of tied x
 * averaged, linear interpolation between neighbours (the C approx1 formula), the end values beyond
 * the range. Lookup by bisection: O(log n) per point.
 */
public final class LinearInterpolation {
    private final double[] x, y;

    /** x ascending (ties allowed), y beside it. */
    public LinearInterpolation(double[] xAscending, double[] y) {
        int n = xAscending.length;
        if (n < 2 || y.length != n) {
            throw new IllegalArgumentException("need at least two points of equal length, got " + n + " and " + y.length);
        }
        int unique = 1;
        for (int i = 1; i < n; i++) {
            if (xAscending[i] < xAscending[i - 1]) throw new IllegalArgumentException("x not ascending at " + i);
            if (xAscending[i] != xAscending[i - 1]) unique++;
        }
        this.x = new double[unique];
        this.y = new double[unique];
        for (int i = 0, k = 0; i < n; k++) {
            int j = i;
            while (j < n && xAscending[j] == xAscending[i]) j++;
            this.x[k] = xAscending[i];
            this.y[k] = j - i == 1 ? y[i] : RSummary.mean(y, i, j);
            i = j;
        }
        if (unique < 2) throw new IllegalArgumentException("need at least two distinct x values to interpolate");
    }

    public double at(double v) {
        int i = 0, j = x.length - 1;
        if (Double.isNaN(v)) return v;
        if (v < x[i]) return y[0];
        if (v > x[j]) return y[j];
        while (i < j - 1) {
            int ij = (i + j) >>> 1;
            if (v < x[ij]) j = ij; else i = ij;
        }
        if (v == x[j]) return y[j];
        if (v == x[i]) return y[i];
        return y[i] + (y[j] - y[i]) * ((v - x[i]) / (x[j] - x[i]));
    }
}
