package org.cohortex.stats;

/**
 * Base-2 logarithm rounded correctly to the nearest double (double-double evaluation to ~2^-88
 * relative before the final rounding, so a wrong rounding needs the exact value within 2^-35 ulp of
 * a midpoint). R's log2 is C's: glibc's log2 is within 0.502 ulp; the usual
 * {@code Math.log(x) / Math.log(2)} differs from it in the last bit for ~30% of count ratios, this
 * one for ~0.6% (measured on 6,000; every such case was glibc's misrounding). The last bit matters
 * where R compares or ranks logarithms: edgeR's TMM trims by rank, and ties between equal log-ratios
 * must stay ties. Method: a fast table evaluation ({@link #fastOrNaN}, ~2^-66 relative) that answers when its
 * rounding is certain (99.99% of count ratios); otherwise x = 2^e m, m in [1, 2) split at c_k = 1 + k/128 (table
 * of log2 c_k in double-double), log(m / c_k) = 2 atanh(s) with s = (m - c_k)/(m + c_k) < 1/257.
 */
public final class Log2 {
    private Log2() {}

    private static final double SPLIT = 134217729.0; // 2^27 + 1, Dekker's splitter
    private static final double INV_LN2_HI = 1.4426950408889634, INV_LN2_LO = 2.0355273740931033e-17;
    private static final int TABLE = 128;
    private static final double[] LOG2_C_HI = new double[TABLE], LOG2_C_LO = new double[TABLE];

    private static final int FAST_BITS = 8, FAST = 1 << FAST_BITS;
    private static final double[] FAST_INVC = new double[FAST], FAST_T_HI = new double[FAST], FAST_T_LO = new double[FAST];

    static {
        FAST_INVC[0] = 1;
        for (int k = 1; k < FAST; k++) { // T_k = -log2(invc_k) = 1 - log2(2 invc_k), 2 invc_k in (1, 2)
            double invc = 1 / (1 + (k + 0.5) / FAST);
            double[] l = log2Series(2 * invc);
            double s = 1 - l[0], bv = s - 1, lo = ((1 - (s - bv)) + (-l[0] - bv)) - l[1], hi = s + lo;
            FAST_INVC[k] = invc;
            FAST_T_HI[k] = hi;
            FAST_T_LO[k] = lo - (hi - s);
        }
        for (int k = 0; k < TABLE; k++) {
            double[] v = log2Series(1 + k / (double) TABLE);
            LOG2_C_HI[k] = v[0];
            LOG2_C_LO[k] = v[1];
        }
    }

    /** log2(1 + k/128), high and low parts (tested against a 60-digit evaluation). */
    static double tableHi(int k) { return LOG2_C_HI[k]; }

    static double tableLo(int k) { return LOG2_C_LO[k]; }

    /** The fast path's invc_k, and T_k = -log2(invc_k) as high and low parts (tested against a 60-digit evaluation). */
    static double[] fastTable(int k) { return new double[] {FAST_INVC[k], FAST_T_HI[k], FAST_T_LO[k]}; }

    /** The rounding error of a * b = p, exactly (Dekker, no FMA needed). */
    static double twoProductError(double a, double b, double p) {
        double t = SPLIT * a, ah = t - (t - a), al = a - ah;
        t = SPLIT * b;
        double bh = t - (t - b), bl = b - bh;
        return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    }

    /**
     * log2(x): NaN for x < 0 or NaN, -Inf at 0, +Inf at +Inf. A fast evaluation first (no division, relative error
     * below 2^-66 of the series part, see {@link #fastOrNaN}); where it cannot tell the rounding, {@link #accurate}.
     */
    public static double log2(double x) {
        double r = fastOrNaN(x);
        return r == r ? r : accurate(x);
    }

    /**
     * log2(x) for normal x when the rounding is certain, else NaN (Tang's table method, as glibc's log2 evaluates it,
     * carried to ~2^-66 relative): x = 2^e m, m in [1, 2), k the top 8 bits of m's fraction, invc_k the double
     * nearest 1 / (1 + (k + 1/2)/256) (1 for k = 0, so that x next to 1 keeps its relative precision), and
     * log2 x = e + T_k + log2(1 + z), T_k = -log2(invc_k) in double-double (within 2^-100, checked by a test),
     * z = m invc_k - 1 exactly as zh + zl (one FMA; zl = 0 for k = 0), |z| < 2^-8. ln(1 + z) = z - z^2/2 + z^3 P(z):
     * zh^2 exactly (FMA), the first-order terms of zl in z^2/2 and z^3/3, P to z^8 in doubles (truncation below
     * 2^-67 |z|, rounding below 2^-69 |z|); times 1/ln 2 in double-double; the sums exact two-sums but for the low
     * part. The bound used, 2^-62 |log2(1 + z)| + 2^-88 (|e| + 1), is more than 16 times the error; a result is
     * returned only when the value lies farther than the bound from the midpoints around it. No division: 1.5x the
     * speed of the atanh form this replaced, which needed one.
     */
    static double fastOrNaN(double x) { return fast(x, null, 0); }

