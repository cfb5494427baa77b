package org.cohortex.celltype;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.QrDecomposition;
import org.cohortex.sva.SurrogateVariables;
import org.cohortex.sva.SvaAnalysis;

/**
 * Surrogate variables for the cell-type interaction model, estimated so that they cannot absorb
 * the cell-type signal. sva's final SVs are a weighted SVD of the centred data, not of residuals
 * (sva 3.46 irwsva.build), so on bulk data the composition W mu_g, the largest source of variance,
 * would become the SVs. Here the data are first residualised on M0 = [W, C] (proportions and forced
 * covariates, which span the intercept), each gene's residual row scaled to unit variance (on the
 * linear scale, highly expressed genes would otherwise decide the SVD), and only then do num.sv and
 * irw-sva run, with mod = [W, C, W o t] and mod0 = [W, C]: the posterior probabilities of irw-sva
 * come from the joint K-df F test of the interactions, and every SV lies in the complement of
 * span(W, C), so it is uncorrelated with the proportions by construction.
 */
final class InteractionSva {
    /** The SVs (n x nsv) and how their number was chosen. */
    record Estimate(Mat sv, String method) {}

    private InteractionSva() {}

    /**
     * @param y   genes x n, complete, on the model's scale
     * @param m0  n x (K + q): [W, C]
     * @param wt  n x K: W o t
     */
    static Estimate estimate(DenseOps b, Mat y, Mat m0, Mat wt, SvaAnalysis.Settings s, Log.Sink log) {
        Mat r = standardisedResiduals(b, y, m0);
        Mat mod = m0.bindColumns(wt);
        int n = y.cols, maxSv = n - mod.cols - 1, nsv;
        String method;
        switch (s.numSv()) {
            case "be" -> {
                nsv = SurrogateVariables.numSvBe(b, r, mod, s.permutations(), s.seed());
                method = "be (B = " + s.permutations() + ", seed = " + s.seed() + ") on residuals of [W, C]";
            }
            case "leek" -> {
                nsv = SurrogateVariables.numSvLeek(b, r, mod);
                method = "leek on residuals of [W, C]";
            }
            default -> {
                nsv = Integer.parseInt(s.numSv());
                method = "given";
                if (nsv > maxSv) { // as bulk sva: a given number is never silently lowered
                    throw new UserException(UserException.setting("num_sv") + " " + nsv + ": must be between 0 and " + maxSv + " for " + n
                            + " samples and " + mod.cols + " model columns of the interaction model");
                }
            }
        }
        nsv = Math.max(0, Math.min(nsv, maxSv));
        log.info("interaction sva: n.sv = %d (%s)", nsv, method);
        if (nsv == 0) return new Estimate(new Mat(n, 0), method);
        return new Estimate(SurrogateVariables.irw(b, r, mod, m0, nsv, s.iterations()).sv, method);
    }

    /** Rows of Y (I - H0), each scaled to unit sum of squares (a constant row stays 0). */
    static Mat standardisedResiduals(DenseOps b, Mat y, Mat m0) {
        int n = y.cols;
        Mat q = new QrDecomposition(m0).q();
        Mat fitted = b.gemm(b.gemm(y, false, q, false), false, q, true);
        Mat r = new Mat(y.rows, n);
        for (int g = 0; g < y.rows; g++) {
            double ss = 0;
            for (int i = 0; i < n; i++) {
                double e = y.data[g * n + i] - fitted.data[g * n + i];
                r.data[g * n + i] = e;
                ss += e * e;
            }
            double scale = ss > 0 ? 1 / Math.sqrt(ss) : 0;
            for (int i = 0; i < n; i++) r.data[g * n + i] *= scale;
        }
        return r;
    }

}
