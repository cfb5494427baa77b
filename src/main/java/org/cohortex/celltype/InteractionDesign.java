package org.cohortex.celltype;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.cohortex.UserException;
import org.cohortex.linalg.Mat;
import org.cohortex.stats.DesignBuilder;
import org.cohortex.stats.DesignMatrix;

/**
 * The shared design of the cell-type interaction model (CellDMC, EpiDISH 2.15.1 R/CellDMC.R):
 * X = [W (n x K), W o t (n x K), C (n x q)], no intercept. With rows of W summing to one, the W
 * columns carry the intercept and a trait main effect would be collinear with the W o t columns;
 * W o t is the proportion of each type times the trait (0/1 for a binary trait, the 2nd level
 * against the first; the raw values for a numeric trait, whose origin does not change the
 * interaction coefficients). C = covariates and surrogate variables, categoricals treatment-coded
 * (R's model.matrix without its intercept column), not interacted with W (CellDMC; TOAST would add
 * K columns per covariate).
 */
public final class InteractionDesign {
    /** n x (2K + q), row-major. */
    public final Mat x;
    /** Column names: the cell types, then "type:trait", then the covariate columns. */
    public final List<String> columns;
    public final String[] cellTypes;
    public final String trait;
    public final int k;
    public final int q;
    /** The trait per sample (length n), as it enters W o t. */
    public final double[] t;

    private InteractionDesign(Mat x, List<String> columns, String[] cellTypes, String trait, int k, int q, double[] t) {
        this.x = x;
        this.t = t;
        this.columns = Collections.unmodifiableList(columns);
        this.cellTypes = cellTypes;
        this.trait = trait;
        this.k = k;
        this.q = q;
    }

    public int n() { return x.rows; }

    public int p() { return x.cols; }

    /** Column of the w_k:t coefficient. */
    public int interactionColumn(int type) { return k + type; }

    /**
     * @param w          n x K proportions (rows should sum to 1: the model has no other intercept)
     * @param t          the trait per sample (0/1 for a binary trait)
     * @param covariates n x q, row-major (q may be 0: an empty array)
     * @throws org.cohortex.UserException when the design is rank deficient, naming the columns
     */
    public static InteractionDesign of(double[] w, String[] cellTypes, double[] t, String trait, double[] covariates,
                                       List<String> covariateNames) {
        int n = t.length, k = cellTypes.length, q = covariateNames.size();
        if (w.length != n * k || covariates.length != n * q) {
            throw new IllegalArgumentException("shapes: w " + w.length + ", covariates " + covariates.length
                    + " for n = " + n + ", K = " + k + ", q = " + q);
        }
        int p = 2 * k + q;
        if (n <= p) {
            throw new UserException("only " + n + " complete samples for the " + p + " columns of the cell-type interaction model ("
                    + k + " proportions, " + k + " interactions with '" + trait + "', " + q + " covariate columns): "
                    + "no residual degrees of freedom");
        }
        Mat x = new Mat(n, p);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                x.data[i * p + j] = w[i * k + j];
                x.data[i * p + k + j] = w[i * k + j] * t[i];
            }
            System.arraycopy(covariates, i * q, x.data, i * p + 2 * k, q);
        }
        List<String> names = new ArrayList<>();
        for (String c : cellTypes) names.add(c);
        for (String c : cellTypes) names.add(c + ":" + trait);
        names.addAll(covariateNames);
        DesignBuilder.checkFullRank(x, names);
        return new InteractionDesign(x, names, cellTypes.clone(), trait, k, q, t.clone());
    }

    /**
     * From the bulk model matrix of {@link DesignBuilder} (intercept, trait, covariates, SVs on the
     * complete cases): its trait column becomes t, every column but the intercept and the trait
     * becomes C. {@code w} holds the proportions of {@code design.used} samples, in that order.
     */
    public static InteractionDesign of(DesignMatrix design, double[] w, String[] cellTypes) {
        if (!"(Intercept)".equals(design.columns.get(0))) throw new IllegalArgumentException("design without intercept: " + design.columns);
        int n = design.n(), p = design.p(), tc = design.traitColumn, q = p - 2;
        double[] t = design.x.column(tc), c = new double[n * q];
        List<String> names = new ArrayList<>();
        for (int j = 1; j < p; j++) if (j != tc) names.add(design.columns.get(j));
        for (int i = 0; i < n; i++) {
            for (int j = 1, m = 0; j < p; j++) if (j != tc) c[i * q + m++] = design.x.data[i * p + j];
        }
        return of(w, cellTypes, t, design.traitTerm(), c, names);
    }
}
