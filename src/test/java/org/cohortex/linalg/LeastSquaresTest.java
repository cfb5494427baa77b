package org.cohortex.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.junit.jupiter.api.Test;

class LeastSquaresTest {
    @Test
    void matchesCommonsMathOnABadlyScaledProblemAndRefusesARankDeficientOne() {
        Random rnd = new Random(9);
        int m = 200, n = 6;
        double[] a = new double[m * n], b = new double[m];
        double[][] a2 = new double[m][n];
        for (int i = 0; i < m; i++) {
            double rowScale = Math.pow(2, 20 * rnd.nextDouble()); // weights up to 2^20, as DWLS's
            for (int j = 0; j < n; j++) a2[i][j] = a[i * n + j] = rowScale * Math.exp(rnd.nextGaussian());
            b[i] = rowScale * (1 + rnd.nextGaussian());
        }
        double[] want = new QRDecomposition(new Array2DRowRealMatrix(a2, false)).getSolver().solve(new ArrayRealVector(b.clone()))
                .toArray();
        double[] x = new double[n];
        assertTrue(LeastSquares.solveInPlace(a.clone(), m, n, b.clone(), x));
        for (int j = 0; j < n; j++) assertEquals(want[j], x[j], 1e-9 * Math.max(1, Math.abs(want[j])), "coefficient " + j);

        for (int i = 0; i < m; i++) a[i * n + 5] = 2 * a[i * n + 1] - a[i * n + 3]; // column 5 is a combination
        assertFalse(LeastSquares.solveInPlace(a, m, n, b, x));
    }
}
