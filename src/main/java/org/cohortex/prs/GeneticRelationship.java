package org.cohortex.prs;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;

/**
 * The genomic relationship matrix (GCTA's estimator) as both plink 1.9's --make-rel / --rel-cutoff
 * (plink_calc.c calc_rel) and plink2's --make-rel / --pca (plink2_matrix_calc.cc CalcGrm, without
 * 'meanimpute') compute it:
 * A_jk = sum over variants called in both j and k of (x_ij - 2p_i)(x_ik - 2p_i) / (2p_i(1-p_i)),
 * divided by the number of variants called in both (m - miss_j - miss_k + miss_jk), p_i the A1
 * frequency over the samples' calls. A variant monomorphic in these samples adds 0 to every
 * numerator but counts in the denominators, as in both plinks; a variant nobody called counts
 * nowhere (same ratios). n x n; the numerator is one SYRK of the standardised genotypes (missing
 * = 0) per block of variants through the backend, n^2 m flops in all; the pairs missing at the same
 * variant are counted directly while missing calls are sparse, else by popcounts of per-sample
 * missing bitsets (n^2 m / 128 word operations).
 */
public final class GeneticRelationship {
    private GeneticRelationship() {}

    /** Above this many (variant, missing pair) updates the pairwise counts come from bitset popcounts. */
    static final long SPARSE_PAIR_LIMIT = 400_000_000L;

    public static Mat compute(PlinkFileset fs, int[] variants, int[] samples, DenseOps backend) {
        return compute(fs, variants, samples, backend, SPARSE_PAIR_LIMIT);
    }

    /** As {@link #compute(PlinkFileset, int[], int[], DenseOps)}, switching to popcounts above sparsePairLimit updates. */
    static Mat compute(PlinkFileset fs, int[] variants, int[] samples, DenseOps backend, long sparsePairLimit) {
        int n = samples.length;
        Counts counts = new Counts(n, variants.length, sparsePairLimit);
        Mat grm = numerator(fs, variants, samples, backend, counts);
        int m = counts.variants;
        IntStream.range(0, n).parallel().forEach(j -> {
            for (int k = j; k < n; k++) {
                double den = m - counts.missing[j] - counts.missing[k] + counts.bothMissing(j, k);
                double v = den > 0 ? grm.get(j, k) / den : Double.NaN;
                grm.set(j, k, v);
                grm.set(k, j, v);
            }
        });
        return grm;
    }

    /** Sum over variants of z z^T, z the standardised genotypes; fills counts on the way. */
    private static Mat numerator(PlinkFileset fs, int[] variants, int[] samples, DenseOps backend, Counts counts) {
        int n = samples.length;
        int block = Math.max(64, Math.min(4096, (int) (64_000_000L / Math.max(1, n) / 8)));
        // two blocks: the stream decodes and standardises one while the backend adds the other
        double[][] zz = {new double[block * n], new double[block * n]};
        int[] filled = {0}, cur = {0};
        ExecutorService adder = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "grm-syrk");
            t.setDaemon(true);
            return t;
        });
        try (DenseOps.GramAccumulator acc = backend.gramAccumulator(n)) {
            Future<?>[] pending = new Future<?>[1];
            Runnable flush = () -> {
                waitFor(pending[0]);
                double[] full = zz[cur[0]];
                int rows = filled[0];
                pending[0] = adder.submit(() -> acc.add(full, rows));
                cur[0] ^= 1;
                filled[0] = 0;
            };
            fs.stream(variants, samples, (pos, g) -> {
                if (standardise(g, zz[cur[0]], filled[0] * n, counts) && ++filled[0] == block) flush.run();
            });
            flush.run();
            waitFor(pending[0]);
            return acc.result();
        } finally {
            adder.shutdownNow();
        }
    }

    /**
     * Writes (x - 2p) / sqrt(2p(1-p)) of one variant at z[row..row+n) (0 where missing) and counts its
     * missing calls; returns whether it went into z (false: nobody called, or monomorphic).
     */
    private static boolean standardise(byte[] g, double[] z, int row, Counts counts) {
        long s = 0;
        int c = 0;
        for (byte v : g) if (v >= 0) { s += v; c++; }
        if (c == 0) return false;
        double p = s / (2.0 * c);
        boolean polymorphic = p > 0 && p < 1;
        double sd = Math.sqrt(2 * p * (1 - p));
        counts.startVariant();
        for (int i = 0; i < g.length; i++) {
            if (g[i] < 0) counts.missingCall(i);
            if (polymorphic) z[row + i] = g[i] < 0 ? 0 : (g[i] - 2 * p) / sd;
        }
        counts.endVariant();
        return polymorphic;
    }

    /** Missing calls per sample and per pair of samples over the variants counted so far. */
    private static final class Counts {
        final int n;
        final int[] missing;
        final long sparsePairLimit;
        // missing calls as one bitset per sample over the counted variants: pairs missing at the same
        // variant are popcounts when counting them directly gets too dense
        final int words;
        final long[] missBits;
        // direct pair counts while sum over variants of m_v^2 / 2 stays small (~10^7 at 0.2% missing)
        final int[] pairs;
        final int[] missIdx;
        long sparseCost;
        int variants, mv;

        Counts(int n, int maxVariants, long sparsePairLimit) {
            this.n = n;
            this.sparsePairLimit = sparsePairLimit;
            missing = new int[n];
            words = (maxVariants + 63) >>> 6;
            missBits = new long[n * words];
            pairs = (long) n * n <= 100_000_000L ? new int[n * n] : null;
            missIdx = new int[n];
            sparseCost = pairs != null ? 0 : -1;
        }

        void startVariant() { mv = 0; }

        void missingCall(int i) {
            missing[i]++;
            missBits[i * words + (variants >>> 6)] |= 1L << (variants & 63);
            missIdx[mv++] = i;
        }

        void endVariant() {
            if (sparseCost >= 0 && mv > 1) {
                sparseCost += (long) mv * (mv - 1) / 2;
                if (sparseCost > sparsePairLimit) sparseCost = -1; // too dense: popcounts from now on
                else for (int a = 0; a < mv; a++) for (int b = a + 1; b < mv; b++) pairs[missIdx[a] * n + missIdx[b]]++;
            }
            variants++;
        }

        /** Variants missing in both j <= k (j == k: j's missing calls). */
        long bothMissing(int j, int k) {
            if (j == k) return missing[j];
            if (missing[j] == 0 || missing[k] == 0) return 0;
            if (sparseCost >= 0) return pairs[j * n + k];
            long both = 0;
            for (int w = 0, oj = j * words, ok = k * words; w < words; w++) both += Long.bitCount(missBits[oj + w] & missBits[ok + w]);
            return both;
        }
    }

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
}
