package org.cohortex.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;

import org.cohortex.testutil.Tsv;
import org.junit.jupiter.api.Test;

/**
 * Log2 against R's log2 (glibc) on count ratios: bit-identical except where glibc misrounds (its
 * bound is 0.502 ulp), never more than one ulp apart; exact on powers of two and subnormals.
 */
class Log2Test {
    @Test
    void agreesWithRToTheLastBitAlmostAlways() {
        Tsv t = Tsv.read("limma/log2.tsv.gz");
        double[] x = t.numbers("x"), want = t.numbers("log2");
        int differ = 0;
        for (int i = 0; i < x.length; i++) {
            double got = Log2.log2(x[i]);
            if (got != want[i]) differ++;
            assertTrue(Math.abs(got - want[i]) <= Math.ulp(want[i]), "log2(" + x[i] + ") = " + got + ", R " + want[i]);
        }
        System.out.printf("agreement log2: %d of %d differ from glibc in the last bit%n", differ, x.length);
        assertTrue(differ <= x.length / 100, differ + " of " + x.length + " differ from R");
    }

    /** ln(y) for y in [1, 2] to 60 digits: 2 atanh((y - 1) / (y + 1)). */
    static BigDecimal ln(BigDecimal y) {
        MathContext mc = new MathContext(60);
        BigDecimal s = y.subtract(BigDecimal.ONE).divide(y.add(BigDecimal.ONE), mc), z = s.multiply(s, mc), term = s, sum = s;
        for (int k = 1; k < 200; k++) {
            term = term.multiply(z, mc);
            sum = sum.add(term.divide(BigDecimal.valueOf(2L * k + 1), mc), mc);
        }
        return sum.multiply(BigDecimal.valueOf(2), mc);
    }

    @Test
    void theTableIsWithin2ToTheMinus100() {
        MathContext mc = new MathContext(60);
        BigDecimal ln2 = ln(BigDecimal.valueOf(2)), bound = new BigDecimal(0x1p-100);
        for (int k = 0; k < 128; k++) {
            BigDecimal want = ln(new BigDecimal(1 + k / 128.0)).divide(ln2, mc);
            double[] got = {Log2.log2(1 + k / 128.0)};
            BigDecimal err = new BigDecimal(Log2.tableHi(k)).add(new BigDecimal(Log2.tableLo(k))).subtract(want).abs();
            assertTrue(err.compareTo(bound) < 0, "log2(1 + " + k + "/128): table off by " + err);
            assertEquals(want.doubleValue(), got[0], 0, "log2(1 + " + k + "/128) rounded");
        }
    }

    /** The fast path's T_k = -log2(invc_k) = log2(1 / invc_k), 1 / invc_k in [1, 2), within 2^-100; invc_0 is 1. */
    @Test
    void theFastPathTableIsWithin2ToTheMinus100() {
        MathContext mc = new MathContext(60);
        BigDecimal ln2 = ln(BigDecimal.valueOf(2)), bound = new BigDecimal(0x1p-100);
        assertEquals(1.0, Log2.fastTable(0)[0], 0);
        for (int k = 0; k < 256; k++) {
            double[] t = Log2.fastTable(k);
            assertEquals(1 / (1 + (k + 0.5) / 256), k == 0 ? 1 / (1 + 0.5 / 256) : t[0], 0, "invc_" + k);
            BigDecimal want = ln(BigDecimal.ONE.divide(new BigDecimal(t[0]), mc)).divide(ln2, mc);
            BigDecimal err = new BigDecimal(t[1]).add(new BigDecimal(t[2])).subtract(want).abs();
            assertTrue(err.compareTo(bound) < 0, "T_" + k + " off by " + err);
        }
    }

