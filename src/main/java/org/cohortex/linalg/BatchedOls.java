package org.cohortex.linalg;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Batched OLS with a shared design, as tensorQTL does it: one QR of the (equilibrated) design X
 * (n x p), one GEMM C = Y Q per block of genes (genes x n times n x p: 2 genes n p flops, the only
 * GEMM-shaped step, supplied by the caller as a {@link BlockProduct} so a device can run it), then per
 * gene beta = R^-1 c and RSS = ||y_c||^2 - ||Q'y_c||^2 (p^2 flops), with residuals formed explicitly
 * where that loses more than 4 digits. Genes with missing values: per-gene normal equations
 * ({@link PerGeneOls}). Genes are processed in blocks so memory stays bounded for any cohort size.
 */
public final class BatchedOls {
    /** Doubles per block of responses (~32 MB): bounds memory at any number of genes. */
    public static final int BLOCK_DOUBLES = 1 << 22;

    private BatchedOls() {}

    /**
     * C (rows x p) = Y_block (rows x n, from {@code y[yOff..]}) Q (n x p): the one GEMM-shaped step of
     * the batched OLS and nested RSS.
     */
    @FunctionalInterface
    public interface BlockProduct {
        void multiply(double[] y, int yOff, int rows, int n, double[] q, int p, double[] c);
    }

    /** OLS of every row of Y on X as {@link DenseOps#olsSharedDesign}, the block product supplied by the caller. */
    public static OlsFit fit(Mat x, Mat y, BlockProduct product, ForkJoinPool pool) {
        final int genes = y.rows, n = x.rows, p = x.cols;
        if (y.cols != n) throw new IllegalArgumentException("Y has " + y.cols + " samples, X has " + n);
        final SharedDesign d = new SharedDesign(x);
        final double[] beta = new double[genes * p], se = new double[genes * p], rss = new double[genes];
        final int[] df = new int[genes];

        boolean[] missing = new boolean[genes];
        pool.submit(() -> IntStream.range(0, (genes + 1023) / 1024).parallel().forEach(b -> { // gene blocks on the pool
            for (int g = b * 1024, e = Math.min(genes, g + 1024); g < e; g++) {
                int off = g * n;
                for (int i = 0; i < n && !missing[g]; i++) missing[g] = Double.isNaN(y.data[off + i]);
            }
        })).join();
        int nMissing = 0;
        for (boolean m : missing) if (m) nMissing++;
        int[] complete = new int[genes - nMissing];
        int[] partial = new int[nMissing];
        for (int g = 0, a = 0, b = 0; g < genes; g++) {
            if (missing[g]) partial[b++] = g; else complete[a++] = g;
        }

        if (complete.length > 0 && n - p >= 1) fitComplete(d, y, complete, beta, se, rss, df, product, pool);
        else for (int g : complete) markUnfit(g, p, n - p, beta, se, rss, df);
        if (partial.length > 0) {
            pool.submit(() -> IntStream.of(partial).parallel()
                    .forEach(g -> PerGeneOls.fit(x, y.data, g * n, g, beta, se, rss, df))).join();
        }
        return new OlsFit(genes, p, beta, se, rss, df);
    }

    static void markUnfit(int g, int p, int dfg, double[] beta, double[] se, double[] rss, int[] df) {
        Arrays.fill(beta, g * p, g * p + p, Double.NaN);
        Arrays.fill(se, g * p, g * p + p, Double.NaN);
        rss[g] = Double.NaN;
        df[g] = dfg;
    }

    /**
     * One QR of X and one GEMM C = Y Q give the RSS of every prefix design: RSS_k = ||y_c||^2 -
     * sum_{j < k} (c_j - ybar u_j)^2 (intercept first), with explicit residuals where that loses more
     * than 4 digits. Without an intercept in span(X): one fit per prefix.
     */
    public static double[][] nestedRss(Mat x, int[] prefixes, Mat y, BlockProduct product, ForkJoinPool pool) {
        return nestedRss(x, prefixes, y, product, pool, null);
    }

    /** As above, with y's row moments computed once by the caller ({@link RowMoments#of}; null: computed here). */
    public static double[][] nestedRss(Mat x, int[] prefixes, Mat y, BlockProduct product, ForkJoinPool pool, RowMoments moments) {
        final int genes = y.rows, n = x.rows, p = x.cols;
        final SharedDesign d = new SharedDesign(x);
        if (d.u == null) {
            double[][] out = new double[prefixes.length][];
            for (int k = 0; k < prefixes.length; k++) {
                int[] cols = new int[prefixes[k]];
                for (int j = 0; j < cols.length; j++) cols[j] = j;
                out[k] = fit(x.selectColumns(cols), y, product, pool).rss;
            }
            return out;
        }
        final RowMoments mom = moments != null ? moments : RowMoments.of(y);
        final double[][] out = new double[prefixes.length][genes];
        final int block = Math.max(1, Math.min(genes, BLOCK_DOUBLES / Math.max(1, n)));
        double[] c = new double[block * p];
        for (int start = 0; start < genes; start += block) {
            final int len = Math.min(block, genes - start);
            product.multiply(y.data, start * n, len, n, d.q, p, c);
            final int s0 = start;
            pool.submit(() -> IntStream.range(0, len).parallel().forEach(k -> {
                int g = s0 + k, yoff = g * n, coff = k * p;
                double mean = mom.mean()[g], ss = mom.ss()[g];
                double explained = 0;
                int j = 0;
                for (int pi = 0; pi < prefixes.length; pi++) {
                    for (; j < prefixes[pi]; j++) { double t = c[coff + j] - mean * d.u[j]; explained += t * t; }
                    double r = ss - explained;
                    if (!(r > 1e-4 * ss)) {
                        r = 0;
                        for (int i = 0; i < n; i++) {
                            double fit = 0;
                            for (int l = 0; l < prefixes[pi]; l++) fit += d.q[i * p + l] * c[coff + l];
                            double e = y.data[yoff + i] - fit;
                            r += e * e;
                        }
                    }
                    out[pi][g] = r;
                }
            })).join();
        }
        return out;
    }

