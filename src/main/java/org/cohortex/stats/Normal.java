package org.cohortex.stats;

import org.apache.commons.math3.special.Erf;

/** Standard normal density, distribution and quantile functions, accurate in the tails. */
public final class Normal {
    private static final double SQRT2 = Math.sqrt(2), LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private Normal() {}

    public static double density(double x) { return Math.exp(-0.5 * x * x - LOG_SQRT_2PI); }

    /** P(Z <= x), through erfc so that the lower tail keeps relative precision. */
    public static double cdf(double x) {
        return x < 0 ? 0.5 * Erf.erfc(-x / SQRT2) : 1 - 0.5 * Erf.erfc(x / SQRT2);
    }

    // Wichura (1988), Algorithm AS 241 (PPND16), Applied Statistics 37:477-484: coefficients of the three rational
    // approximations, highest power first (the order in which they are evaluated)
    private static final double[] CENTRAL_NUM = {2509.0809287301226727, 33430.575583588128105, 67265.770927008700853,
        45921.953931549871457, 13731.693765509461125, 1971.5909503065514427, 133.14166789178437745, 3.387132872796366608};
    private static final double[] CENTRAL_DEN = {5226.495278852854561, 28729.085735721942674, 39307.89580009271061,
        21213.794301586595867, 5394.1960214247511077, 687.1870074920579083, 42.313330701600911252, 1.0};
    private static final double[] NEAR_NUM = {7.7454501427834140764e-4, .0227238449892691845833, .24178072517745061177,
        1.27045825245236838258, 3.64784832476320460504, 5.7694972214606914055, 4.6303378461565452959, 1.42343711074968357734};
    private static final double[] NEAR_DEN = {1.05075007164441684324e-9, 5.475938084995344946e-4, .0151986665636164571966,
        .14810397642748007459, .68976733498510000455, 1.6763848301838038494, 2.05319162663775882187, 1.0};
    private static final double[] FAR_NUM = {2.01033439929228813265e-7, 2.71155556874348757815e-5, .0012426609473880784386,
        .026532189526576123093, .29656057182850489123, 1.7848265399172913358, 5.4637849111641143699, 6.6579046435011037772};
    private static final double[] FAR_DEN = {2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5,
        7.868691311456132591e-4, .0148753612908506148525, .13692988092273580531, .59983220655588793769, 1.0};

    /**
     * The quantile by AS 241 (about 1e-16 relative), the algorithm of R's qnorm (nmath/qnorm.c), evaluated in the
     * same order: R's values bit for bit wherever Java's and the C library's log agree (NormalTest: 4,027
     * probabilities from 1e-300 to 1 - 1e-15 against R 4.2.2, all equal). About 20 ns. It replaced a Newton polish
     * on commons-math's erfc (~400 ns, up to 3 ulps from R's in sva's range and 2e-14 relative near 1e-300).
     */
    public static double quantile(double p) {
        if (Double.isNaN(p) || p < 0 || p > 1) return Double.NaN;
        if (p == 0) return Double.NEGATIVE_INFINITY;
        if (p == 1) return Double.POSITIVE_INFINITY;
        double q = p - 0.5;
        if (Math.abs(q) <= .425) { // 0.075 <= p <= 0.925
            double r = .180625 - q * q;
            return q * horner(CENTRAL_NUM, r) / horner(CENTRAL_DEN, r);
        }
        double r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p)); // the smaller tail: min(p, 1 - p) = exp(-r^2)
        double val = r <= 5 ? horner(NEAR_NUM, r - 1.6) / horner(NEAR_DEN, r - 1.6) // min(p, 1 - p) >= exp(-25)
                : horner(FAR_NUM, r - 5) / horner(FAR_DEN, r - 5);
        return q < 0 ? -val : val;
    }

    private static double horner(double[] c, double x) {
        double v = c[0];
        for (int i = 1; i < c.length; i++) v = v * x + c[i];
        return v;
    }
}
