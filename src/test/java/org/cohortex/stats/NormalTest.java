package org.cohortex.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.Test;

class NormalTest {
    /** R's qnorm (AS 241), exactly: fixtures/stats/make_qnorm_fixture.R, hex floats. */
    @Test
    void quantileIsRsQnormToTheBit() {
        List<Map<String, String>> rows = Fixtures.table(Fixtures.path("stats/qnorm.tsv"));
        assertEquals(4027, rows.size());
        int exact = 0;
        for (Map<String, String> r : rows) {
            double p = Double.parseDouble(r.get("p")), want = Double.parseDouble(r.get("qnorm")), got = Normal.quantile(p);
            // one ulp allowed where Java's log and the C library's could differ in the last bit; 4,027 of 4,027 equal here
            assertTrue(Math.abs(got - want) <= Math.ulp(want), "qnorm(" + p + "): R " + want + ", here " + got);
            if (got == want) exact++;
        }
        assertTrue(exact >= rows.size() - 10, exact + " of " + rows.size() + " bit for bit");
    }

    @Test
    void quantileInvertsTheCdfAndHandlesTheEnds() {
        for (double z = -37; z <= 0; z += 0.01) { // Phi(z) keeps relative precision in the lower tail: a round trip
            double p = Normal.cdf(z);
            assertEquals(z, Normal.quantile(p), 1e-12 * Math.max(1, Math.abs(z)), "quantile(cdf(" + z + "))");
        }
        assertEquals(Double.NEGATIVE_INFINITY, Normal.quantile(0));
        assertEquals(Double.POSITIVE_INFINITY, Normal.quantile(1));
        assertTrue(Double.isNaN(Normal.quantile(-1e-300)) && Double.isNaN(Normal.quantile(1.5)));
        assertTrue(Double.isNaN(Normal.quantile(Double.NaN)));
        assertEquals(0.0, Normal.quantile(0.5));
        assertEquals(-Normal.quantile(0.01), Normal.quantile(0.99), 0.0, "symmetric where 1 - p is exact");
    }
}
