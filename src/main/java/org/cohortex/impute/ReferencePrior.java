package org.cohortex.impute;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.cohortex.UserException;
import org.cohortex.io.ExpressionMatrix;

/**
 * bMIND's prior from a single-cell reference with many donors, as MIND's {@code get_prior} computes
 * it (R package MIND 0.3.3, R/bmind_func.r), per bulk gene g and cell type k:
 * <ul>
 * <li>pseudo-bulk of donor j and type k = the counts of that donor's cells of type k (MIND: their mean;
 *     the CPM below is the same), to log2(CPM + 1) with the library summed over ALL reference genes;</li>
 * <li>Sigma0_g = K x K sample covariance of those values across donors, pairwise-complete (R's
 *     {@code cov(use = "pairwise")}: entry (k, l) over the donors having both types, means over that same
 *     subset, divisor n_kl - 1), no shrinkage;</li>
 * <li>mu0_gk = log2(CPM + 1) of the counts pooled over all cells of type k of all donors;</li>
 * <li>positive definiteness as matrixcalc's {@code is.positive.definite} (eigenvalues with |lambda| &lt;
 *     1e-8 count as 0). MIND drops the genes that fail; we keep them with bMIND's default covariance
 *     I var(x_g) / sum_k mean(w_k)^2 from the bulk (x on the log2(CPM + 1) scale, var with n - 1,
 *     means of the proportions over all samples), and say how many. Bulk genes absent from the
 *     reference get bMIND's defaults for both: mu0 = the bulk mean, the isotropic Sigma0.</li>
 * </ul>
 * Only the cells of the K requested types count (a type's pseudo-bulks do not depend on the others).
 * A (donor, type) with at least one cell counts, as in MIND. Cost: one pass over the counts
 * (genes x cells additions), then per bulk gene O(D K^2) for the covariance and a K x K eigenvalue
 * problem; memory genes x D K for the pseudo-bulks.
 */
public final class ReferencePrior {
    /** matrixcalc::is.positive.definite's default tolerance on the eigenvalues (absolute). */
    public static final double PD_TOLERANCE = 1e-8;

    /** Where a gene's prior comes from. */
    public enum Source {
        /** mu0 and Sigma0 from the reference. */
        REFERENCE,
        /** mu0 from the reference; Sigma0 not positive definite there, so the isotropic default. */
        NOT_POSITIVE_DEFINITE,
        /** the gene is not in the reference: bulk mean and the isotropic default. */
        ABSENT_FROM_REFERENCE
    }

    /**
     * The prior, in the bulk's gene order and the caller's cell-type order.
     *
     * @param mu0           genes x K, row-major (log2(CPM + 1))
     * @param sigma0        genes x K x K, row-major per gene
     * @param source        per gene
     * @param donorsPerType reference donors having at least one cell of each type
     * @param cellsPerType  reference cells of each type
     */
    public record Prior(String[] genes, String[] cellTypes, double[] mu0, double[] sigma0, Source[] source, int[] donorsPerType,
                        int[] cellsPerType) {
        public int k() { return cellTypes.length; }

        public int count(Source s) {
            int c = 0;
            for (Source x : source) if (x == s) c++;
            return c;
        }

        /** Genes whose Sigma0 is the isotropic default (not positive definite, or absent from the reference). */
        public int fallbackCount() { return source.length - count(Source.REFERENCE); }

        public double mu0(int gene, int type) { return mu0[gene * k() + type]; }

        public double sigma0(int gene, int a, int b) { return sigma0[(gene * k() + a) * k() + b]; }
    }

    private ReferencePrior() {}

