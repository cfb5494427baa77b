package org.cohortex.stats;

import org.apache.commons.math3.special.Beta;

/**
 * Upper tail of Fisher's F distribution, P(F_{d1, d2} > f) = I_{d2 / (d2 + d1 f)}(d2/2, d1/2)
 * (Abramowitz and Stegun 26.6.2), through {@link RegularizedBeta} in log space so that small p-values
 * keep their relative precision (R's {@code pf(f, d1, d2, lower.tail = FALSE)}).
 */
public final class FisherF {
    private FisherF() {}

    public static double upperTail(double f, double d1, double d2) {
        return upperTail(f, d1, d2, Beta.logBeta(d2 / 2, d1 / 2));
    }

    /** As above with log B(d2/2, d1/2) supplied: many tests on the same degrees of freedom share it. */
    public static double upperTail(double f, double d1, double d2, double logBeta) {
        if (Double.isNaN(f) || !(d1 > 0) || !(d2 > 0)) return Double.NaN;
        if (f <= 0) return 1.0;
        if (Double.isInfinite(f)) return 0.0;
        double x = d2 / (d2 + d1 * f), y = d1 * f / (d2 + d1 * f);
        return Math.exp(RegularizedBeta.logRegularizedBeta(x, y, d2 / 2, d1 / 2, logBeta));
    }
}
