package org.cohortex.prs;

import org.cohortex.linalg.ComputeBackend;
import org.cohortex.linalg.Mat;

/**
 * The genomic relationship matrix of plink 1.9's --make-rel / --rel-cutoff (GCTA's estimator):
 * A_jk = mean over variants called in both j and k of (x_ij - 2p_i)(x_ik - 2p_i) / (2p_i(1-p_i)),
 * p_i the A1 frequency in the samples analysed. Built as two Gram matrices per block of variants
 * (standardised genotypes with 0 for missing, and missing indicators), so the work is GEMM-shaped
 * and goes through the backend. With {@code pairwiseComplete = false} the denominator is the
 * number of variants and missing calls count as the mean (plink2 --pca's matrix).
 */
public final class GeneticRelationship {
    private GeneticRelationship() {}

    /** Both normalisations of one numerator: pairwise-complete (--rel-cutoff) and over all variants (--pca). */
    public record Both(Mat pairwiseComplete, Mat meanImputed) {}

    public static Mat compute(PlinkFileset fs, int[] variants, int[] samples, ComputeBackend backend, boolean pairwiseComplete) {
        Both b = computeBoth(fs, variants, samples, backend, pairwiseComplete);
        return pairwiseComplete ? b.pairwiseComplete() : b.meanImputed();
    }

    public static Both computeBoth(PlinkFileset fs, int[] variants, int[] samples, ComputeBackend backend, boolean pairwiseComplete) {
        int n = samples.length;
        int block = Math.max(64, Math.min(4096, (int) (64_000_000L / Math.max(1, n) / 8)));
        int[] missing = new int[n];
        double[] z = new double[block * n];
        // missing calls as one bitset per sample over the variants used: pairs missing at both
        // are popcounts, not a second Gram matrix
        int mWords = (variants.length + 63) >>> 6;
        long[] missBits = pairwiseComplete ? new long[n * mWords] : null;
        int[] filled = {0};
        int[] used = {0};
        Mat grm;
        try (ComputeBackend.GramAccumulator acc = backend.gramAccumulator(n)) {
            Runnable flush = () -> {
                acc.add(z, filled[0]);
                filled[0] = 0;
            };
            fs.stream(variants, samples, (pos, g) -> {
                long s = 0;
                int c = 0;
                for (byte v : g) if (v >= 0) { s += v; c++; }
                if (c == 0) return;
                double p = s / (2.0 * c);
                if (p <= 0 || p >= 1) return; // monomorphic: no information, plink skips it too
                double sd = Math.sqrt(2 * p * (1 - p));
                int row = filled[0] * n;
                for (int i = 0; i < n; i++) {
                    if (g[i] < 0) {
                        z[row + i] = 0;
                        missing[i]++;
                        if (missBits != null) missBits[i * mWords + (used[0] >>> 6)] |= 1L << (used[0] & 63);
                    } else {
                        z[row + i] = (g[i] - 2 * p) / sd;
                    }
                }
                used[0]++;
                if (++filled[0] == block) flush.run();
            });
            flush.run();
            grm = acc.result();
        }
        int m = used[0];
        Mat mean = new Mat(n, n);
        for (int i = 0; i < grm.data.length; i++) mean.data[i] = m > 0 ? grm.data[i] / m : Double.NaN;
        if (!pairwiseComplete) return new Both(null, mean);
        java.util.stream.IntStream.range(0, n).parallel().forEach(j -> {
            for (int k = 0; k < n; k++) {
                double den = m;
                if (pairwiseComplete && missing[j] > 0 && missing[k] > 0) {
                    long both = 0;
                    for (int w = 0, oj = j * mWords, ok = k * mWords; w < mWords; w++) both += Long.bitCount(missBits[oj + w] & missBits[ok + w]);
                    den = m - missing[j] - missing[k] + both;
                } else if (pairwiseComplete) {
                    den = m - missing[j] - missing[k];
                }
                grm.set(j, k, den > 0 ? grm.get(j, k) / den : Double.NaN);
            }
        });
        return new Both(grm, mean);
    }
}
