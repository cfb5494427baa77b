package org.cohortex.linalg;

import java.util.stream.IntStream;

/**
 * Each row's mean and centred sum of squares, sum (y_i - mean)^2, of a complete genes x n matrix: what every nested-RSS
 * pass over the same data needs first ({@link BatchedOls#nestedRss}), computed once for several (irw-sva fits the same
 * data on new SVs five times). The loops are the ones nestedRss runs without them, so the values are the same.
 *
 * @param mean row means (genes)
 * @param ss   centred sums of squares (genes)
 */
public record RowMoments(double[] mean, double[] ss) {
    private static final int BLOCK = 1024;

    /** The moments of y's rows, in gene blocks on the common pool (each a function of its own row). */
    public static RowMoments of(Mat y) {
        int genes = y.rows, n = y.cols;
        double[] mean = new double[genes], ss = new double[genes];
        IntStream.range(0, (genes + BLOCK - 1) / BLOCK).parallel().forEach(b -> {
            for (int g = b * BLOCK, e = Math.min(genes, g + BLOCK); g < e; g++) {
                int off = g * n;
                double m = 0;
                for (int i = 0; i < n; i++) m += y.data[off + i];
                m /= n;
                double s = 0;
                for (int i = 0; i < n; i++) {
                    double t = y.data[off + i] - m;
                    s += t * t;
                }
                mean[g] = m;
                ss[g] = s;
            }
        });
        return new RowMoments(mean, ss);
    }
}
