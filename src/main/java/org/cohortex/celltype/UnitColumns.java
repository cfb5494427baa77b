package org.cohortex.celltype;

import org.cohortex.linalg.Mat;

/**
 * The design with each column scaled to unit Euclidean norm (an all-zero column left as it is), and the
 * factors: X_s = X D, D = diag(scale). Factorisations of X_s are far better conditioned when covariates
 * on large scales (weight in pounds) sit beside proportions; results go back by D (b = D b_s,
 * (X'X)^-1 = D (X_s'X_s)^-1 D). Cost 2 n p.
 */
record UnitColumns(Mat scaled, double[] scale) {
    static UnitColumns of(Mat x) {
        int n = x.rows, p = x.cols;
        double[] scale = new double[p];
        Mat xs = new Mat(n, p);
        for (int j = 0; j < p; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += x.data[i * p + j] * x.data[i * p + j];
            scale[j] = s > 0 ? 1 / Math.sqrt(s) : 1;
            for (int i = 0; i < n; i++) xs.data[i * p + j] = x.data[i * p + j] * scale[j];
        }
        return new UnitColumns(xs, scale);
    }
}