    /**
     * log2(x) for normal positive x as an unevaluated sum: out[at] + out[at + 1] lies within out[at + 2] of log2 x (the
     * fast evaluation's double-double before its rounding, and its bound, at least 16 times its error); false, and out
     * untouched, for zero, subnormal, negative, infinite or NaN x. For sums and differences of logarithms that must
     * round as R's log2 of the rounded argument does ({@link #roundOrNaN}).
     */
    public static boolean parts(double x, double[] out, int at) {
        if (!(x >= Double.MIN_NORMAL && x <= Double.MAX_VALUE)) return false;
        fast(x, out, at);
        return true;
    }

    /**
     * The double nearest the exact value v, known only as hi + lo within err of it, when every value within err of
     * hi + lo rounds to the same double; else NaN (then v is to be evaluated another way). 0 is never answered.
     */
    public static double roundOrNaN(double hi, double lo, double err) {
        double r = hi + lo, b = r - hi, rem = (hi - (r - b)) + (lo - b); // hi + lo = r + rem exactly
        return Math.abs(rem) + err < halfUlpBelow(r) ? r : Double.NaN;
    }

    /** Half an ulp of r, a quarter when r is a power of two (the gap below it); not positive for r = 0 or |r| < 2^-969. */
    private static double halfUlpBelow(double r) {
        long rb = Double.doubleToRawLongBits(r);
        return Double.longBitsToDouble((rb & 0x7FF0000000000000L) - ((rb & 0x000FFFFFFFFFFFFFL) == 0 ? 54L : 53L) * (1L << 52));
    }

    /** {@link #fastOrNaN}'s evaluation; with out, its double-double and bound written to out[at..at + 2] as well. */
    private static double fast(double x, double[] out, int at) {
        long bits = Double.doubleToRawLongBits(x);
        int biased = (int) (bits >>> 52); // the sign bit too: negative x lands above 2046
        if (biased == 0 || biased >= 2047) return Double.NaN; // zero, subnormal, negative, infinite, NaN
        int e = biased - 1023, k = (int) (bits >>> (52 - FAST_BITS)) & (FAST - 1);
        double m = Double.longBitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        double invc = FAST_INVC[k];
        double p = m * invc, zl = Math.fma(m, invc, -p), zh = p - 1; // z = zh + zl exactly (p - 1 exact: Sterbenz)
        double q = zh * zh, ql = Math.fma(zh, zh, -q);
        double tail = q * zh * (1.0 / 3 + zh * (-1.0 / 4 + zh * (1.0 / 5 + zh * (-1.0 / 6 + zh * (1.0 / 7 + zh * (-1.0 / 8))))));
        double hq = -0.5 * q, h = zh + hq; // |zh| > |hq|: h + (low) = zh - zh^2/2 exactly
        double lo = ((zh - h) + hq) + (zl - 0.5 * ql - zh * zl + q * zl + tail);
        double ph = h * INV_LN2_HI, pl = Math.fma(h, INV_LN2_HI, -ph) + (h * INV_LN2_LO + lo * INV_LN2_HI);
        double th = FAST_T_HI[k], s1 = th + ph, b1 = s1 - th, lo1 = ((th - (s1 - b1)) + (ph - b1)) + pl + FAST_T_LO[k];
        double s2 = e + s1, b2 = s2 - e;
        lo1 += (e - (s2 - b2)) + (s1 - b2);
        double r = s2 + lo1, b3 = r - s2, rem = (s2 - (r - b3)) + (lo1 - b3); // s2 + lo1 = r + rem exactly
        double bound = 0x1p-62 * Math.abs(ph) + 0x1p-88 * (Math.abs(e) + 1);
        if (out != null) {
            out[at] = r;
            out[at + 1] = rem;
            out[at + 2] = bound;
        }
        return Math.abs(rem) + bound < halfUlpBelow(r) ? r : Double.NaN;
    }

