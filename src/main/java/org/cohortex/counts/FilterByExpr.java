package org.cohortex.counts;

import java.util.stream.IntStream;

import org.cohortex.linalg.Mat;
import org.cohortex.stats.RSummary;

/**
 * edgeR 3.40's filterByExpr(y, design) (filterByExpr.default): keep a gene when its CPM reaches
 * min.count / median(lib.size) * 1e6 in at least MinSampleSize samples (with a 1e-14 tolerance) and
 * its total count reaches min.total.count. MinSampleSize is 1 / max(hat values of [1, design]),
 * the smallest group size for a group design, moderated above large.n to large.n + (MinSampleSize -
 * large.n) min.prop. CPM is count * (1e6 / lib.size), in edgeR's C++ operation order, so genes
 * exactly at the cut-off fall on the same side as in R. Cost O(genes n) plus one QR of the design.
 */
public final class FilterByExpr {
    private FilterByExpr() {}

    /** filterByExpr's arguments; {@link #DEFAULTS} are edgeR's. */
    public record Settings(double minCount, double minTotalCount, double largeN, double minProp) {}

    public static final Settings DEFAULTS = new Settings(10, 15, 10, 0.7);

    /**
     * keep[g] for counts (genes x n, row-major, non-negative, no NA) on the design (n x p), library
     * sizes the column sums.
     */
    public static boolean[] keep(double[] counts, int genes, int n, Mat design) {
        return keep(counts, genes, n, design, columnSums(counts, genes, n), DEFAULTS);
    }

    /** As {@link #keep(double[], int, int, Mat)} with explicit library sizes and settings. */
    public static boolean[] keep(double[] counts, int genes, int n, Mat design, double[] libSize, Settings s) {
        if (counts.length != genes * n) {
            throw new IllegalArgumentException("counts has " + counts.length + " values, not " + genes + " x " + n);
        }
        if (design.rows != n) throw new IllegalArgumentException("design has " + design.rows + " rows for " + n + " samples");
        double minSamples = minSampleSize(design, s);
        double cutoff = s.minCount() / RSummary.median(libSize) * 1e6;
        double[] perMillion = new double[n];
        for (int j = 0; j < n; j++) perMillion[j] = 1e6 / libSize[j];
        double tol = 1e-14;
        boolean[] keep = new boolean[genes];
        IntStream.range(0, (genes + 1023) / 1024).parallel().forEach(b -> { // genes are independent: blocks on all cores
            for (int g = b * 1024, e = Math.min(genes, g + 1024); g < e; g++) {
                int above = 0;
                double total = 0;
                for (int j = 0; j < n; j++) {
                    double c = counts[g * n + j];
                    above += c * perMillion[j] >= cutoff ? 1 : 0;
                    total += c;
                }
                keep[g] = above >= minSamples - tol && total >= s.minTotalCount() - tol;
            }
        });
        return keep;
    }

    /** MinSampleSize: 1 / max(hat(design)) (stats::hat adds an intercept column), moderated above large.n. */
    public static double minSampleSize(Mat design, Settings s) {
        double m = 1 / maxLeverage(design);
        if (m > s.largeN()) m = s.largeN() + (m - s.largeN()) * s.minProp();
        return m;
    }

    /**
     * max_i h_ii of the projection on the span of [1, design]: Gram-Schmidt (twice, for orthogonality)
     * over the columns, dropping a column whose remainder is below 1e-7 of its norm as R's qr
     * (LINPACK dqrdc2, tol 1e-7) moves it out of the rank.
     */
    static double maxLeverage(Mat design) {
        int n = design.rows, p = design.cols;
        double[][] basis = new double[p + 1][];
        int rank = 0;
        for (int c = 0; c <= p; c++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = c == 0 ? 1 : design.data[i * p + c - 1];
            double norm0 = norm(v);
            if (norm0 == 0) continue;
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < rank; k++) {
                    double d = 0;
                    for (int i = 0; i < n; i++) d += basis[k][i] * v[i];
                    for (int i = 0; i < n; i++) v[i] -= d * basis[k][i];
                }
            }
            double nv = norm(v);
            if (nv < 1e-7 * norm0) continue;
            for (int i = 0; i < n; i++) v[i] /= nv;
            basis[rank++] = v;
        }
        double max = 0;
        for (int i = 0; i < n; i++) {
            double h = 0;
            for (int k = 0; k < rank; k++) h += basis[k][i] * basis[k][i];
            max = Math.max(max, h);
        }
        return max;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    /** Column sums of a genes x n matrix: the library sizes. */
    public static double[] columnSums(double[] counts, int genes, int n) { return Mat.columnSums(counts, genes, n); }
}