    /**
     * The fast evaluation returns a value only where it is the double-double one's, bit for bit, and answers for
     * nearly every input: count ratios as TMM and log2-CPM take them, ratios of small integers (ties), random doubles
     * of every exponent, values next to 1 and to powers of two.
     */
    @Test
    void theFastPathIsTheAccurateOneWhereItAnswers() {
        SplittableRandom r = new SplittableRandom(20261206);
        long n = 0, answered = 0, countLike = 0, countAnswered = 0;
        for (int i = 0; i < 6_000_000; i++) {
            double x;
            boolean counts = false;
            switch (i % 6) {
                case 0 -> { x = (r.nextInt(100_000) + 0.5) / (1e6 + r.nextInt(50_000_000)) * 1e6; counts = true; }
                case 1 -> { x = (double) (1 + r.nextInt(2_000)) / (1 + r.nextInt(2_000)); counts = true; }
                case 2 -> x = Double.longBitsToDouble(r.nextLong() & 0x7FFFFFFFFFFFFFFFL);
                case 3 -> x = Math.nextUp(1.0) * (1 + (r.nextInt(2_000_001) - 1_000_000) * 0x1p-52);
                case 4 -> x = Math.scalb(1.0 + (r.nextInt(201) - 100) * 0x1p-52, r.nextInt(2_000) - 1_000);
                default -> x = Math.scalb(1 + r.nextDouble(), r.nextInt(-60, 60));
            }
            double want = Log2.accurate(x), got = Log2.fastOrNaN(x);
            n++;
            if (counts) countLike++;
            if (Double.isNaN(got)) continue;
            answered++;
            if (counts) countAnswered++;
            if (Double.doubleToRawLongBits(got) != Double.doubleToRawLongBits(want)) {
                throw new AssertionError("log2(" + x + "): fast " + got + ", accurate " + want);
            }
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(Log2.log2(x)));
        }
        System.out.printf("log2 fast path: answered %d of %d (count ratios: %d of %d)%n", answered, n, countAnswered, countLike);
        assertTrue(countAnswered > 0.99 * countLike, countAnswered + " of " + countLike + " count ratios on the fast path");
    }

    /**
     * parts: hi + lo within err / 16 of log2 x (60 digits) for the counts and library sizes TMM and voom take; roundOrNaN
     * answers only with the double nearest every value within err of hi + lo, and answers nearly always.
     */
    @Test
    void partsAreWithinTheirBoundAndRoundOnlyWhenCertain() {
        MathContext mc = new MathContext(60);
        BigDecimal ln2 = ln(BigDecimal.valueOf(2));
        SplittableRandom r = new SplittableRandom(606);
        double[] p = new double[3];
        int answered = 0, tries = 3_000;
        for (int i = 0; i < tries; i++) {
            double x = switch (i % 4) {
                case 0 -> 1 + r.nextInt(65_536);
                case 1 -> r.nextInt(65_536) + 0.5;
                case 2 -> Math.floor(Math.exp(r.nextDouble(5, 25)));
                default -> Math.scalb(1 + r.nextDouble(), r.nextInt(-60, 60));
            };
            assertTrue(Log2.parts(x, p, 0));
            int e = Math.getExponent(x);
            BigDecimal exact = BigDecimal.valueOf(e).add(ln(new BigDecimal(Math.scalb(x, -e))).divide(ln2, mc), mc);
            BigDecimal sum = new BigDecimal(p[0]).add(new BigDecimal(p[1]), mc), err = sum.subtract(exact, mc).abs();
            assertTrue(err.multiply(BigDecimal.valueOf(16)).compareTo(new BigDecimal(p[2])) <= 0, "log2(" + x + "): off by " + err
                    + ", bound " + p[2]);
            double rounded = Log2.roundOrNaN(p[0], p[1], p[2]);
            if (Double.isNaN(rounded)) continue;
            answered++;
            assertEquals(exact.doubleValue(), rounded, 0, "log2(" + x + ")");
            for (double end : new double[] {-p[2], p[2]}) {
                assertEquals(sum.add(new BigDecimal(end), mc).doubleValue(), rounded, 0, "log2(" + x + ") + " + end);
            }
        }
        assertTrue(answered > 0.99 * tries, answered + " of " + tries);
        for (double bad : new double[] {0, -1, Double.MIN_VALUE, Double.POSITIVE_INFINITY, Double.NaN}) {
            assertTrue(!Log2.parts(bad, p, 0), "parts(" + bad + ")");
        }
        assertTrue(Double.isNaN(Log2.roundOrNaN(0, 0, 0)), "0 is never answered");
        assertTrue(Double.isNaN(Log2.roundOrNaN(1, 0x1p-53, 0)), "a midpoint is not answered");
    }

    @Test
    void exactOnPowersOfTwoAndSpecialValues() {
        for (int e = -1074; e <= 1023; e += 7) assertEquals(e, Log2.log2(Math.scalb(1.0, e)), 0);
        assertEquals(Double.NEGATIVE_INFINITY, Log2.log2(0), 0);
        assertTrue(Double.isNaN(Log2.log2(-1)));
        assertEquals(Double.POSITIVE_INFINITY, Log2.log2(Double.POSITIVE_INFINITY), 0);
        assertEquals(0.5000000000000001, Log2.log2(Math.sqrt(2)), 0); // sqrt(2) rounds up: log2 is 0.5 + 0.89 ulp
    }
}
