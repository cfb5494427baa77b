package org.cohortex.counts;

import java.util.stream.IntStream;

import org.cohortex.stats.Log2;

/**
 * voom's log2 counts per million, log2((count + 0.5) / (lib + 1) * 1e6) (limma 3.54), on effective
 * library sizes lib = lib.size * norm.factor. The offsets keep zero counts finite and make the
 * value independent of the library size's own count.
 */
public final class LogCpm {
    private LogCpm() {}

    /** genes x n log-CPM of counts (genes x n, row-major) on the given effective library sizes. */
    public static double[] voom(double[] counts, int genes, int n, double[] effectiveLibSize) {
        if (counts.length != genes * n || effectiveLibSize.length != n) throw new IllegalArgumentException("counts/lib.size shapes");
        double[] libPlusOne = new double[n];
        for (int j = 0; j < n; j++) libPlusOne[j] = effectiveLibSize[j] + 1;
        double[] out = new double[genes * n];
        IntStream.range(0, genes).parallel().forEach(g -> {
            for (int j = 0; j < n; j++) out[g * n + j] = Log2.log2((counts[g * n + j] + 0.5) / libPlusOne[j] * 1e6);
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
