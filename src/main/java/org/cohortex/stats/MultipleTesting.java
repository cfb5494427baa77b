package org.cohortex.stats;

import java.util.Arrays;

/**
 * Multiple-testing corrections with R's p.adjust semantics: NaN (NA) p-values are left NA and not
 * counted in m, as p.adjust does by default.
 */
public final class MultipleTesting {
    private MultipleTesting() {}

    public static int countTested(double[] p) {
        int m = 0;
        for (double v : p) if (!Double.isNaN(v)) m++;
        return m;
    }

    /** min(1, m p). */
    public static double[] bonferroni(double[] p) {
        return bonferroni(p, countTested(p));
    }

    /** min(1, m p) with an explicit m (e.g. experiment-wise over several sets). */
    public static double[] bonferroni(double[] p, long m) {
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) out[i] = Double.isNaN(p[i]) ? Double.NaN : Math.min(1.0, p[i] * m);
        return out;
    }

    /** Benjamini-Hochberg q-values: q_(i) = min_{j >= i} min(1, m p_(j) / j). */
    public static double[] benjaminiHochberg(double[] p) {
        int m = countTested(p);
        int[] tested = new int[m];
        for (int i = 0, k = 0; i < p.length; i++) if (!Double.isNaN(p[i])) tested[k++] = i;
        int[] idx = Order.ascending(p, tested);
        double[] out = new double[p.length];
        Arrays.fill(out, Double.NaN);
        double running = 1.0;
        for (int r = m - 1; r >= 0; r--) {
            double q = Math.min(1.0, p[idx[r]] * m / (r + 1));
            running = Math.min(running, q);
            out[idx[r]] = running;
        }
        return out;
    }
}