    /**
     * @param counts      reference counts, genes x cells
     * @param cellType    the cell type of each reference cell (counts' column order); cells of other
     *                    types than {@code cellTypes} are ignored
     * @param donor       the donor of each reference cell
     * @param cellTypes   the K cell types, in the order of the proportions' columns
     * @param bulk        bulk expression on the log2(CPM + 1) scale, genes x samples (NaN = missing)
     * @param proportions samples x K, the bulk's cell-type proportions (same sample order as bulk)
     */
    public static Prior compute(ExpressionMatrix counts, String[] cellType, String[] donor, String[] cellTypes, ExpressionMatrix bulk,
                                double[] proportions) {
        int cells = counts.sampleCount(), k = cellTypes.length, n = bulk.sampleCount();
        if (cellType.length != cells || donor.length != cells) {
            throw new IllegalArgumentException(cells + " cells but " + cellType.length + " types and " + donor.length + " donors");
        }
        if (proportions.length != n * k) {
            throw new IllegalArgumentException("proportions: " + proportions.length + " values for " + n + " x " + k);
        }
        Map<String, Integer> typeIndex = new HashMap<>();
        for (int t = 0; t < k; t++) typeIndex.put(cellTypes[t], t);
        Map<String, Integer> donorIndex = new LinkedHashMap<>();
        int[] group = new int[cells];
        for (int c = 0; c < cells; c++) {
            Integer t = typeIndex.get(cellType[c]);
            group[c] = t == null ? -1 : donorIndex.computeIfAbsent(donor[c], d -> donorIndex.size()) * k + t;
        }
        int donors = donorIndex.size(), groups = donors * k;
        int[] cellsIn = new int[groups];
        for (int g : group) if (g >= 0) cellsIn[g]++;
        int[] donorsPerType = new int[k], cellsPerType = new int[k];
        for (int j = 0; j < groups; j++) {
            if (cellsIn[j] > 0) donorsPerType[j % k]++;
            cellsPerType[j % k] += cellsIn[j];
        }
        for (int t = 0; t < k; t++) {
            if (cellsPerType[t] == 0) {
                throw new UserException("the single-cell reference has no cell of type '" + cellTypes[t]
                        + "' (a column of the proportions): the prior needs every cell type");
            }
        }
        double[] sums = groupSums(counts, group, groups);
        double[] logCpm = donorLogCpm(sums, counts.geneCount(), groups);
        double[] pooled = pooledLogCpm(sums, counts.geneCount(), donors, k);

        Map<String, Integer> refRow = new HashMap<>(counts.geneCount() * 2);
        for (int g = 0; g < counts.geneCount(); g++) refRow.put(counts.genes[g], g);
        int genes = bulk.geneCount();
        double[] mu0 = new double[genes * k], sigma0 = new double[genes * k * k];
        Source[] source = new Source[genes];
        double sumMeanW2 = sumOfSquaredMeans(proportions, n, k);
        IntStream.range(0, genes).parallel().forEach(g -> {
            Integer r = refRow.get(bulk.genes[g]);
            if (r == null) {
                Arrays.fill(mu0, g * k, (g + 1) * k, mean(bulk.values.data, g * n, n));
                source[g] = Source.ABSENT_FROM_REFERENCE;
            } else {
                System.arraycopy(pooled, r * k, mu0, g * k, k);
                pairwiseCovariance(logCpm, r * groups, donors, k, sigma0, g * k * k);
                source[g] = isPositiveDefinite(sigma0, g * k * k, k) ? Source.REFERENCE : Source.NOT_POSITIVE_DEFINITE;
            }
            if (source[g] != Source.REFERENCE) isotropic(bulk.values.data, g * n, n, sumMeanW2, k, sigma0, g * k * k);
        });
        return new Prior(bulk.genes, cellTypes.clone(), mu0, sigma0, source, donorsPerType, cellsPerType);
    }

    /** Count sums per gene and (donor, type) group: genes x groups. */
    static double[] groupSums(ExpressionMatrix counts, int[] group, int groups) {
        int genes = counts.geneCount(), cells = counts.sampleCount();
        double[] x = counts.values.data, sums = new double[genes * groups];
        IntStream.range(0, genes).parallel().forEach(g -> {
            int off = g * cells, out = g * groups;
            for (int c = 0; c < cells; c++) if (group[c] >= 0) sums[out + group[c]] += x[off + c];
        });
        return sums;
    }

