package org.cohortex.io;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Parses decimal numbers straight from bytes. Numbers with at most 15 significant digits and a
 * decimal exponent within +-22 are converted exactly with one multiplication or division by an
 * exact power of ten (Clinger's fast path: both operands are exact doubles, so the one rounding is
 * correct); up to 18 digits go through {@link DecimalToDouble} (Java's and R's 17-digit output); everything
 * else goes to Double.parseDouble after a check of R's syntax ({@link Numbers}: no {@code 5f} or {@code 0x1p3}).
 */
final class NumberParser {
    private static final double[] POW10 = new double[23];
    static {
        double v = 1;
        for (int i = 0; i < POW10.length; i++) { POW10[i] = v; v *= 10; }
    }

    /** Returned for NA or an empty field. */
    static final double MISSING = Double.NaN;

    private NumberParser() {}

    /** Thrown with a short reason; the caller adds file, line and column. */
    static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;
        Bad(String m) { super(m, null, false, false); }
    }

    static double parse(byte[] b, int s, int e) throws Bad {
        while (s < e && b[s] == ' ') s++;     // R's format() pads numbers to a common width
        while (e > s && b[e - 1] == ' ') e--;
        if (s == e) return MISSING;
        int i = s;
        boolean neg = false;
        if (b[i] == '-') { neg = true; i++; } else if (b[i] == '+') i++;
        long mant = 0;
        int sig = 0, exp10 = 0;
        boolean any = false, slow = false;
        while (i < e && b[i] >= '0' && b[i] <= '9') {
            any = true;
            if (mant != 0 || b[i] != '0') {
                if (sig < 18) { mant = mant * 10 + (b[i] - '0'); sig++; } else { slow = true; exp10++; }
            }
            i++;
        }
        if (i < e && b[i] == '.') {
            i++;
            while (i < e && b[i] >= '0' && b[i] <= '9') {
                any = true;
                if (mant != 0 || b[i] != '0') {
                    if (sig < 18) { mant = mant * 10 + (b[i] - '0'); sig++; exp10--; } else slow = true;
                } else exp10--;
                i++;
            }
        }
        if (any && i < e && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean eneg = false;
            if (i < e && (b[i] == '-' || b[i] == '+')) { eneg = b[i] == '-'; i++; }
            int ev = 0, ed = 0;
            while (i < e && b[i] >= '0' && b[i] <= '9') { if (ev < 100000) ev = ev * 10 + (b[i] - '0'); ed++; i++; }
            if (ed == 0) return slowPath(b, s, e);
            exp10 += eneg ? -ev : ev;
        }
        if (!any || i != e) return slowPath(b, s, e);
        if (slow) return slowPath(b, s, e);
        double v;
        if (mant == 0) v = 0.0;
        else if (sig <= 15 && exp10 >= 0 && exp10 <= 22) v = mant * POW10[exp10];
        else if (sig <= 15 && exp10 < 0 && exp10 >= -22) v = mant / POW10[-exp10];
        else {
            v = DecimalToDouble.of(mant, exp10);
            if (Double.isNaN(v)) return slowPath(b, s, e);
        }
        return neg ? -v : v;
    }

    private static double slowPath(byte[] b, int s, int e) throws Bad {
        String t = new String(b, s, e - s, StandardCharsets.ISO_8859_1).trim();
        if (t.isEmpty() || t.equals("NA")) return MISSING;
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("nan") || lower.contains("inf")) {
            throw new Bad("non-finite value '" + t + "' (write missing values as NA or leave the field empty)");
        }
        if (!Numbers.isDecimal(t)) throw new Bad("'" + t + "' is not a number");
        double v = Double.parseDouble(t);
        if (!Double.isFinite(v)) throw new Bad("value '" + t + "' overflows a double");
        return v;
    }
}
