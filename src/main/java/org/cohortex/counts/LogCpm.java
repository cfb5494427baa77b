package org.cohortex.counts;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.cohortex.stats.Log2;

/**
 * voom's log2 counts per million, log2((count + 0.5) / (lib + 1) * 1e6) (limma 3.54), on effective
 * library sizes lib = lib.size * norm.factor. The offsets keep zero counts finite and make the
 * value independent of the library size's own count.
 */
public final class LogCpm {
    private LogCpm() {}

    /** Counts below SMALL share their logarithm within a sample; samples per block; gene ranges per block of samples. */
    private static final int SMALL = 1024, BLOCK = 16, GENE_PARTS = 4;

    /** genes x n log-CPM of counts (genes x n, row-major) on the given effective library sizes. */
    public static double[] voom(double[] counts, int genes, int n, double[] effectiveLibSize) {
        if (counts.length != genes * n || effectiveLibSize.length != n) throw new IllegalArgumentException("counts/lib.size shapes");
        double[] libPlusOne = new double[n];
        for (int j = 0; j < n; j++) libPlusOne[j] = effectiveLibSize[j] + 1;
        double[] out = new double[genes * n];
        // samples in blocks, each with the logarithms of its counts below SMALL computed once (counts repeat within a
        // sample: 72% of the demo cohort's are below 1,024); the same expression, so the same bits
        int blocks = (n + BLOCK - 1) / BLOCK;
        IntStream.range(0, blocks * GENE_PARTS).parallel().forEach(task -> {
            int from = task / GENE_PARTS * BLOCK, to = Math.min(n, from + BLOCK), width = to - from;
            int part = task % GENE_PARTS;
            int g0 = (int) ((long) genes * part / GENE_PARTS), g1 = (int) ((long) genes * (part + 1) / GENE_PARTS);
            double[] small = new double[width * SMALL];
            Arrays.fill(small, Double.NaN);
            for (int g = g0; g < g1; g++) {
                for (int j = from; j < to; j++) {
                    double v = counts[g * n + j];
                    int c = (int) v, at = (j - from) * SMALL + c;
                    if (c == v && c >= 0 && c < SMALL) {
                        double l = small[at];
                        if (l != l) small[at] = l = Log2.log2((v + 0.5) / libPlusOne[j] * 1e6);
                        out[g * n + j] = l;
                    } else {
                        out[g * n + j] = Log2.log2((v + 0.5) / libPlusOne[j] * 1e6);
                    }
                }
            }
        });
        return out;
    }

    /** Effective library sizes lib.size * norm.factors. */
    public static double[] effective(double[] libSize, double[] normFactors) {
        double[] e = new double[libSize.length];
        for (int j = 0; j < e.length; j++) e[j] = libSize[j] * normFactors[j];
        return e;
    }
}
