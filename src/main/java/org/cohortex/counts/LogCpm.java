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

    /** Genes per task. */
    private static final int GENE_BLOCK = 512;

    /** genes x n log-CPM of counts (genes x n, row-major) on the given effective library sizes. */
    public static double[] voom(double[] counts, int genes, int n, double[] effectiveLibSize) {
        if (counts.length != genes * n || effectiveLibSize.length != n) throw new IllegalArgumentException("counts/lib.size shapes");
        double[] libPlusOne = new double[n], k = new double[3 * n], p = new double[3];
        double[] million = new double[3];
        Log2.parts(1e6, million, 0);
        boolean[] table = new boolean[n];
        for (int j = 0; j < n; j++) {
            libPlusOne[j] = effectiveLibSize[j] + 1;
            // log2(1e6) - log2(lib + 1) as hi, lo, err: the part of every value's logarithm that the sample brings
            table[j] = Log2.parts(libPlusOne[j], p, 0);
            double hi = million[0] - p[0], b = hi - million[0];
            k[3 * j] = hi;
            k[3 * j + 1] = ((million[0] - (hi - b)) + (-p[0] - b)) + million[1] - p[1];
            k[3 * j + 2] = million[2] + p[2] + CountLog2.SUM_ERROR;
        }
        double[] out = new double[genes * n];
        IntStream.range(0, (genes + GENE_BLOCK - 1) / GENE_BLOCK).parallel().forEach(block -> {
            for (int i = block * GENE_BLOCK * n, end = Math.min(genes, (block + 1) * GENE_BLOCK) * n; i < end; ) {
                for (int j = 0; j < n; j++, i++) out[i] = value(counts[i], libPlusOne[j], k, j, table[j]);
            }
        });
        return out;
    }

    /**
     * log2((v + 0.5) / libPlusOne * 1e6) as R evaluates it: the two rounded operations, then log2 of their result.
     * For an integer count below 2^16 that is log2(v + 0.5) ({@link CountLog2}) + log2(1e6) - log2(libPlusOne) + the
     * two roundings' relative errors / ln 2 (exact residuals by FMA), rounded once when certain ({@link Log2#roundOrNaN});
     * otherwise, and for any other count, Log2.log2 of the rounded argument.
     */
    private static double value(double v, double libPlusOne, double[] k, int j, boolean table) {
        double t1 = v + 0.5, t2 = t1 / libPlusOne, t3 = t2 * 1e6;
        int c = (int) v;
        if (c == v && c >= 0 && c < CountLog2.LIMIT && table) {
            double[] t = CountLog2.HALF;
            int at = 4 * c;
            double e2 = Math.fma(t2, libPlusOne, -t1), e3 = Math.fma(t2, 1e6, -t3); // t2 = (t1 + e2) / L, t3 = t2 1e6 - e3
            double th = t[at], kh = k[3 * j], sh = th + kh, b = sh - th;
            double sl = ((th - (sh - b)) + (kh - b)) + t[at + 1] + k[3 * j + 1]
                    + (e2 - e3 * (libPlusOne * 1e-6)) * t[at + 3] * CountLog2.INV_LN2; // e2 / t1 - e3 / t3, 1 / t3 ~ L / (t1 1e6)
            double r = Log2.roundOrNaN(sh, sl, t[at + 2] + k[3 * j + 2] + CountLog2.SUM_ERROR);
            if (r == r) return r;
        }
        return Log2.log2(t3);
    }

    /** Effective library sizes lib.size * norm.factors. */
    public static double[] effective(double[] libSize, double[] normFactors) {
        double[] e = new double[libSize.length];
        for (int j = 0; j < e.length; j++) e[j] = libSize[j] * normFactors[j];
        return e;
    }
}
