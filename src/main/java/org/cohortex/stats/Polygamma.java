package org.cohortex.stats;

/**
 * digamma, trigamma and psi'' (R's psigamma(x, deriv = 2)) for x > 0, and limma's trigammaInverse.
 * The recurrence psi(x) = psi(x + 1) - 1/x lifts x to at least 10, where the asymptotic (Stirling)
 * series with Bernoulli numbers up to B_16 is accurate to ~1e-17 relative (Abramowitz & Stegun
 * 6.3.18, 6.4.11-12); agreement with R's dpsifn ~1e-15.
 */
public final class Polygamma {
    private Polygamma() {}

    /** B_2, B_4, ..., B_16. */
    private static final double[] BERNOULLI = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6, -3617.0 / 510};
    private static final double SHIFT = 10;

    public static double digamma(double x) {
        if (!(x > 0) || x == Double.POSITIVE_INFINITY) return x == Double.POSITIVE_INFINITY ? x : Double.NaN;
        double r = 0;
        while (x < SHIFT) { r -= 1 / x; x += 1; }
        double x2 = 1 / (x * x), series = 0, pow = x2;
        for (int k = 1; k <= BERNOULLI.length; k++) {
            series += BERNOULLI[k - 1] / (2 * k) * pow;
            pow *= x2;
        }
        return r + Math.log(x) - 0.5 / x - series;
    }

    public static double trigamma(double x) {
        if (!(x > 0)) return Double.NaN;
        if (x == Double.POSITIVE_INFINITY) return 0;
        double r = 0;
        while (x < SHIFT) { r += 1 / (x * x); x += 1; }
        double x2 = 1 / (x * x), series = 0, pow = x2 / x;
        for (int k = 1; k <= BERNOULLI.length; k++) {
            series += BERNOULLI[k - 1] * pow;
            pow *= x2;
        }
        return r + 1 / x + 0.5 * x2 + series;
    }

    /** psi''(x), R's psigamma(x, deriv = 2). */
    public static double tetragamma(double x) {
        if (!(x > 0)) return Double.NaN;
        if (x == Double.POSITIVE_INFINITY) return 0;
        double r = 0;
        while (x < SHIFT) { r -= 2 / (x * x * x); x += 1; }
        double x2 = 1 / (x * x), series = 0, pow = x2 * x2;
        for (int k = 1; k <= BERNOULLI.length; k++) {
            series += (2 * k + 1) * BERNOULLI[k - 1] * pow;
            pow *= x2;
        }
        return r - x2 - x2 / x - series;
    }

    /**
     * y with trigamma(y) = x, as limma 3.54's trigammaInverse: 1/sqrt(x) above 1e7, 1/x below 1e-6,
     * else Newton's method on 1/trigamma from y = 0.5 + 1/x until the step is below 1e-8 relative
     * (at most 50 steps; limma then warns and returns the last iterate, as here).
     */
    public static double trigammaInverse(double x) {
        if (Double.isNaN(x) || x < 0) return Double.NaN;
        if (x > 1e7) return 1 / Math.sqrt(x);
        if (x < 1e-6) return 1 / x;
        double y = 0.5 + 1 / x;
        for (int iter = 1; ; iter++) {
            double tri = trigamma(y);
            double dif = tri * (1 - tri / x) / tetragamma(y);
            y += dif;
            if (-dif / y < 1e-8 || iter > 50) return y;
        }
    }
}
