package org.cohortex.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.Test;

class StudentTTest {
    @Test
    void twoSidedTailsMatchRsPtInLogSpaceFarIntoTheTail() {
        List<Map<String, String>> rows = Fixtures.table(Fixtures.path("lm/expected_t_tails.tsv"));
        assertEquals(99, rows.size());
        for (Map<String, String> r : rows) {
            double t = Fixtures.num(r.get("t")), df = Fixtures.num(r.get("df")), want = Fixtures.num(r.get("logp"));
            double got = StudentT.logTwoSidedP(t, df);
            double tol = want == 0 ? 1e-15 : 1e-11 * Math.abs(want);
            assertEquals(want, got, Math.max(tol, 1e-15), "log p for t=" + t + " df=" + df);
        }
    }

    @Test
    void pValuesNear1e300KeepRelativePrecisionInsteadOfUnderflowing() {
        // df = 270 (a 300-sample design with 30 columns): find t with p ~ 1e-300 and compare
        // p with exp(log p), and check monotone, non-zero tails down to the subnormal range.
        double df = 270;
        double prev = 1;
        for (double t = 5; t < 200; t += 5) {
            double p = StudentT.twoSidedP(t, df);
            double lp = StudentT.logTwoSidedP(t, df);
            assertTrue(p < prev, "tail must decrease at t=" + t);
            if (lp > -744) assertTrue(p > 0, "p underflowed to 0 at t=" + t + " (log p " + lp + ")");
            prev = p;
        }
        double lp = StudentT.logTwoSidedP(60, df);
        assertTrue(lp < Math.log(1e-150) && lp > Math.log(1e-300), "t=60, df=270 lies in the deep tail: " + lp);
    }

    @Test
    void symmetricAndExactAtZero() {
        assertEquals(0.0, StudentT.logTwoSidedP(0, 10), 0);
        assertEquals(StudentT.twoSidedP(2.2, 17), StudentT.twoSidedP(-2.2, 17), 0);
        // df = 1 is the Cauchy distribution: two-sided p = 1 - 2 atan(|t|)/pi
        for (double t : new double[] {0.3, 1, 7, 300}) {
            assertEquals(1 - 2 * Math.atan(t) / Math.PI, StudentT.twoSidedP(t, 1), 1e-14);
        }
    }
}
