package org.cohortex.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.cohortex.linalg.Mat;
import org.junit.jupiter.api.Test;

/** samplesToRead: the matrix itself for every sample in order, else the same copy as selectSamples. */
class ExpressionMatrixTest {
    private static ExpressionMatrix matrix() {
        double[] v = new double[3 * 4];
        for (int i = 0; i < v.length; i++) v[i] = i * 1.5;
        return new ExpressionMatrix(new String[] {"g1", "g2", "g3"}, new String[] {"s1", "s2", "s3", "s4"}, new Mat(3, 4, v));
    }

    @Test
    void everySampleInOrderIsTheMatrixItself() {
        ExpressionMatrix m = matrix();
        assertSame(m, m.samplesToRead(new int[] {0, 1, 2, 3}));
    }

    @Test
    void anyOtherSelectionIsSelectSamplesCopy() {
        ExpressionMatrix m = matrix();
        for (int[] idx : new int[][] {{0, 1, 2}, {1, 0, 2, 3}, {3, 2, 1, 0}, {0, 1, 2, 3, 3}}) {
            ExpressionMatrix got = m.samplesToRead(idx), want = m.selectSamples(idx);
            assertNotSame(m, got);
            assertArrayEquals(want.samples, got.samples);
            assertArrayEquals(want.values.data, got.values.data, 0);
        }
    }
}
