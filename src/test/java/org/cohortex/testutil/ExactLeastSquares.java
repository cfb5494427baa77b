package org.cohortex.testutil;

import java.math.BigDecimal;
import java.math.MathContext;
import org.cohortex.linalg.Mat;

/** Least squares in 60-digit decimal arithmetic (normal equations + Gaussian elimination): a test oracle. */
public final class ExactLeastSquares {
    private ExactLeastSquares() {}

    public static double[] solve(Mat x, double[] y) {
        int n = x.rows, p = x.cols;
        MathContext mc = new MathContext(60);
        BigDecimal[][] a = new BigDecimal[p][p + 1];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= p; j++) {
                BigDecimal s = BigDecimal.ZERO;
                for (int k = 0; k < n; k++) {
                    BigDecimal xj = j < p ? new BigDecimal(x.data[k * p + j]) : new BigDecimal(y[k]);
                    s = s.add(new BigDecimal(x.data[k * p + i]).multiply(xj, mc), mc);
                }
                a[i][j] = s;
            }
        }
        for (int i = 0; i < p; i++) {
            for (int k = i + 1; k < p; k++) {
                BigDecimal f = a[k][i].divide(a[i][i], mc);
                for (int j = i; j <= p; j++) a[k][j] = a[k][j].subtract(f.multiply(a[i][j], mc), mc);
            }
        }
        double[] b = new double[p];
        BigDecimal[] bb = new BigDecimal[p];
        for (int i = p - 1; i >= 0; i--) {
            BigDecimal s = a[i][p];
            for (int j = i + 1; j < p; j++) s = s.subtract(a[i][j].multiply(bb[j], mc), mc);
            bb[i] = s.divide(a[i][i], mc);
            b[i] = bb[i].doubleValue();
        }
        return b;
    }
}
