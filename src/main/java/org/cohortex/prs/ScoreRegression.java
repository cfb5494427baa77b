package org.cohortex.prs;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.cohortex.stats.Normal;
import org.cohortex.stats.StudentT;

/**
 * Regression of the target trait on a score plus covariates (genetic PCs), and the score's
 * incremental R^2 over the covariates alone, as PRSice-2 reports it: R^2 for a quantitative trait
 * (lm), Nagelkerke's R^2 for a binary one (logistic regression by IRLS), each model's R^2 taken
 * against the intercept-only model and the null (covariates-only) R^2 subtracted.
 */
public final class ScoreRegression {
    public record Fit(double r2, double coefficient, double se, double p) {}

    /** The logistic fit has no finite maximum: some combination of the predictors separates the 0s from the 1s. */
    public static final class SeparationException extends RuntimeException {
        SeparationException(Throwable cause) {
            super("the predictors separate the two classes; the logistic fit has no finite maximum", cause);
        }
    }

    private ScoreRegression() {}

    /** R^2 (or Nagelkerke R^2) of y on [1, covariates, optional score]. */
    public static Fit fit(double[] y, double[][] covariates, double[] score, boolean binary) {
        int n = y.length, q = covariates.length, p = 1 + q + (score == null ? 0 : 1);
        double[][] x = new double[n][p];
        for (int i = 0; i < n; i++) {
            x[i][0] = 1;
            for (int k = 0; k < q; k++) x[i][1 + k] = covariates[k][i];
            if (score != null) x[i][p - 1] = score[i];
        }
        return binary ? logistic(x, y) : linear(x, y);
    }

    static Fit linear(double[][] x, double[] y) {
        int n = y.length, p = x[0].length;
        RealMatrix xm = new Array2DRowRealMatrix(x, false);
        RealMatrix xtx = xm.transpose().multiply(xm);
        double[] xty = xm.transpose().operate(y);
        RealMatrix inv = new CholeskyDecomposition(xtx, 1e-14, 1e-14).getSolver().getInverse();
        double[] b = inv.operate(xty);
        double mean = 0;
        for (double v : y) mean += v;
        mean /= n;
        double rss = 0, tss = 0;
        for (int i = 0; i < n; i++) {
            double f = 0;
            for (int k = 0; k < p; k++) f += x[i][k] * b[k];
            rss += (y[i] - f) * (y[i] - f);
            tss += (y[i] - mean) * (y[i] - mean);
        }
        double sigma2 = rss / (n - p), se = Math.sqrt(sigma2 * inv.getEntry(p - 1, p - 1));
        double coef = b[p - 1];
        return new Fit(1 - rss / tss, coef, se, StudentT.twoSidedP(coef / se, n - p));
    }

    static Fit logistic(double[][] x, double[] y) {
        int n = y.length, p = x[0].length;
        double[] b = new double[p];
        double ll = Double.NEGATIVE_INFINITY;
        RealMatrix inv = null;
        for (int iter = 0; iter < 100; iter++) {
            double[][] xtwx = new double[p][p];
            double[] grad = new double[p];
            double llNew = 0;
            for (int i = 0; i < n; i++) {
                double eta = 0;
                for (int k = 0; k < p; k++) eta += x[i][k] * b[k];
                double mu = 1 / (1 + Math.exp(-eta)), w = mu * (1 - mu);
                llNew += y[i] > 0.5 ? -Math.log1p(Math.exp(-eta)) : -Math.log1p(Math.exp(eta));
                for (int k = 0; k < p; k++) {
                    grad[k] += x[i][k] * (y[i] - mu);
                    for (int l = 0; l <= k; l++) xtwx[k][l] += w * x[i][k] * x[i][l];
                }
            }
            for (int k = 0; k < p; k++) for (int l = 0; l < k; l++) xtwx[l][k] = xtwx[k][l];
            try {
                inv = new CholeskyDecomposition(new Array2DRowRealMatrix(xtwx, false), 1e-14, 1e-14).getSolver().getInverse();
            } catch (NonPositiveDefiniteMatrixException e) {
                // the weights mu(1 - mu) underflow only as |eta| grows without bound: (quasi-)complete separation
                throw new SeparationException(e);
            }
            double[] step = inv.operate(grad);
            for (int k = 0; k < p; k++) b[k] += step[k];
            boolean done = Math.abs(llNew - ll) < 1e-10 * (Math.abs(llNew) + 0.1);
            ll = llNew;
            if (done) break;
        }
        ll = 0;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double eta = 0;
            for (int k = 0; k < p; k++) eta += x[i][k] * b[k];
            ll += y[i] > 0.5 ? -Math.log1p(Math.exp(-eta)) : -Math.log1p(Math.exp(eta));
            worst = Math.max(worst, Math.abs(y[i] - 1 / (1 + Math.exp(-eta))));
        }
        // complete separation: every fitted probability has run off to its observed 0 or 1
        if (worst < 1e-6) throw new SeparationException(null);
        double cases = 0;
        for (double v : y) cases += v;
        double pi = cases / n;
        double ll0 = cases * Math.log(pi) + (n - cases) * Math.log(1 - pi);
        // Nagelkerke (1991): Cox-Snell R^2 divided by its maximum
        double coxSnell = 1 - Math.exp(2.0 * (ll0 - ll) / n), max = 1 - Math.exp(2.0 * ll0 / n);
        double se = Math.sqrt(inv.getEntry(p - 1, p - 1)), coef = b[p - 1];
        return new Fit(coxSnell / max, coef, se, 2 * Normal.cdf(-Math.abs(coef / se)));
    }

}
