package org.cohortex.stats;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.QrDecomposition;

/**
 * Canonical correlations between the column spaces of two centred matrices with the same rows:
 * the singular values of Q_a' Q_b (Bjorck & Golub 1973). Used to compare SV subspaces (with R's,
 * or with the simulated truth), which are defined only up to rotation.
 */
public final class CanonicalCorrelation {
    private CanonicalCorrelation() {}

    /** Descending canonical correlations (min(cols a, cols b) of them). */
    public static double[] of(Mat a, Mat b) {
        Mat qa = new QrDecomposition(centre(a)).q(), qb = new QrDecomposition(centre(b)).q();
        double[][] m = new double[qa.cols][qb.cols];
        for (int i = 0; i < qa.rows; i++) {
            for (int j = 0; j < qa.cols; j++) {
                double v = qa.data[i * qa.cols + j];
                for (int k = 0; k < qb.cols; k++) m[j][k] += v * qb.data[i * qb.cols + k];
            }
        }
        double[] s = new SingularValueDecomposition(new Array2DRowRealMatrix(m, false)).getSingularValues();
        for (int i = 0; i < s.length; i++) s[i] = Math.min(1.0, s[i]);
        return s;
    }

    static Mat centre(Mat a) {
        Mat c = a.copy();
        for (int j = 0; j < a.cols; j++) {
            double mean = 0;
            for (int i = 0; i < a.rows; i++) mean += a.data[i * a.cols + j];
            mean /= a.rows;
            for (int i = 0; i < a.rows; i++) c.data[i * a.cols + j] -= mean;
        }
        return c;
    }
}
