package org.cohortex.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void exactOnPowersOfTwoAndSpecialValues() {
        for (int e = -1074; e <= 1023; e += 7) assertEquals(e, Log2.log2(Math.scalb(1.0, e)), 0);
        assertEquals(Double.NEGATIVE_INFINITY, Log2.log2(0), 0);
        assertTrue(Double.isNaN(Log2.log2(-1)));
        assertEquals(Double.POSITIVE_INFINITY, Log2.log2(Double.POSITIVE_INFINITY), 0);
        assertEquals(0.5000000000000001, Log2.log2(Math.sqrt(2)), 0); // sqrt(2) rounds up: log2 is 0.5 + 0.89 ulp
    }
}