    /** log2(x) by the double-double evaluation alone. */
    static double accurate(double x) {
        if (!(x > 0)) return x == 0 ? Double.NEGATIVE_INFINITY : Double.NaN;
        if (x == Double.POSITIVE_INFINITY) return x;
        int e = Math.getExponent(x);
        if (e < Double.MIN_EXPONENT) { // subnormal: scale into the normal range
            x *= 0x1p54;
            e = Math.getExponent(x) - 54;
        }
        double m = Math.scalb(x, -Math.getExponent(x));
        int k = (int) ((m - 1) * TABLE);
        double c = 1 + k / (double) TABLE;
        double d = m - c; // exact (Sterbenz)
        if (d == 0) return sum(e, LOG2_C_HI[k], LOG2_C_LO[k]);
        double[] ln = lnRatio(d, m, c);
        // (ln m/c) / ln 2 in double-double
        double uh = ln[0] * INV_LN2_HI, ul = twoProductError(ln[0], INV_LN2_HI, uh) + (ln[0] * INV_LN2_LO + ln[1] * INV_LN2_HI);
        // + log2 c_k
        double s = LOG2_C_HI[k] + uh, bv = s - LOG2_C_HI[k], err = (LOG2_C_HI[k] - (s - bv)) + (uh - bv);
        return sum(e, s, err + ul + LOG2_C_LO[k]);
    }

    /** e + (hi + lo), rounded once. */
    private static double sum(int e, double hi, double lo) {
        double s = e + hi, bv = s - e, err = (e - (s - bv)) + (hi - bv);
        return s + (err + lo);
    }

    /** ln(m / c) = 2 atanh(s), s = d / (m + c), as a double-double {hi, lo}; |s| < 1/257. */
    private static double[] lnRatio(double d, double m, double c) {
        double ah = m + c, al = (m - (ah - (ah - m))) + (c - (ah - m)); // m + c exactly
        double sh = d / ah, ph = sh * ah, pl = twoProductError(sh, ah, ph);
        double sl = ((d - ph) - pl - sh * al) / ah;
        double zh = sh * sh, zl = twoProductError(sh, sh, zh) + 2 * sh * sl; // s^2
        // s^3 / 3 in double-double, the rest (s^5/5 + ...) in double: below 2^-88 of s
        double th = sh * zh, tl = twoProductError(sh, zh, th) + (sh * zl + sl * zh);
        double q = th / 3, ql = (th - 3 * q + twoProductError(-3, q, -3 * q) + tl) / 3;
        double rest = th * zh * (1.0 / 5 + zh * (1.0 / 7 + zh * (1.0 / 9 + zh / 11)));
        double hi = sh + q, err = (sh - hi) + q;
        err += sl + ql + rest;
        double h = hi + err;
        return new double[] {2 * h, 2 * (err - (h - hi))};
    }

    /** log2(m) for m in [1, 2) as a double-double by the plain atanh series (table construction only). */
    private static double[] log2Series(double m) {
        if (m == 1) return new double[] {0, 0};
        int e = 0;
        if (m > 1.4142135623730951) { m *= 0.5; e = 1; }
        double f = m - 1.0;
        double dh = 2.0 + f, dl = f - (dh - 2.0);
        double sh = f / dh, ph = sh * dh, pl = twoProductError(sh, dh, ph);
        double sl = ((f - ph) - pl - sh * dl) / dh;
        double zh = sh * sh, zl = twoProductError(sh, sh, zh) + 2 * sh * sl;
        double qh = 0, ql = 0;
        for (int k = 40; k >= 0; k--) { // q = q z + 1/(2k+1) in double-double
            double dk = 2 * k + 1, ch = 1 / dk, cl = ((1 - ch * dk) - twoProductError(ch, dk, ch * dk)) / dk;
            double mh = qh * zh, ml = twoProductError(qh, zh, mh) + (qh * zl + ql * zh);
            double s = mh + ch, bb = s - mh, err = (mh - (s - bb)) + (ch - bb) + ml + cl;
            qh = s + err;
            ql = err - (qh - s);
        }
        double rh = sh * qh, rl = twoProductError(sh, qh, rh) + (sh * ql + sl * qh); // ln m / 2
        double uh = rh * INV_LN2_HI, ul = twoProductError(rh, INV_LN2_HI, uh) + (rh * INV_LN2_LO + rl * INV_LN2_HI);
        uh *= 2;
        ul *= 2;
        double s = e + uh, bv = s - e, err = (e - (s - bv)) + (uh - bv) + ul;
        double hi = s + err;
        return new double[] {hi, err - (hi - s)};
    }
}
