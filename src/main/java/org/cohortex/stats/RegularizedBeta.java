package org.cohortex.stats;

import org.apache.commons.math3.special.Beta;

/**
 * The regularized incomplete beta function I_x(a, b), computed in log space so that tails far below
 * the double range of ordinary formulas keep their relative precision. Continued fraction of
 * DLMF 8.17.22 evaluated by the modified Lentz method; the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) is
 * used where the fraction converges slowly, with 1-x passed in separately to avoid cancellation.
 */
public final class RegularizedBeta {
    private static final double EPS = 1e-16;
    private static final double TINY = 1e-300;
    private static final int MAX_ITER = 100_000;

    private RegularizedBeta() {}

    /** log I_x(a,b), with y = 1 - x supplied by the caller (computed without cancellation). */
    public static double logRegularizedBeta(double x, double y, double a, double b) {
        if (!(a > 0) || !(b > 0)) return Double.NaN;
        return logRegularizedBeta(x, y, a, b, Beta.logBeta(a, b));
    }

    /** As above with log B(a,b) supplied: batches of tests on the same degrees of freedom share it. */
    public static double logRegularizedBeta(double x, double y, double a, double b, double logBetaAB) {
        if (Double.isNaN(x) || Double.isNaN(y) || !(a > 0) || !(b > 0)) return Double.NaN;
        if (x <= 0) return Double.NEGATIVE_INFINITY;
        if (y <= 0) return 0.0;
        if (x < (a + 1) / (a + b + 2)) return logFront(x, y, a, b, logBetaAB) - Math.log(continuedFraction(x, a, b));
        double other = Math.exp(logFront(y, x, b, a, logBetaAB)) / continuedFraction(y, b, a);
        return Math.log1p(-other);
    }

    /** log( x^a y^b / (a B(a,b)) ). */
    private static double logFront(double x, double y, double a, double b, double logBetaAB) {
        return a * Math.log(x) + b * Math.log(y) - Math.log(a) - logBetaAB;
    }

    /** 1 / (the continued-fraction factor): I_x = front / continuedFraction(x, a, b). */
    private static double continuedFraction(double x, double a, double b) {
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1.0, d = 1.0 - qab * x / qap;
        if (Math.abs(d) < TINY) d = TINY;
        d = 1.0 / d;
        double h = d;
        for (int m = 1; m <= MAX_ITER; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1.0 + aa * d;
            if (Math.abs(d) < TINY) d = TINY;
            c = 1.0 + aa / c;
            if (Math.abs(c) < TINY) c = TINY;
            d = 1.0 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1.0 + aa * d;
            if (Math.abs(d) < TINY) d = TINY;
            c = 1.0 + aa / c;
            if (Math.abs(c) < TINY) c = TINY;
            d = 1.0 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1.0) < EPS) return 1.0 / h;
        }
        throw new ArithmeticException("incomplete beta continued fraction did not converge: x=" + x + " a=" + a + " b=" + b);
    }
}
