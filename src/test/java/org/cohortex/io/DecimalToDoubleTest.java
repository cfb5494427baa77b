package org.cohortex.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** DecimalToDouble (through Numbers and NumberParser) against Double.parseDouble, bit for bit. */
class DecimalToDoubleTest {

    /** Both public entry points give parseDouble's bits; returns whether DecimalToDouble decided alone. */
    private static boolean check(String s) {
        long want = Double.doubleToRawLongBits(Double.parseDouble(s));
        long viaString = Double.doubleToRawLongBits(Numbers.parse(s));
        if (Double.isInfinite(Double.parseDouble(s))) { // NumberParser refuses overflows
            assertEquals(want, viaString, s);
            return false;
        }
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        long viaBytes;
        try {
            viaBytes = Double.doubleToRawLongBits(NumberParser.parse(b, 0, b.length));
        } catch (NumberParser.Bad e) {
            throw new AssertionError(s + ": " + e.getMessage());
        }
        if (viaString != want || viaBytes != want) {
            fail(s + ": parseDouble " + Double.longBitsToDouble(want) + ", Numbers " + Double.longBitsToDouble(viaString)
                    + ", NumberParser " + Double.longBitsToDouble(viaBytes));
        }
        return !Double.isNaN(DecimalToDouble.parse(s));
    }

    private static double randomDouble(SplittableRandom r) {
        while (true) {
            double d = Double.longBitsToDouble(r.nextLong());
            if (Double.isFinite(d) && Math.abs(d) > 1e-300 && Math.abs(d) < 1e300) return d;
        }
    }

    @Test
    void javaAndRFormatsOfRandomDoublesParseExactlyAndWithoutFallback() {
        SplittableRandom r = new SplittableRandom(7);
        int typical = 0, typicalFallback = 0;
        for (int i = 0; i < 60_000; i++) {
            // raw bits (every exponent) and the magnitudes of a de.tsv (p-values, t, beta)
            boolean raw = i % 2 == 0;
            double d = raw ? randomDouble(r) : (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-40, 6));
            for (String s : new String[] {Double.toString(d), String.format(Locale.ROOT, "%.17g", d),
                String.format(Locale.ROOT, "%.16e", d), String.format(Locale.ROOT, "%.15e", d), String.format(Locale.ROOT, "%.17e", d),
                String.format(Locale.ROOT, "%.6f", d)}) {
                boolean fast = check(s);
                if (!raw) {
                    typical++;
                    if (!fast) typicalFallback++;
                }
            }
            check(String.format(Locale.ROOT, "%.18e", d)); // 19 digits: always parseDouble's
        }
        // up to 18 digits within 1e+-290 only a near tie (about 2^-37 of values) may go to parseDouble
        assertEquals(0, typicalFallback, typicalFallback + " of " + typical + " went to parseDouble");
    }

    @Test
    void randomDigitStringsOfSixteenToEighteenDigitsAcrossTheExponentRange() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            int digits = r.nextInt(16, 19);
            StringBuilder sb = new StringBuilder(r.nextBoolean() ? "-" : "");
            sb.append((char) ('1' + r.nextInt(9)));
            for (int k = 1; k < digits; k++) sb.append((char) ('0' + r.nextInt(10)));
            int point = r.nextInt(0, digits + 1);
            if (point < digits) sb.insert(sb.length() - (digits - point), '.');
            sb.append('e').append(r.nextInt(-320, 320));
            check(sb.toString());
        }
    }

    @Test
    void decimalsNextToTheMidpointBetweenTwoDoublesRoundTheSameWay() {
        SplittableRandom r = new SplittableRandom(13);
        int fallback = 0;
        for (int i = 0; i < 40_000; i++) {
            double d = i % 2 == 0 ? randomDouble(r) : r.nextDouble() * Math.pow(10, r.nextInt(-30, 3));
            BigDecimal mid = new BigDecimal(d).add(new BigDecimal(Math.nextUp(d))).divide(BigDecimal.valueOf(2));
            for (int digits = 16; digits <= 18; digits++) {
                for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
                    BigDecimal near = mid.round(new MathContext(digits, mode));
                    if (!check(near.toString())) fallback++;
                    if (!check(near.add(near.ulp()).toString())) fallback++;
                }
            }
        }
        assertTrue(fallback > 0, "no decimal was handed to parseDouble: the fallback is not exercised");
    }

    @Test
    void edgeCases() {
        for (String s : new String[] {"0", "-0", "0.0", "-0.000", "+.5", "5.", "1e0", "9007199254740993", "9007199254740992.5",
            "123456789012345678", "0.30000000000000004", "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308",
            "1.0E-5", "1e22", "1e23", "8.98846567431158e307", "0.1", "1e-290", "1e290", "99999999999999999.9",
            "9007199254740995", "9007199254740997", "18014398509481987", "36028797018963971e3",
            "000000000000000000001234567890123456e-20"}) {
            check(s);
        }
        assertEquals(Double.POSITIVE_INFINITY, Numbers.parse("1e999999"));
        assertEquals(0.0, Numbers.parse("1e-999999"));
    }

    @Test
    void theSinglePassRefusesWhatRDoesNotRead() {
        for (String s : new String[] {"5f", "5.0d", "0x1p3", "Infinity", "-Infinity", "NaN", "1e", "e5", ".", "-", "+", "1.2.3", "1e+",
            "1 2", "", "1e5.0", "--1", "1e--5", "١٢"}) {
            assertTrue(Double.isNaN(DecimalToDouble.parse(s)), s);
            assertTrue(Double.isNaN(Numbers.parseOrNaN(s)), s);
        }
        // random strings over a number's alphabet: whatever the single pass accepts is a decimal in R's syntax, with parseDouble's value
        SplittableRandom r = new SplittableRandom(17);
        String alphabet = "0123456789.eE+-x ";
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(1, 9); k > 0; k--) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            String s = sb.toString();
            double v = DecimalToDouble.parse(s);
            if (Double.isNaN(v)) continue;
            accepted++;
            assertTrue(Numbers.isDecimal(s), s);
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(v), s);
        }
        assertTrue(accepted > 1000, accepted + " accepted");
    }
}
