package org.cohortex.random;

import java.util.SplittableRandom;

import org.apache.commons.math3.special.Gamma;

/** Random variates drawn from a {@link KeyedStreams} stream: gamma, Poisson, negative binomial, Dirichlet. */
public final class Variates {
    private Variates() {}

    public static double normal(SplittableRandom r) { return r.nextGaussian(); }

    /** Gamma(shape, scale=1) by Marsaglia & Tsang (2000); shape < 1 via the u^(1/shape) boost. */
    public static double gamma(SplittableRandom r, double shape) {
        if (shape < 1) {
            double u = r.nextDouble();
            return gamma(r, shape + 1) * Math.pow(u, 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0, c = 1.0 / Math.sqrt(9 * d);
        while (true) {
            double x = r.nextGaussian(), v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = r.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) return d * v;
            if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
        }
    }

    /** Poisson(lambda): multiplication method below 10, Hormann's PTRS (1993) transformed rejection above. */
    public static long poisson(SplittableRandom r, double lambda) {
        if (!(lambda > 0)) return 0;
        if (lambda < 10) {
            double l = Math.exp(-lambda), p = 1;
            long k = 0;
            do { k++; p *= r.nextDouble(); } while (p > l);
            return k - 1;
        }
        double slam = Math.sqrt(lambda), loglam = Math.log(lambda);
        double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
        double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
        while (true) {
            double u = r.nextDouble() - 0.5, v = r.nextDouble();
            double us = 0.5 - Math.abs(u);
            long k = (long) Math.floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr) return k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            double accept = -lambda + k * loglam - Gamma.logGamma(k + 1.0);
            if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= accept) return k;
        }
    }

    /** Negative binomial with mean mu and dispersion phi (var = mu + phi mu^2), as a gamma-Poisson mixture. */
    public static long negativeBinomial(SplittableRandom r, double mu, double phi) {
        if (!(mu > 0)) return 0;
        if (phi <= 0) return poisson(r, mu);
        double shape = 1 / phi;
        return poisson(r, gamma(r, shape) * mu / shape);
    }

    /** Dirichlet(alpha) by normalised gammas. */
    public static double[] dirichlet(SplittableRandom r, double[] alpha) {
        double[] x = new double[alpha.length];
        double s = 0;
        for (int i = 0; i < alpha.length; i++) { x[i] = gamma(r, alpha[i]); s += x[i]; }
        for (int i = 0; i < x.length; i++) x[i] /= s;
        return x;
    }
}