    /** log2(CPM + 1) of each group's column (library over all genes); NaN for groups without cells or counts. */
    static double[] donorLogCpm(double[] sums, int genes, int groups) {
        double[] lib = new double[groups];
        for (int g = 0; g < genes; g++) for (int j = 0; j < groups; j++) lib[j] += sums[g * groups + j];
        double[] out = new double[sums.length];
        for (int g = 0; g < genes; g++) {
            for (int j = 0; j < groups; j++) {
                out[g * groups + j] = lib[j] > 0 ? log2(sums[g * groups + j] / lib[j] * 1e6 + 1) : Double.NaN;
            }
        }
        return out;
    }

    /** mu0: log2(CPM + 1) of the counts pooled over all donors, per type: genes x K. */
    static double[] pooledLogCpm(double[] sums, int genes, int donors, int k) {
        int groups = donors * k;
        double[] pooled = new double[genes * k], lib = new double[k];
        for (int g = 0; g < genes; g++) {
            for (int j = 0; j < groups; j++) pooled[g * k + j % k] += sums[g * groups + j];
            for (int t = 0; t < k; t++) lib[t] += pooled[g * k + t];
        }
        for (int g = 0; g < genes; g++) for (int t = 0; t < k; t++) pooled[g * k + t] = log2(pooled[g * k + t] / lib[t] * 1e6 + 1);
        return pooled;
    }

    /**
     * R's cov(x, use = "pairwise.complete.obs") of the D x K values x[off + j K + t] (NaN = absent)
     * into out[ooff ..] (K x K): NaN where fewer than two donors have both types.
     */
    static void pairwiseCovariance(double[] x, int off, int donors, int k, double[] out, int ooff) {
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                int m = 0;
                double ma = 0, mb = 0;
                for (int j = 0; j < donors; j++) {
                    double va = x[off + j * k + a], vb = x[off + j * k + b];
                    if (Double.isNaN(va) || Double.isNaN(vb)) continue;
                    m++;
                    ma += va;
                    mb += vb;
                }
                double c = Double.NaN;
                if (m >= 2) {
                    ma /= m;
                    mb /= m;
                    c = 0;
                    for (int j = 0; j < donors; j++) {
                        double va = x[off + j * k + a], vb = x[off + j * k + b];
                        if (!Double.isNaN(va) && !Double.isNaN(vb)) c += (va - ma) * (vb - mb);
                    }
                    c /= m - 1;
                }
                out[ooff + a * k + b] = c;
                out[ooff + b * k + a] = c;
            }
        }
    }

    /** matrixcalc::is.positive.definite(x, tol = 1e-8); a matrix with NaN is not. */
    static boolean isPositiveDefinite(double[] s, int off, int k) {
        double[][] a = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                a[i][j] = s[off + i * k + j];
                if (!Double.isFinite(a[i][j])) return false;
            }
        }
        for (double v : new EigenDecomposition(new Array2DRowRealMatrix(a, false)).getRealEigenvalues()) {
            if (Math.abs(v) < PD_TOLERANCE || v <= 0) return false;
        }
        return true;
    }

    /** bMIND's default: I var(x_g) / sum_k mean(w_k)^2 (observed bulk values, n - 1). */
    static void isotropic(double[] y, int off, int n, double sumMeanW2, int k, double[] out, int ooff) {
        double m = mean(y, off, n), ss = 0;
        int obs = 0;
        for (int i = 0; i < n; i++) {
            double v = y[off + i];
            if (!Double.isNaN(v)) { ss += (v - m) * (v - m); obs++; }
        }
        double v = obs >= 2 ? ss / (obs - 1) / sumMeanW2 : Double.NaN;
        Arrays.fill(out, ooff, ooff + k * k, 0.0);
        for (int t = 0; t < k; t++) out[ooff + t * k + t] = v;
    }

    static double sumOfSquaredMeans(double[] w, int n, int k) {
        double s = 0;
        for (int t = 0; t < k; t++) {
            double m = 0;
            for (int i = 0; i < n; i++) m += w[i * k + t];
            m /= n;
            s += m * m;
        }
        return s;
    }

    private static double mean(double[] y, int off, int n) {
        double s = 0;
        int obs = 0;
        for (int i = 0; i < n; i++) if (!Double.isNaN(y[off + i])) { s += y[off + i]; obs++; }
        return obs == 0 ? Double.NaN : s / obs;
    }

    private static double log2(double v) { return Math.log(v) / Math.log(2); }
}
