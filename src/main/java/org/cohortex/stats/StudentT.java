package org.cohortex.stats;

import org.apache.commons.math3.special.Beta;

/**
 * Tails of Student's t distribution accurate far into the tail: the two-sided p-value is
 * P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2) (Abramowitz & Stegun 26.7.1), evaluated in log space.
 * p-values keep full relative precision down to the smallest double (~4.9e-324); below that
 * {@link #logTwoSidedP} still gives the exact logarithm.
 */
public final class StudentT {
    private StudentT() {}

    /** Natural log of the two-sided p-value of t on df degrees of freedom. */
    public static double logTwoSidedP(double t, double df) {
        if (Double.isNaN(t) || !(df > 0)) return Double.NaN;
        double t2 = t * t;
        if (Double.isInfinite(t2)) return Double.NEGATIVE_INFINITY;
        // x = df/(df+t^2), y = 1-x = t^2/(df+t^2), both without cancellation
        double x = df / (df + t2), y = t2 / (df + t2);
        return RegularizedBeta.logRegularizedBeta(x, y, df / 2.0, 0.5);
    }

    public static double twoSidedP(double t, double df) {
        return Math.exp(logTwoSidedP(t, df));
    }

    /** Two-sided p-values for many t on one df, sharing log B(df/2, 1/2). */
    public static double[] twoSidedP(double[] t, double df) {
        double lb = Beta.logBeta(df / 2.0, 0.5);
        double[] p = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            double t2 = t[i] * t[i];
            if (Double.isNaN(t[i])) p[i] = Double.NaN;
            else if (Double.isInfinite(t2)) p[i] = 0;
            else p[i] = Math.exp(RegularizedBeta.logRegularizedBeta(df / (df + t2), t2 / (df + t2), df / 2.0, 0.5, lb));
        }
        return p;
    }

    /** log P(T <= t) (lower tail). */
    public static double logCdf(double t, double df) {
        double half = logTwoSidedP(t, df) - Math.log(2);
        if (t <= 0) return half;
        return Math.log1p(-Math.exp(half));
    }
}