    /** Genes observed in every sample: C = Y Q through BLAS, block by block, then small per-gene algebra. */
    private static void fitComplete(SharedDesign d, Mat y, int[] genesIdx, double[] beta, double[] se, double[] rss, int[] df,
                                    BlockProduct product, ForkJoinPool pool) {
        final int n = d.n, p = d.p;
        final int block = Math.max(1, Math.min(genesIdx.length, BLOCK_DOUBLES / Math.max(1, n)));
        double[] scratch = null;
        {
            double[] c = new double[block * p];
            for (int start = 0; start < genesIdx.length; start += block) {
                final int len = Math.min(block, genesIdx.length - start);
                boolean contiguous = genesIdx[start + len - 1] - genesIdx[start] == len - 1;
                if (contiguous) {
                    product.multiply(y.data, genesIdx[start] * n, len, n, d.q, p, c);
                } else {
                    if (scratch == null) scratch = new double[block * n];
                    for (int k = 0; k < len; k++) System.arraycopy(y.data, genesIdx[start + k] * n, scratch, k * n, n);
                    product.multiply(scratch, 0, len, n, d.q, p, c);
                }
                final int s0 = start;
                pool.submit(() -> IntStream.range(0, len).parallel().forEach(k -> {
                    int g = genesIdx[s0 + k];
                    d.finishGene(y.data, g * n, c, k * p, g, beta, se, rss, df);
                })).join();
            }
        }
    }

    /**
     * Everything about the shared design that every gene reuses: thin Q, R^{-1}, diag((X'X)^{-1})
     * and, when the intercept is in the column space, u = Q'1 for the centred RSS formula.
     */
    public static final class SharedDesign {
        final int n, p;
        final double[] q, rInv, xtxInvDiag;
        final double[] u; // Q' 1, or null when 1 is not in span(X)

        SharedDesign(Mat x) {
            n = x.rows;
            p = x.cols;
            // Equilibrate: QR of X D with unit-norm columns, so that badly scaled covariates (units
            // of 1e6 beside dummies) cost no accuracy; beta = D (XD)^+ y.
            double[] scale = new double[p];
            for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) scale[j] += x.data[i * p + j] * x.data[i * p + j];
            for (int j = 0; j < p; j++) scale[j] = scale[j] > 0 ? 1.0 / Math.sqrt(scale[j]) : 1.0;
            Mat xs = new Mat(n, p);
            for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) xs.data[i * p + j] = x.data[i * p + j] * scale[j];
            QrDecomposition qr = new QrDecomposition(xs);
            if (qr.minRelativeDiagonal() < 1e-12) {
                throw new IllegalArgumentException("design matrix is rank deficient (min |R_ii|/max = " + qr.minRelativeDiagonal() + ")");
            }
            q = qr.q().data;
            rInv = qr.rInverse().data;
            for (int j = 0; j < p; j++) for (int k = 0; k < p; k++) rInv[j * p + k] *= scale[j]; // D R^{-1}
            xtxInvDiag = new double[p];
            for (int j = 0; j < p; j++) {
                double s = 0;
                for (int k = j; k < p; k++) s += rInv[j * p + k] * rInv[j * p + k];
                xtxInvDiag[j] = s;
            }
            double[] qt1 = new double[p];
            for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) qt1[j] += q[i * p + j];
            double resid2 = n;
            for (int j = 0; j < p; j++) resid2 -= qt1[j] * qt1[j];
            u = Math.abs(resid2) < 1e-10 * n ? qt1 : null;
        }

        /**
         * From c = Q'y (in {@code c[coff..]}): beta = R^{-1} c, RSS, se. RSS = ||y_c||^2 - ||Q'y_c||^2
         * loses ~log10(TSS/RSS) digits, so genes fitted almost perfectly (TSS/RSS > 1e4) get their
         * residuals computed explicitly instead.
         */
        void finishGene(double[] y, int yoff, double[] c, int coff, int g, double[] beta, double[] se, double[] rss, int[] df) {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += y[yoff + i];
            mean /= n;
            double ss, explained = 0;
            if (u != null) {
                ss = 0;
                for (int i = 0; i < n; i++) { double t = y[yoff + i] - mean; ss += t * t; }
                for (int j = 0; j < p; j++) { double t = c[coff + j] - mean * u[j]; explained += t * t; }
            } else {
                ss = 0;
                for (int i = 0; i < n; i++) ss += y[yoff + i] * y[yoff + i];
                for (int j = 0; j < p; j++) explained += c[coff + j] * c[coff + j];
            }
            double r = ss - explained;
            if (!(r > 1e-4 * ss)) {
                r = 0;
                for (int i = 0; i < n; i++) {
                    double fit = 0;
                    for (int j = 0; j < p; j++) fit += q[i * p + j] * c[coff + j];
                    double e = y[yoff + i] - fit;
                    r += e * e;
                }
            }
            int dfg = n - p;
            double s2 = r / dfg;
            for (int j = 0; j < p; j++) {
                double b = 0;
                for (int k = j; k < p; k++) b += rInv[j * p + k] * c[coff + k];
                beta[g * p + j] = b;
                se[g * p + j] = Math.sqrt(s2 * xtxInvDiag[j]);
            }
            rss[g] = r;
            df[g] = dfg;
        }
    }

}
