package org.cohortex.linalg;

/**
 * Result of a batched OLS fit of many responses (genes) on one design X (n x p).
 * Row g of {@code beta}/{@code se} belongs to gene g; {@code df[g] = n_g - p} where n_g counts the
 * samples observed for that gene. A gene with {@code df[g] < 1} or no usable fit has NaN rows.
 */
public final class OlsFit {
    public final int genes;
    public final int p;
    /** genes x p, row-major. */
    public final double[] beta;
    /** genes x p, row-major: sqrt(sigma^2 (X'X)^{-1}_jj). */
    public final double[] se;
    /** Residual sum of squares per gene. */
    public final double[] rss;
    /** Residual degrees of freedom per gene. */
    public final int[] df;

    public OlsFit(int genes, int p, double[] beta, double[] se, double[] rss, int[] df) {
        this.genes = genes;
        this.p = p;
        this.beta = beta;
        this.se = se;
        this.rss = rss;
        this.df = df;
    }

    public double beta(int gene, int coef) { return beta[gene * p + coef]; }

    public double se(int gene, int coef) { return se[gene * p + coef]; }
}
