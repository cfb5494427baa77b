package org.cohortex.stats;

import java.util.Arrays;

import org.cohortex.linalg.Mat;
import org.cohortex.linalg.QrDecomposition;

/**
 * Binary logistic regression by iteratively reweighted least squares, step for step as R's glm.fit
 * (R 4.2, family = binomial(), default glm.control): start mu = (y + 1/2) / 2, eta = logit(mu); each
 * iteration solves the weighted least squares of z = eta + (y - mu) / mu.eta on X with weights
 * sqrt(mu (1 - mu)) by QR; stops when |dev - dev_old| / (|dev| + 0.1) &lt; 1e-8 (at most 25
 * iterations); the logit's inverse and derivative are clamped beyond |eta| &gt; 30 as R's C code does.
 * Standard errors as summary.glm: dispersion 1, (X'WX)^-1 from the weights of the LAST iteration's
 * least squares (the mu before the final update), Wald z = b / se, p = 2 P(Z &gt; |z|).
 * Cost per fit: (iterations) x one n x p Householder QR, O(n p^2).
 */
public final class LogisticRegression {
    private static final double THRESH = 30, EPS = Math.ulp(1.0), INVEPS = 1 / EPS;
    public static final double EPSILON = 1e-8;
    public static final int MAX_ITERATIONS = 25;

    /** Coefficients, standard errors, Wald z and p; {@code converged} as glm's. NaN everywhere when singular. */
    public record Fit(double[] beta, double[] se, double[] z, double[] p, int iterations, boolean converged, double deviance) {}

    private LogisticRegression() {}

    /** y in {0, 1}, X n x p (with its intercept column when wanted). */
    public static Fit fit(Mat x, double[] y) {
        int n = x.rows, p = x.cols;
        double[] mu = new double[n], eta = new double[n];
        for (int i = 0; i < n; i++) {
            mu[i] = (y[i] + 0.5) / 2;
            eta[i] = Math.log(mu[i] / (1 - mu[i]));
        }
        double devOld = deviance(y, mu), dev = devOld;
        double[] beta = null, coefOld = null, rInvScaled = null;
        boolean converged = false;
        int iter = 0;
        while (iter < MAX_ITERATIONS) {
            iter++;
            Mat xw = new Mat(n, p);
            double[] zw = new double[n];
            for (int i = 0; i < n; i++) {
                double me = muEta(eta[i]), w = Math.sqrt(me * me / (mu[i] * (1 - mu[i])));
                zw[i] = (eta[i] + (y[i] - mu[i]) / me) * w;
                for (int j = 0; j < p; j++) xw.data[i * p + j] = x.data[i * p + j] * w;
            }
            QrDecomposition qr = new QrDecomposition(xw);
            if (qr.minRelativeDiagonal() < 1e-11) return singular(p, iter);
            rInvScaled = qr.rInverse().data;
            beta = leastSquares(qr, rInvScaled, zw, p);
            dev = update(x, beta, eta, mu, y);
            if (!Double.isFinite(dev)) {
                if (coefOld == null) return singular(p, iter);
                dev = halve(x, beta, coefOld, eta, mu, y);
            }
            if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < EPSILON) {
                converged = true;
                break;
            }
            devOld = dev;
            coefOld = beta.clone();
        }
        return summary(beta, rInvScaled, p, iter, converged, dev);
    }

    private static Fit summary(double[] beta, double[] rInv, int p, int iter, boolean converged, double dev) {
        double[] se = new double[p], z = new double[p], pv = new double[p];
        for (int j = 0; j < p; j++) {
            double s = 0;
            for (int c = j; c < p; c++) s += rInv[j * p + c] * rInv[j * p + c];
            se[j] = Math.sqrt(s);
            z[j] = beta[j] / se[j];
            pv[j] = 2 * Normal.cdf(-Math.abs(z[j]));
        }
        return new Fit(beta, se, z, pv, iter, converged, dev);
    }

    private static Fit singular(int p, int iter) {
        double[] nan = new double[p];
        Arrays.fill(nan, Double.NaN);
        return new Fit(nan, nan.clone(), nan.clone(), nan.clone(), iter, false, Double.NaN);
    }

    /** beta = R^-1 Q' z. */
    private static double[] leastSquares(QrDecomposition qr, double[] rInv, double[] zw, int p) {
        double[] q = qr.q().data, qtz = new double[p], beta = new double[p];
        for (int i = 0; i < zw.length; i++) for (int j = 0; j < p; j++) qtz[j] += q[i * p + j] * zw[i];
        for (int j = 0; j < p; j++) for (int c = j; c < p; c++) beta[j] += rInv[j * p + c] * qtz[c];
        return beta;
    }

    /** eta = X beta, mu = linkinv(eta); returns the deviance. */
    private static double update(Mat x, double[] beta, double[] eta, double[] mu, double[] y) {
        int p = x.cols;
        for (int i = 0; i < eta.length; i++) {
            double e = 0;
            for (int j = 0; j < p; j++) e += x.data[i * p + j] * beta[j];
            eta[i] = e;
            mu[i] = linkInverse(e);
        }
        return deviance(y, mu);
    }

    /** glm.fit's "step size truncated due to divergence": halve towards the previous coefficients. */
    private static double halve(Mat x, double[] beta, double[] coefOld, double[] eta, double[] mu, double[] y) {
        double dev = Double.NaN;
        for (int ii = 0; ii < MAX_ITERATIONS && !Double.isFinite(dev); ii++) {
            for (int j = 0; j < beta.length; j++) beta[j] = (beta[j] + coefOld[j]) / 2;
            dev = update(x, beta, eta, mu, y);
        }
        return dev;
    }

    /** binomial()$linkinv: R's logit_linkinv with its clamping. */
    static double linkInverse(double eta) {
        double t = eta < -THRESH ? EPS : eta > THRESH ? INVEPS : Math.exp(eta);
        return t / (1 + t);
    }

    /** binomial()$mu.eta: R's logit_mu_eta. */
    static double muEta(double eta) {
        double opexp = 1 + Math.exp(eta);
        return eta > THRESH || eta < -THRESH ? EPS : Math.exp(eta) / (opexp * opexp);
    }

    /** Sum of binomial deviance residuals for 0/1 responses. */
    static double deviance(double[] y, double[] mu) {
        double d = 0;
        for (int i = 0; i < y.length; i++) d += y[i] != 0 ? -2 * Math.log(mu[i]) : -2 * Math.log(1 - mu[i]);
        return d;
    }
}
