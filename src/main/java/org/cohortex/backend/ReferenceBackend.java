package org.cohortex.backend;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.linalg.SymmetricEigen;
import org.cohortex.linalg.ThinSvd;

/**
 * The oracle: plain Apache Commons Math, one gene at a time, textbook formulas, no cleverness.
 * Slow by design; every other backend is tested against it.
 */
public final class ReferenceBackend implements ComputeBackend {

    @Override
    public String name() { return "reference"; }

    @Override
    public String describe() { return "reference: Apache Commons Math 3.6.1, per-gene QR, single thread"; }

    private static RealMatrix rm(Mat m) { return new Array2DRowRealMatrix(m.toArray(), false); }

    private static Mat mat(RealMatrix r) { return Mat.of(r.getData()); }

    @Override
    public Mat gemm(Mat a, boolean transA, Mat b, boolean transB) {
        RealMatrix ra = rm(a), rb = rm(b);
        if (transA) ra = ra.transpose();
        if (transB) rb = rb.transpose();
        return mat(ra.multiply(rb));
    }

    @Override
    public Mat crossprod(Mat a) {
        RealMatrix ra = rm(a);
        return mat(ra.transpose().multiply(ra));
    }

    @Override
    public OlsFit olsSharedDesign(Mat x, Mat y) {
        int genes = y.rows, n = x.rows, p = x.cols;
        if (y.cols != n) throw new IllegalArgumentException("Y has " + y.cols + " samples, X has " + n);
        double[] beta = new double[genes * p], se = new double[genes * p], rss = new double[genes];
        int[] df = new int[genes];
        for (int g = 0; g < genes; g++) {
            int off = g * n;
            int[] obs = IntStream.range(0, n).filter(i -> !Double.isNaN(y.data[off + i])).toArray();
            df[g] = obs.length - p;
            if (df[g] < 1) {
                Arrays.fill(beta, g * p, g * p + p, Double.NaN);
                Arrays.fill(se, g * p, g * p + p, Double.NaN);
                rss[g] = Double.NaN;
                continue;
            }
            double[] yy = new double[obs.length];
            double[][] xx = new double[obs.length][];
            for (int k = 0; k < obs.length; k++) {
                yy[k] = y.data[off + obs[k]];
                xx[k] = x.row(obs[k]);
            }
            OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
            ols.setNoIntercept(true);
            ols.newSampleData(yy, xx);
            try {
                double[] b = ols.estimateRegressionParameters();
                double[] s = ols.estimateRegressionParametersStandardErrors();
                System.arraycopy(b, 0, beta, g * p, p);
                System.arraycopy(s, 0, se, g * p, p);
                rss[g] = ols.calculateResidualSumOfSquares();
            } catch (MathIllegalArgumentException singular) {
                // observed rows of the design are rank deficient for this gene
                Arrays.fill(beta, g * p, g * p + p, Double.NaN);
                Arrays.fill(se, g * p, g * p + p, Double.NaN);
                rss[g] = Double.NaN;
            }
        }
        return new OlsFit(genes, p, beta, se, rss, df);
    }

    @Override
    public double[] solveSpdBatched(double[] a, double[] b, int batch, int p) {
        double[] x = new double[batch * p];
        for (int k = 0; k < batch; k++) {
            double[][] ak = new double[p][p];
            for (int i = 0; i < p; i++) System.arraycopy(a, k * p * p + i * p, ak[i], 0, p);
            try {
                var chol = new CholeskyDecomposition(
                        new Array2DRowRealMatrix(ak, false), 1e-9, 0.0);
                double[] sol = chol.getSolver().solve(new ArrayRealVector(Arrays.copyOfRange(b, k * p, k * p + p))).toArray();
                System.arraycopy(sol, 0, x, k * p, p);
            } catch (MathIllegalArgumentException e) { // not positive definite, or singular
                Arrays.fill(x, k * p, k * p + p, Double.NaN);
            }
        }
        return x;
    }

    @Override
    public SymmetricEigen symmetricEigen(Mat s) {
        EigenDecomposition e = new EigenDecomposition(rm(s));
        int n = s.rows;
        double[] ev = e.getRealEigenvalues();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> -ev[i]));
        double[] vals = new double[n];
        Mat vec = new Mat(n, n);
        for (int k = 0; k < n; k++) {
            vals[k] = ev[order[k]];
            double[] v = e.getEigenvector(order[k]).toArray();
            for (int i = 0; i < n; i++) vec.data[i * n + k] = v[i];
        }
        return new SymmetricEigen(vals, vec);
    }

    @Override
    public ThinSvd thinSvd(Mat a, int k) {
        SingularValueDecomposition svd = new SingularValueDecomposition(rm(a));
        int kk = Math.min(k, Math.min(a.rows, a.cols));
        double[] d = Arrays.copyOf(svd.getSingularValues(), kk);
        Mat u = mat(svd.getU()).selectColumns(IntStream.range(0, kk).toArray());
        Mat v = mat(svd.getV()).selectColumns(IntStream.range(0, kk).toArray());
        return new ThinSvd(d, u, v);
    }
}
