package org.cohortex.pipeline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.cohortex.stats.Normal;
import org.junit.jupiter.api.Test;

/** The axis helper: ticks are "nice" (1, 2 or 5 x 10^k apart, on multiples of the step) and cover the range. */
class SvgTest {
    static void assertNice(double lo, double hi, double[] t) {
        String where = lo + ".." + hi + " -> " + Arrays.toString(t);
        assertTrue(t.length >= 2 && t.length <= 13, "2 to 13 ticks: " + where);
        assertTrue(t[0] <= lo + 1e-12 * Math.abs(lo) && t[t.length - 1] >= hi - 1e-12 * Math.abs(hi), "covers the range: " + where);
        double step = t[1] - t[0];
        double mant = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
        assertTrue(Math.abs(mant - 1) < 1e-6 || Math.abs(mant - 2) < 1e-6 || Math.abs(mant - 5) < 1e-6, "step 1, 2 or 5 x 10^k: " + where);
        for (int i = 0; i < t.length; i++) {
            if (i > 0) assertEquals(step, t[i] - t[i - 1], step * 1e-6, "equal steps: " + where);
            assertEquals(Math.rint(t[i] / step), t[i] / step, 1e-6, "ticks on multiples of the step: " + where);
        }
        assertTrue(t[0] > lo - step - 1e-9 * step && t[t.length - 1] < hi + step + 1e-9 * step, "no empty tick interval beyond: " + where);
    }

    @Test
    void ticksAreNiceAndCoverTheRange() {
        assertEquals("[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]", Arrays.toString(Svg.ticks(0, 0.93, 5)));
        assertEquals("[-2.0, -1.0, 0.0, 1.0, 2.0]", Arrays.toString(Svg.ticks(-1.7, 1.7, 5)));
        assertEquals("[0.0, 2000.0, 4000.0, 6000.0, 8000.0, 10000.0]", Arrays.toString(Svg.ticks(0, 8600, 5)));
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            double scale = Math.pow(10, r.nextInt(16) - 8), lo = (r.nextDouble() - 0.5) * scale * 4, hi = lo + r.nextDouble() * scale;
            double[] t = Svg.ticks(lo, hi, 2 + r.nextInt(6));
            if (hi > lo) assertNice(lo, hi, t);
        }
        double[] one = Svg.ticks(3, 3, 5); // a single value still gets an axis around it
        assertTrue(one[0] < 3 && one[one.length - 1] > 3, Arrays.toString(one));
        assertThrows(IllegalArgumentException.class, () -> Svg.ticks(2, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> Svg.ticks(0, Double.NaN, 5));
    }

    @Test
    void tickLabelsHaveTheDecimalsOfTheStep() {
        assertEquals("0.2", Svg.label(0.2, 0.2));
        assertEquals("1.0", Svg.label(1.0, 0.5));
        assertEquals("-40000", Svg.label(-40000, 20000));
        assertEquals("-300000", Svg.label(-300000, 100000));
        assertEquals("0", Svg.label(0, 100000));
        assertEquals("0.05", Svg.label(0.05, 0.05));
    }

    @Test
    void axesPlaceDataInsideThePlotArea() {
        Svg s = new Svg(300, 200, "t").axes("x", -1.3, 2.1, "y", 0, 7.2);
        assertTrue(s.px(-1.3) >= s.left && s.px(2.1) <= s.width - s.right, "x range inside");
        assertTrue(s.py(0) <= s.height - s.bottom && s.py(7.2) >= s.top, "y range inside");
        assertTrue(s.py(7.2) < s.py(0), "y grows upwards");
        String svg = s.toString();
        assertTrue(svg.contains("class=\"xlabel\"") && svg.contains("class=\"ylabel\"") && svg.contains(">-2<") 
                & svg.contains(">3<") && svg.contains(">8<"),
                svg);
    }

    @Test
    void lambdaIsOneUnderTheNullAndAboveOneWhenInflated() {
        Random r = new Random(3);
        double[] p = new double[20_000], inflated = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (i + 0.5) / p.length;
            double z = r.nextGaussian() * 1.2; // test statistics with SD 1.2: lambda ~ 1.44
            inflated[i] = 2 * (1 - Normal.cdf(Math.abs(z)));
        }
        assertEquals(1.0, Charts.lambda(p), 1e-3);
        assertEquals(1.44, Charts.lambda(inflated), 0.05);
    }
}
