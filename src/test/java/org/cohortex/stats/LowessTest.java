package org.cohortex.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.cohortex.testutil.Tsv;
import org.junit.jupiter.api.Test;

/** R's lowess (make_limma_fixture.R: ties, outliers, iter 0, constant y, delta 0) and approxfun(rule = 2). */
class LowessTest {
    @Test
    void matchesRLowessOnEveryCase() {
        Tsv t = Tsv.read("limma/lowess.tsv.gz");
        double[] caseId = t.numbers("case"), f = t.numbers("f"), iter = t.numbers("iter"), delta = t.numbers("delta");
        double[] x = t.numbers("x"), y = t.numbers("y"), sx = t.numbers("sorted_x"), fit = t.numbers("fit");
        int cases = 0;
        for (int from = 0; from < caseId.length; ) {
            int to = from;
            while (to < caseId.length && caseId[to] == caseId[from]) to++;
            double[] xc = Arrays.copyOfRange(x, from, to), yc = Arrays.copyOfRange(y, from, to);
            Lowess.Curve c = Lowess.smooth(xc, yc, f[from], (int) iter[from], delta[from]);
            assertArrayEquals(Arrays.copyOfRange(sx, from, to), c.x(), 0, "sorted x, case " + caseId[from]);
            Tsv.assertClose("lowess case " + (int) caseId[from], c.y(), Arrays.copyOfRange(fit, from, to), 1e-14, 1e-14);
            cases++;
            from = to;
        }
        assertEquals(7, cases);
    }

    @Test
    void interpolationAveragesTiesAndHoldsTheEndsLikeApproxfunRule2() {
        LinearInterpolation f = new LinearInterpolation(new double[] {1, 2, 2, 4}, new double[] {10, 20, 40, 50});
        assertEquals(10, f.at(0.5), 0);   // rule 2: the end value
        assertEquals(50, f.at(9), 0);
        assertEquals(30, f.at(2), 0);     // tied x: mean of y
        assertEquals(20, f.at(1.5), 1e-15);
        assertEquals(40, f.at(3), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new LinearInterpolation(new double[] {2, 1}, new double[] {0, 0}));
    }
}
