package org.cohortex.io;

import java.math.BigDecimal;

/**
 * The double nearest to a decimal m x 10^e (m below 10^18), without Double.parseDouble's big-integer
 * path. Double.toString and R's 17-digit output need 16-17 significant digits, which Clinger's
 * one-rounding fast path cannot take (m beyond 2^53); JDK 17's parseDouble then takes ~1 us a value,
 * most of reading a grid's de.tsv tables back.
 * <p>Method: m = mh + ml and 10^|e| = ph + pl as double-doubles (10^k exact for k at most 22, above
 * that from BigDecimal), the product or quotient to about 2^-102 relative (fma for the exact
 * partial products, the exact division remainder), then the double-double's high part is the nearest
 * double unless the low part lies within 2^-90 |v| of half an ulp (a near tie) or the high part is a
 * power of two (the ulp below is half the ulp above); those cases, subnormals and magnitudes beyond
 * 1e+-290 return NaN and the caller asks Double.parseDouble, whose answer is the same, only slower.
 * About 20 flops a value.
 */
final class DecimalToDouble {
    private static final int MAX_POW = 308;
    private static final double[] POW_HI = new double[MAX_POW + 1], POW_LO = new double[MAX_POW + 1];
    private static final double TIE_MARGIN = 0x1p-90, LOWEST = 1e-290, HIGHEST = 1e290;
    private static final long EXACT_MANTISSA = 1L << 53;

    static {
        for (int k = 0; k <= MAX_POW; k++) {
            BigDecimal p = BigDecimal.TEN.pow(k);
            POW_HI[k] = p.doubleValue();
            POW_LO[k] = p.subtract(new BigDecimal(POW_HI[k])).doubleValue();
        }
    }

    private DecimalToDouble() {}

    /** m x 10^e correctly rounded, for 0 &lt;= m &lt; 10^18; NaN where this method cannot decide (the caller falls back). */
    static double of(long m, int e) {
        if (m == 0) return 0.0;
        if (e < -MAX_POW || e > MAX_POW) return Double.NaN;
        if (m < EXACT_MANTISSA && e >= -22 && e <= 22) {
            // Clinger: both operands exact, one rounding
            return e >= 0 ? m * POW_HI[e] : m / POW_HI[-e];
        }
        double mh = (double) m, ml = (double) (m - (long) mh); // m = mh + ml exactly (|ml| <= 64)
        int k = Math.abs(e);
        double ph = POW_HI[k], pl = POW_LO[k];
        double a, b;
        if (e >= 0) {
            a = mh * ph;
            b = Math.fma(mh, ph, -a) + (mh * pl + ml * ph + ml * pl);
        } else {
            a = mh / ph;
            double r = Math.fma(-a, ph, mh); // exact: the remainder of a correctly rounded quotient is a double
            r = r + ml - a * pl;
            b = r / ph;
        }
        double s = a + b, bb = s - a, t = (a - (s - bb)) + (b - bb); // two-sum: s + t = a + b exactly
        double abs = Math.abs(s);
        if (!(abs > LOWEST && abs < HIGHEST)) return Double.NaN;
        if ((Double.doubleToRawLongBits(s) & 0x000F_FFFF_FFFF_FFFFL) == 0) return Double.NaN;
        if (Math.abs(Math.abs(t) - Math.ulp(s) / 2) <= TIE_MARGIN * abs) return Double.NaN;
        return s;
    }

    /**
     * A decimal in R's syntax ({@link Numbers#isDecimal}) through {@link #of}, checked in the same
     * pass; NaN when it is not one, has more than 18 significant digits, or {@link #of} cannot decide
     * (the caller then checks the syntax and asks Double.parseDouble).
     */
    static double parse(CharSequence s) {
        int i = 0, n = s.length();
        if (n == 0) return Double.NaN;
        boolean neg = false;
        char c0 = s.charAt(0);
        if (c0 == '-' || c0 == '+') { neg = c0 == '-'; i++; }
        long mant = 0;
        int sig = 0, exp10 = 0, digits = 0;
        boolean point = false;
        for (; i < n; i++) { // the digits, one decimal point among them
            char c = s.charAt(i);
            if (c == '.' && !point) { point = true; continue; }
            if (c < '0' || c > '9') break;
            digits++;
            if (mant != 0 || c != '0') {
                if (sig == 18) return Double.NaN;
                mant = mant * 10 + (c - '0');
                sig++;
            }
            if (point) exp10--;
        }
        if (digits == 0) return Double.NaN;
        if (i < n) {
            char c = s.charAt(i++);
            if (c != 'e' && c != 'E') return Double.NaN;
            boolean eneg = false;
            if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) { eneg = s.charAt(i) == '-'; i++; }
            int ev = 0, ed = 0;
            for (; i < n; i++) {
                char d = s.charAt(i);
                if (d < '0' || d > '9') return Double.NaN;
                if (ev < 100_000) ev = ev * 10 + (d - '0');
                ed++;
            }
            if (ed == 0) return Double.NaN;
            exp10 += eneg ? -ev : ev;
        }
        double v = of(mant, exp10);
        return neg ? -v : v;
    }
}
