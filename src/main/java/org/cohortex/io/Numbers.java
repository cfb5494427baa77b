package org.cohortex.io;

/**
 * Numbers as R reads them from a table (R_strtod via type.convert / as.numeric), decimal form only:
 * an optional sign, digits with an optional decimal point ({@code 5}, {@code 5.}, {@code .5}), and an
 * optional exponent ({@code e-8}). Java's own syntax is refused where it is wider than R's: type
 * suffixes ({@code 5f}, {@code 5.0d}), hexadecimal floats ({@code 0x1p3}), {@code Infinity}. Missing
 * values (NA, empty) and non-finite values are the callers' to handle, with their own messages.
 */
public final class Numbers {
    private Numbers() {}

    /** Whether {@code s} (without surrounding spaces) is a decimal number in R's syntax. */
    public static boolean isDecimal(CharSequence s) {
        int i = 0, n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) { i++; digits++; }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) { i++; digits++; }
        }
        if (digits == 0) return false;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            int ed = 0;
            while (i < n && isDigit(s.charAt(i))) { i++; ed++; }
            if (ed == 0) return false;
        }
        return i == n;
    }

    /**
     * The value of {@code s} (surrounding spaces ignored); NumberFormatException when it is not a
     * decimal number in R's syntax. Values beyond the double range come back infinite.
     */
    public static double parse(String s) {
        String t = s.strip();
        double v = DecimalToDouble.parse(t); // checks the syntax as it goes
        if (!Double.isNaN(v)) return v;
        if (!isDecimal(t)) throw new NumberFormatException("'" + s + "' is not a number");
        return Double.parseDouble(t);
    }

    /** {@link #parse}, or NaN where {@code s} is not a number. */
    public static double parseOrNaN(String s) {
        String t = s.strip();
        double v = DecimalToDouble.parse(t);
        if (!Double.isNaN(v)) return v;
        return isDecimal(t) ? Double.parseDouble(t) : Double.NaN;
    }

    /**
     * The number in {@code b[s, e)} read as {@link #parse} reads it (spaces around it ignored), straight from bytes
     * ({@link NumberParser}); NaN where the field is empty, NA, not a number in R's syntax, or not finite.
     */
    public static double finiteOrNaN(byte[] b, int s, int e) {
        try {
            return NumberParser.parse(b, s, e);
        } catch (NumberParser.Bad bad) {
            return Double.NaN;
        }
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }
}
