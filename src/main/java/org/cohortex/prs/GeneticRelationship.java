package org.cohortex.prs;

import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

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

    /** Above this many (variant, missing pair) updates the pairwise counts come from bitset popcounts. */
    static long SPARSE_PAIR_LIMIT = 400_000_000L;

    /** Both normalisations of one numerator: pairwise-complete (--rel-cutoff) and over all variants (--pca). */
    public record Both(Mat pairwiseComplete, Mat meanImputed) {}

    private static void waitFor(Future<?> f) {
        if (f == null) return;
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while adding a GRM block", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
    }

    public static Mat compute(PlinkFileset fs, int[] variants, int[] samples, DenseOps backend, boolean pairwiseComplete) {
        Both b = computeBoth(fs, variants, samples, backend, pairwiseComplete);
        return pairwiseComplete ? b.pairwiseComplete() : b.meanImputed();
    }

    public static Both computeBoth(PlinkFileset fs, int[] variants, int[] samples, DenseOps backend, boolean pairwiseComplete) {
        int n = samples.length;
        int block = Math.max(64, Math.min(4096, (int) (64_000_000L / Math.max(1, n) / 8)));
        int[] missing = new int[n];
        // two blocks: the stream decodes and standardises one while the backend adds the other
        double[][] zz = {new double[block * n], new double[block * n]};
        // missing calls as one bitset per sample over the variants used: pairs missing at both
        // are popcounts, not a second Gram matrix
        int mWords = (variants.length + 63) >>> 6;
        long[] missBits = pairwiseComplete ? new long[n * mWords] : null;
        int[] filled = {0};
        int[] used = {0};
        // pairs missing at the same variant, counted directly while missing calls are sparse (cost
        // sum over variants of m_v^2 / 2: ~10^7 at 0.2% missing), else by popcounts of the bitsets
        int[] bothMissing = pairwiseComplete && (long) n * n <= 100_000_000L ? new int[n * n] : null;
        int[] missIdx = new int[n];
        long[] sparseCost = {0};
        Mat grm;
        ExecutorService adder = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "grm-syrk");
            t.setDaemon(true);
            return t;
        });
        try (DenseOps.GramAccumulator acc = backend.gramAccumulator(n)) {
            int[] cur = {0};
            Future<?>[] pending = {null};
            Runnable flush = () -> {
                waitFor(pending[0]);
                double[] full = zz[cur[0]];
                int rows = filled[0];
                pending[0] = adder.submit(() -> acc.add(full, rows));
                cur[0] ^= 1;
                filled[0] = 0;
            };
            fs.stream(variants, samples, (pos, g) -> {
                double[] z = zz[cur[0]];
                long s = 0;
                int c = 0;
                for (byte v : g) if (v >= 0) { s += v; c++; }
                if (c == 0) return;
                double p = s / (2.0 * c);
                if (p <= 0 || p >= 1) return; // monomorphic: no information, plink skips it too
                double sd = Math.sqrt(2 * p * (1 - p));
                int row = filled[0] * n, mv = 0;
                for (int i = 0; i < n; i++) {
                    if (g[i] < 0) {
                        z[row + i] = 0;
                        missing[i]++;
                        if (missBits != null) missBits[i * mWords + (used[0] >>> 6)] |= 1L << (used[0] & 63);
                        missIdx[mv++] = i;
                    } else {
                        z[row + i] = (g[i] - 2 * p) / sd;
                    }
                }
                if (bothMissing != null && sparseCost[0] >= 0 && mv > 1) {
                    sparseCost[0] += (long) mv * (mv - 1) / 2;
                    if (sparseCost[0] > SPARSE_PAIR_LIMIT) sparseCost[0] = -1; // too dense: popcounts below
                    else for (int a = 0; a < mv; a++) for (int b = a + 1; b < mv; b++) bothMissing[missIdx[a] * n + missIdx[b]]++;
                }
                used[0]++;
                if (++filled[0] == block) flush.run();
            });
            flush.run();
            waitFor(pending[0]);
            grm = acc.result();
        } finally {
            adder.shutdownNow();
        }
        int m = used[0];
        Mat mean = new Mat(n, n);
        for (int i = 0; i < grm.data.length; i++) mean.data[i] = m > 0 ? grm.data[i] / m : Double.NaN;
        if (!pairwiseComplete) return new Both(null, mean);
        boolean sparse = sparseCost[0] >= 0;
        IntStream.range(0, n).parallel().forEach(j -> {
            for (int k = j; k < n; k++) {
                long both = 0;
                if (k == j) both = missing[j];
                else if (missing[j] > 0 && missing[k] > 0) {
                    if (sparse) both = bothMissing[j * n + k];
                    else for (int w = 0, oj = j * mWords, ok = k * mWords; w < mWords; w++) both += Long.bitCount(missBits[oj
                            + w] & missBits[ok + w]);
                }
                double den = m - missing[j] - missing[k] + both;
                double v = den > 0 ? grm.get(j, k) / den : Double.NaN;
                grm.set(j, k, v);
                grm.set(k, j, v);
            }
        });
        return new Both(grm, mean);
    }
}
