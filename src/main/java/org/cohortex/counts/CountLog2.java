package org.cohortex.counts;

import org.cohortex.stats.Log2;

/**
 * log2(c + offset) of the integer counts c below {@link #LIMIT}, each as a double-double with its error bound
 * ({@link Log2#parts}), and 1 / (c + offset): a count's logarithm is the same in every sample, so TMM's and voom's
 * log2 of count ratios become sums of table entries and per-sample logarithms plus the ratio's own rounding, rounded
 * once ({@link Log2#roundOrNaN}); the few sums too close to a rounding midpoint are evaluated directly, so every
 * value keeps the bits of Log2.log2 of the ratio R computes. 99.85% of the demo cohort's counts are below 2^16.
 * One interleaved row of 4 doubles per count (hi, lo, err, 1 / (c + offset)): 2 MiB per offset, built once per JVM.
 */
final class CountLog2 {
    /** 1 / ln 2, for the roundings' relative errors, which enter the sums as ln(1 + e) / ln 2 = e / ln 2. */
    static final double INV_LN2 = 1 / Math.log(2);
    /**
     * Bounds the rounding errors of a sum of table entries, per-sample parts and corrections (under 2^-96 each: a few
     * terms below 2^-44, the corrections below 2^-100), added to the entries' own bounds.
     */
    static final double SUM_ERROR = 0x1p-90;

    /** Counts below this have a row. */
    static final int LIMIT = 1 << 16;

    /** The rows for c (edgeR's TMM) and c + 0.5 (voom's log2-CPM). */
    static final double[] PLAIN = build(0), HALF = build(0.5);

    private CountLog2() {}

    /** One thread: a parallel stream in a class initialiser would wait on this class's own initialisation (~2 ms). */
    private static double[] build(double offset) {
        double[] t = new double[4 * LIMIT];
        for (int c = 0; c < LIMIT; c++) {
            double x = c + offset;
            if (Log2.parts(x, t, 4 * c)) t[4 * c + 3] = 1 / x;
            else t[4 * c] = Double.NaN; // c + offset = 0: no logarithm
        }
        return t;
    }
}
