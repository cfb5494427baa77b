package org.cohortex.enrich;

import org.apache.commons.math3.special.Gamma;
import org.cohortex.stats.RegularizedBeta;

/**
 * Exact tests with tails accurate far below the double range: every probability is computed as a
 * natural logarithm ({@code log*} methods); {@code log10} of a p-value is what to report when the
 * p-value itself underflows (below ~1e-308).
 *
 * Binomial densities use Loader's saddle-point expansion (Loader 2000, "Fast and accurate
 * computation of binomial probabilities"; the method of R's dbinom), hypergeometric densities the
 * ratio of binomial densities (as R's dhyper). The two-sided tests follow R's definitions:
 * binom.test and fisher.test sum the probabilities of outcomes no more likely than the observed
 * one, with a relative tolerance of 1e-7.
 */
public final class ExactTests {
    private static final double LN_2PI = Math.log(2 * Math.PI), REL_ERR = 1 + 1e-7;

    private ExactTests() {}

    // ------------------------------------------------------------------ densities

    /** log(n!) - log(sqrt(2 pi n) (n/e)^n), the error of Stirling's formula. */
    static double stirlerr(double n) {
        if (n <= 15) return Gamma.logGamma(n + 1) - (n + 0.5) * Math.log(n) + n - 0.5 * LN_2PI;
        double nn = n * n;
        // 1/12n - 1/360n^3 + 1/1260n^5 - 1/1680n^7 + 1/1188n^9 (Stirling series)
        if (n > 500) return (1.0 / 12 - 1.0 / 360 / nn) / n;
        if (n > 80) return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / nn) / nn) / n;
        if (n > 35) return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / 1680 / nn) / nn) / nn) / n;
        return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / 1188 / nn) / nn) / nn) / nn) / n;
    }

    /** x log(x/m) + m - x, without cancellation when x ~ m (deviance term). */
    static double bd0(double x, double m) {
        if (Math.abs(x - m) < 0.1 * (x + m)) {
            double v = (x - m) / (x + m), s = (x - m) * v, ej = 2 * x * v;
            v = v * v;
            for (int j = 1; j < 1000; j++) {
                ej *= v;
                double s1 = s + ej / (2 * j + 1);
                if (s1 == s) return s1;
                s = s1;
            }
            return s;
        }
        return x * Math.log(x / m) + m - x;
    }

    /** log P(X = x), X ~ Binomial(n, p). */
    public static double logDbinom(long x, long n, double p) {
        if (x < 0 || x > n) return Double.NEGATIVE_INFINITY;
        double q = 1 - p;
        if (p == 0) return x == 0 ? 0 : Double.NEGATIVE_INFINITY;
        if (q == 0) return x == n ? 0 : Double.NEGATIVE_INFINITY;
        if (x == 0) return n == 0 ? 0 : (p < 0.1 ? -bd0(n, n * q) - n * p : n * Math.log(q));
        if (x == n) return q < 0.1 ? -bd0(n, n * p) - n * q : n * Math.log(p);
        double lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
        return lc + 0.5 * Math.log(n / (2 * Math.PI * x * (double) (n - x)));
    }

    /** log P(X = x), X ~ Hypergeometric: x white balls drawn in k draws from m white and nb black. */
    public static double logDhyper(long x, long m, long nb, long k) {
        if (x < Math.max(0, k - nb) || x > Math.min(k, m)) return Double.NEGATIVE_INFINITY;
        if (k == 0) return 0;
        double p = (double) k / (m + nb);
        return logDbinom(x, m, p) + logDbinom(k - x, nb, p) - logDbinom(k, m + nb, p);
    }

    // ------------------------------------------------------------------ tails

    /** log P(X >= x), X ~ Binomial(n, p): I_p(x, n - x + 1). */
    public static double logBinomUpper(long x, long n, double p) {
        if (x <= 0) return 0;
        if (x > n) return Double.NEGATIVE_INFINITY;
        return RegularizedBeta.logRegularizedBeta(p, 1 - p, x, n - x + 1);
    }

    /** log P(X <= x), X ~ Binomial(n, p): I_{1-p}(n - x, x + 1). */
    public static double logBinomLower(long x, long n, double p) {
        if (x >= n) return 0;
        if (x < 0) return Double.NEGATIVE_INFINITY;
        return RegularizedBeta.logRegularizedBeta(1 - p, p, n - x, x + 1);
    }

    /** log of the sum of exp(terms). */
    static double logSumExp(double[] v, int from, int to) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) max = Math.max(max, v[i]);
        if (max == Double.NEGATIVE_INFINITY) return max;
        double s = 0;
        for (int i = from; i < to; i++) s += Math.exp(v[i] - max);
        return max + Math.log(s);
    }

    /** log P(X >= x) for the hypergeometric (R: phyper(x - 1, m, n, k, lower.tail = FALSE)). */
    public static double logHyperUpper(long x, long m, long nb, long k) {
        long lo = Math.max(0, k - nb), hi = Math.min(k, m);
        if (x <= lo) return 0;
        if (x > hi) return Double.NEGATIVE_INFINITY;
        double[] t = new double[(int) (hi - x + 1)];
        for (long s = x; s <= hi; s++) t[(int) (s - x)] = logDhyper(s, m, nb, k);
        return Math.min(0, logSumExp(t, 0, t.length));
    }

    public enum Alternative { TWO_SIDED, GREATER, LESS }

    /** log p of binom.test(x, n, p, alternative). */
    public static double logBinomTest(long x, long n, double p, Alternative alt) {
        switch (alt) {
            case GREATER: return logBinomUpper(x, n, p);
            case LESS: return logBinomLower(x, n, p);
            default:
        }
        double m = n * p;
        if (x == m) return 0;
        double d = logDbinom(x, n, p) + Math.log(REL_ERR);
        double lp;
        if (x < m) {
            long y = 0;
            for (long i = (long) Math.ceil(m); i <= n; i++) if (logDbinom(i, n, p) <= d) y++;
            lp = logAdd(logBinomLower(x, n, p), logBinomUpper(n - y + 1, n, p));
        } else {
            long y = 0;
            for (long i = 0; i <= (long) Math.floor(m); i++) if (logDbinom(i, n, p) <= d) y++;
            lp = logAdd(logBinomLower(y - 1, n, p), logBinomUpper(x, n, p));
        }
        return Math.min(0, lp);
    }

    static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        if (b == Double.NEGATIVE_INFINITY) return a;
        double hi = Math.max(a, b), lo = Math.min(a, b);
        return hi + Math.log1p(Math.exp(lo - hi));
    }

    /**
     * log p of fisher.test on the 2x2 table [[a, b], [c, d]] (a = in list and in set), odds ratio 1:
     * conditional on the margins, a is hypergeometric.
     */
    public static double logFisher(long a, long b, long c, long d, Alternative alt) {
        long m = a + c, nb = b + d, k = a + b;
        long lo = Math.max(0, k - nb), hi = Math.min(k, m);
        int size = (int) (hi - lo + 1);
        double[] ld = new double[size];
        for (long s = lo; s <= hi; s++) ld[(int) (s - lo)] = logDhyper(s, m, nb, k);
        double total = logSumExp(ld, 0, size);
        int ix = (int) (a - lo);
        double lp;
        switch (alt) {
            case GREATER:
                lp = logSumExp(ld, ix, size) - total;
                break;
            case LESS:
                lp = logSumExp(ld, 0, ix + 1) - total;
                break;
            default:
                double cut = ld[ix] + Math.log(REL_ERR);
                double[] sel = new double[size];
                int q = 0;
                for (int i = 0; i < size; i++) if (ld[i] <= cut) sel[q++] = ld[i];
                lp = logSumExp(sel, 0, q) - total;
        }
        return Math.min(0, lp);
    }

    /** Sample odds ratio (a d)/(b c) (Inf or NaN where a margin cell is 0). */
    public static double oddsRatio(long a, long b, long c, long d) {
        return (double) a * d / ((double) b * c);
    }

    public static double log10(double ln) { return ln / Math.log(10); }
}
