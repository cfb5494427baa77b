package org.cohortex.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The fast evaluation paths give the bits of the general one (the fit itself is checked against R in SvaParityTest). */
class SmoothingSplineTest {
    @Test
    void valuesAreBasisRowZeroBitForBit() {
        SplittableRandom r = new SplittableRandom(11);
        for (int rep = 0; rep < 200; rep++) {
            int nk = r.nextInt(4, 40);
            double[] t = new double[nk + 4];
            for (int i = 4; i < nk; i++) t[i] = r.nextDouble();
            Arrays.fill(t, nk, nk + 4, 1.0);
            Arrays.sort(t, 4, nk);
            if (r.nextBoolean() && nk > 6) t[5] = t[4]; // a repeated knot: a zero-width interval
            double[][] full = new double[3][4];
            double[] work = new double[SmoothingSpline.VALUE_WORK];
            for (int k = 0; k < 50; k++) {
                double x = r.nextInt(10) == 0 ? t[r.nextInt(3, nk + 1)] : r.nextDouble();
                int left = SmoothingSpline.interval(t, nk, x);
                SmoothingSpline.basis(t, left, x, full);
                SmoothingSpline.values(t, left, x, work);
                for (int i = 0; i < 4; i++) {
                    assertEquals(Double.doubleToRawLongBits(full[0][i]), Double.doubleToRawLongBits(work[SmoothingSpline.VALUE_AT + i]),
                            "knots " + nk + ", x " + x + ", B" + i);
                }
            }
        }
    }

    @Test
    void batchAndAscendingPredictionsEqualTheScalarOneAtEveryPoint() {
        SplittableRandom r = new SplittableRandom(12);
        for (int rep = 0; rep < 20; rep++) {
            int n = r.nextInt(20, 600);
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) x[i] = i == 0 ? r.nextGaussian() : x[i - 1] + 0.01 + r.nextDouble();
            for (int i = 0; i < n; i++) y[i] = Math.sin(x[i] / 7) + 0.2 * r.nextGaussian();
            SmoothingSpline s = SmoothingSpline.fitGcv(x, y);
            int m = 3_000;
            double[] v = new double[m];
            for (int i = 0; i < m; i++) {
                v[i] = switch (r.nextInt(6)) {
                    case 0 -> x[r.nextInt(n)]; // at a data point (and so at knots)
                    case 1 -> x[0] - 2 * r.nextDouble(); // extrapolated below
                    case 2 -> x[n - 1] + 2 * r.nextDouble(); // and above
                    default -> x[0] + (x[n - 1] - x[0]) * r.nextDouble();
                };
            }
            double[] batch = s.predict(v);
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            double[] walked = new double[m];
            int cut = r.nextInt(m); // two runs, each starting its own walk
            s.predictAscending(sorted, 0, cut, walked);
            s.predictAscending(sorted, cut, m, walked);
            for (int i = 0; i < m; i++) {
                assertEquals(Double.doubleToRawLongBits(s.predict(v[i])), Double.doubleToRawLongBits(batch[i]), "batch at " + v[i]);
                assertEquals(Double.doubleToRawLongBits(s.predict(sorted[i])), Double.doubleToRawLongBits(walked[i]),
                        "walk at " + sorted[i]);
            }
        }
    }
}
