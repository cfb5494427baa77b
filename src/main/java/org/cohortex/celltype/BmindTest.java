package org.cohortex.celltype;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.cohortex.linalg.Mat;
import org.cohortex.stats.LogisticRegression;
import org.cohortex.stats.ManovaPillai;
import org.cohortex.stats.MultipleTesting;

/**
 * bMIND's own test of a binary trait on imputed cell-type expression (MIND 0.3.3, R/bmind_func.r,
 * {@code bMIND(..., y = , covariate = )} through {@code test} and {@code pval2qval}; Wang et al. 2021):
 * <ol>
 * <li>per gene, MANOVA of the K imputed values on the trait (+ covariates, the trait entered first):
 *     Pillai's test as summary.manova ({@link ManovaPillai}); genes where it fails (residuals of rank
 *     &lt; K) are dropped, as MIND's try() does;</li>
 * <li>q = Benjamini-Hochberg of those MANOVA p-values over ALL remaining genes;</li>
 * <li>per gene, glm(trait ~ intercept + the K imputed values (+ covariates), binomial) and its Wald
 *     p-values for the K cell types ({@link LogisticRegression});</li>
 * <li>the gene is assigned to the type with the smallest Wald p (the first on ties, as which.min),
 *     only if that p &lt; 0.05 / K; MIND's q matrix is then 1 everywhere except the gene's q at the
 *     assigned type. A (gene, type) is called when that q &lt; the caller's FDR level.</li>
 * </ol>
 * So the FDR is controlled at the gene level (MANOVA), the cell type is a Bonferroni-filtered argmin,
 * and a gene is called in at most one type. Cost per gene: O(n K (2 + q)) for the MANOVA and a few
 * IRLS iterations of an n x (1 + K + q) QR; genes run in parallel, each on its own (deterministic).
 */
public final class BmindTest {
    /** The Wald level before the division by K. */
    public static final double WALD_LEVEL = 0.05;

    /**
     * @param manovaP    per gene (NaN when the MANOVA failed or the gene was not imputed)
     * @param manovaQ    BH over the genes with a MANOVA p
     * @param waldP      genes x K
     * @param assigned   per gene the cell-type index, or -1
     * @param q          genes x K: MIND's qval (1, or manovaQ at the assigned type); NaN for dropped genes
     */
    public record Result(String[] cellTypes, int genes, double[] manovaP, double[] manovaQ, double[] pillai, double[] waldP,
                         int[] assigned, double[] q, String[] note) {
        public int k() { return cellTypes.length; }

        /** True when gene g is called in its assigned type at FDR level alpha. */
        public boolean called(int g, double alpha) { return assigned[g] >= 0 && manovaQ[g] < alpha; }
    }

    private BmindTest() {}

    /**
     * @param imputed    per gene the n x K imputed values, row-major (i K + k), as
     *                   {@link org.cohortex.impute.CellTypeImputation.Result#imputed()}; NaN = not imputed
     * @param trait      0/1 per sample
     * @param covariates n x q or null
     */
    public static Result test(double[][] imputed, String[] cellTypes, double[] trait, Mat covariates) {
        int genes = imputed.length, k = cellTypes.length, n = trait.length, qc = covariates == null ? 0 : covariates.cols;
        for (double v : trait) if (v != 0 && v != 1) throw new IllegalArgumentException("bMIND's test needs a 0/1 trait, got " + v);
        ManovaPillai manova = new ManovaPillai(trait, covariates);
        double[] mp = new double[genes], pillai = new double[genes], wald = new double[genes * k];
        String[] note = new String[genes];
        IntStream.range(0, genes).parallel().forEach(g -> {
            double[] a = imputed[g];
            if (a.length != n * k) {
                throw new IllegalArgumentException("gene " + g + ": " + a.length + " imputed values for " + n + " x " + k);
            }
            Arrays.fill(wald, g * k, (g + 1) * k, Double.NaN);
            if (Arrays.stream(a).anyMatch(Double::isNaN)) {
                mp[g] = pillai[g] = Double.NaN;
                note[g] = "not imputed";
                return;
            }
            ManovaPillai.Test t = manova.test(a, 0, k);
            mp[g] = t.p();
            pillai[g] = t.pillai();
            if (Double.isNaN(t.p())) note[g] = "MANOVA: imputed values of rank < " + k + " after the model";
            LogisticRegression.Fit fit = LogisticRegression.fit(logisticDesign(a, n, k, covariates, qc), trait);
            System.arraycopy(fit.p(), 1, wald, g * k, k);
        });
        double[] mq = MultipleTesting.benjaminiHochberg(mp);
        int[] assigned = new int[genes];
        double[] q = new double[genes * k];
        for (int g = 0; g < genes; g++) {
            assigned[g] = Double.isNaN(mp[g]) ? -1 : assign(wald, g * k, k);
            Arrays.fill(q, g * k, (g + 1) * k, Double.isNaN(mp[g]) ? Double.NaN : 1.0);
            if (assigned[g] >= 0) q[g * k + assigned[g]] = mq[g];
        }
        return new Result(cellTypes.clone(), genes, mp, mq, pillai, wald, assigned, q, note);
    }

    /**
     * MIND's rule: the index of the smallest non-NaN Wald p (first on ties) if it is &lt; 0.05 / K,
     * else -1.
     */
    static int assign(double[] waldP, int off, int k) {
        int best = -1;
        for (int j = 0; j < k; j++) {
            double v = waldP[off + j];
            if (!Double.isNaN(v) && (best < 0 || v < waldP[off + best])) best = j;
        }
        return best >= 0 && waldP[off + best] < WALD_LEVEL / k ? best : -1;
    }

    /** [1, the K imputed values, covariates]: glm(y ~ ., data.frame(imputed, covariate)). */
    private static Mat logisticDesign(double[] a, int n, int k, Mat covariates, int qc) {
        int p = 1 + k + qc;
        Mat x = new Mat(n, p);
        for (int i = 0; i < n; i++) {
            x.data[i * p] = 1;
            System.arraycopy(a, i * k, x.data, i * p + 1, k);
            if (qc > 0) System.arraycopy(covariates.data, i * qc, x.data, i * p + 1 + k, qc);
        }
        return x;
    }
}
