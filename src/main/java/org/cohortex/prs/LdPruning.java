package org.cohortex.prs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.cohortex.UserException;

/**
 * Pairwise LD pruning, plink 1.9's --indep-pairwise WINDOW STEP R2 with a window counted in
 * variants. Within each window, pairs are scanned in plink's order (earlier variant first, later
 * partners from where the last scan stopped); the first pair with r^2 above the threshold loses
 * the variant with the lower MAF (ties: the later one), and scans repeat until no pair is above.
 * The window then moves STEP variants. r^2 is the squared Pearson correlation of A1 counts over
 * the samples called at both variants. Monomorphic variants are pruned on sight. This reproduces
 * plink 1.9's prune.in/prune.out (checked on fixtures), not just its spirit.
 */
public final class LdPruning {
    /** plink's SMALL_EPSILON (2^-44): threshold and MAF comparisons carry it. */
    private static final double EPS = 0x1p-44;

    private final int window, step;
    private final double r2Threshold;

    public LdPruning(int window, int step, double r2) {
        if (window < 2) throw new UserException("LD pruning window must be at least 2 variants (got " + window + ")");
        if (step < 1 || step > window) throw new UserException("LD pruning step must be between 1 and the window (got " + step + ")");
        this.window = window;
        this.step = step;
        this.r2Threshold = r2;
    }

    /** Variants (ascending .bim indices) kept; the rest of `variants` is pruned. */
    public int[] prune(PlinkFileset fs, int[] variants, int[] samples) {
        int m = variants.length;
        boolean[] pruned = new boolean[m];
        // one chromosome in memory at a time: memory is bounded by the largest chromosome
        int cs = 0;
        while (cs < m) {
            int chr = fs.variants.get(variants[cs]).chr();
            int ce = cs;
            while (ce < m && fs.variants.get(variants[ce]).chr() == chr) ce++;
            boolean[] local = pruneOne(fs, Arrays.copyOfRange(variants, cs, ce), samples);
            System.arraycopy(local, 0, pruned, cs, ce - cs);
            cs = ce;
        }
        List<Integer> kept = new ArrayList<>();
        for (int k = 0; k < m; k++) if (!pruned[k]) kept.add(variants[k]);
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    private boolean[] pruneOne(PlinkFileset fs, int[] variants, int[] samples) {
        int n = samples.length, m = variants.length;
        // three bit planes per variant over all samples (samples not analysed cleared):
        // a = (x >= 1), b = (x == 2), c = called; x = a + b and x^2 = a + 3b
        int words = (fs.n() + 63) >>> 6;
        if ((long) m * words * 3 > Integer.MAX_VALUE) {
            throw new UserException("LD pruning: " + m + " variants of one chromosome x " + fs.n() + " samples do not fit one array");
        }
        long[] geno = new long[m * words * 3];
        long[] keepMask = fs.keepMask(samples);
        double[] maf = new double[m], sum = new double[m], ssq = new double[m];
        int[] miss = new int[m];
        fs.streamPacked(variants, (pos, buf, off) -> {
            int base = pos * words * 3;
            fs.bitPlanes(buf, off, keepMask, geno, base, 3);
            int s1 = 0, s2 = 0, called = 0;
            for (int w = 0; w < words; w++) {
                s1 += Long.bitCount(geno[base + 3 * w]);
                s2 += Long.bitCount(geno[base + 3 * w + 1]);
                called += Long.bitCount(geno[base + 3 * w + 2]);
            }
            int mi = n - called;
            miss[pos] = mi;
            sum[pos] = s1 + s2;
            ssq[pos] = s1 + 3.0 * s2;
            maf[pos] = mi == n ? 0 : AlleleCounts.maf((s1 + s2) / (2.0 * (n - mi)));
        });
        boolean[] pruned = new boolean[m];
        pruneChromosome(0, m, n, words, geno, maf, sum, ssq, miss, pruned);
        return pruned;
    }

    private void pruneChromosome(int cs, int ce, int n, int words, long[] geno, double[] maf, double[] sum, double[] ssq, int[] miss,
            boolean[] pruned) {
        double thr = r2Threshold * (1 + EPS);
        int[] live = new int[window + step], startArr = new int[window + step];
        int start = cs, end = cs + 1, size;
        live[0] = cs;
        if (zeroVariance(cs, n, sum, ssq, miss)) pruned[cs] = true;
        for (size = 1; size < window && end < ce; size++) {
            startArr[size - 1] = end;
            live[size] = end;
            if (zeroVariance(end, n, sum, ssq, miss)) pruned[end] = true;
            end++;
        }
        startArr[size - 1] = end;
        double[] r2 = new double[(window + step) * (window + step)];
        int cached = 0; // r2 rows/cols valid for live[0..cached) x live[0..cached)
        int[] cachedId = new int[window + step];
        while (start < ce || size > 1) {
            if (size > 1) {
                fillR2(live, size, n, words, geno, sum, ssq, miss, pruned, r2, cachedId, cached);
                System.arraycopy(live, 0, cachedId, 0, size);
                cached = size;
                boolean any;
                do {
                    any = false;
                    for (int u = 0; u < size - 1; u++) {
                        if (pruned[live[u]]) continue;
                        int v = u + 1;
                        while (live[v] < startArr[u]) if (++v == size) break;
                        for (; v < size; v++) {
                            if (pruned[live[v]]) continue;
                            if (r2[u * (window + step) + v] > thr) {
                                any = true;
                                if (maf[live[u]] < (1 - EPS) * maf[live[v]]) {
                                    pruned[live[u]] = true;
                                } else {
                                    pruned[live[v]] = true;
                                    v++;
                                    while (v < size && pruned[live[v]]) v++;
                                    if (v < size) startArr[u] = live[v];
                                }
                                break;
                            }
                        }
                        if (v == size) startArr[u] = end;
                    }
                } while (any);
            }
            for (int k = 0; k < step && start < ce; k++) start++;
            if (start == ce) break;
            // keep unpruned variants still in the window, with their cached r2 entries
            int u = 0, w = 0;
            while (u < size && live[u] < start) u++;
            int[] from = new int[size];
            for (; u < size; u++) {
                if (pruned[live[u]]) continue;
                from[w] = u;
                live[w] = live[u];
                startArr[w] = startArr[u];
                w++;
            }
            int stride = window + step;
            for (int a = 0; a < w; a++) for (int b = 0; b < w; b++) r2[a * stride + b] = r2[from[a] * stride + from[b]];
            cached = w;
            System.arraycopy(live, 0, cachedId, 0, w);
            int prevEnd = w;
            size = w;
            for (int k = 0; k < step && end < ce; k++) {
                live[size] = end;
                if (size > prevEnd) startArr[size - 1] = end;
                if (zeroVariance(end, n, sum, ssq, miss)) pruned[end] = true;
                size++;
                end++;
            }
            if (size > prevEnd) startArr[size - 1] = end;
        }
    }

    private static boolean zeroVariance(int k, int n, double[] sum, double[] ssq, int[] miss) {
        double nn = n - miss[k];
        return nn * ssq[k] - sum[k] * sum[k] == 0;
    }

    /** r^2 for every pair (a < b) of the window not already cached (cached = the first `cached` entries). */
    private void fillR2(int[] live, int size, int n, int words, long[] geno, double[] sum, double[] ssq, int[] miss, boolean[] pruned,
            double[] r2, int[] cachedId, int cached) {
        int stride = window + step;
        IntStream.range(0, size).parallel().forEach(b -> {
            if (b < cached || pruned[live[b]]) return;
            int jb = live[b];
            for (int a = 0; a < b; a++) {
                if (pruned[live[a]]) continue;
                double v = r2(live[a], jb, n, words, geno, sum, ssq, miss);
                r2[a * stride + b] = v;
            }
        });
    }

    /** Squared Pearson correlation of A1 counts over the samples called at both, from bit-plane popcounts. */
    static double r2(int a, int b, int n, int words, long[] geno, double[] sum, double[] ssq, int[] miss) {
        int oa = a * words * 3, ob = b * words * 3;
        if (miss[a] == 0 && miss[b] == 0) {
            long dot = 0;
            for (int w = 0; w < words * 3; w += 3) {
                long xa = geno[oa + w], xb = geno[oa + w + 1], ya = geno[ob + w], yb = geno[ob + w + 1];
                dot += Long.bitCount(xa & ya) + Long.bitCount(xa & yb) + Long.bitCount(xb & ya) + Long.bitCount(xb & yb);
            }
            double cov = dot * (double) n - sum[a] * sum[b];
            return cov * cov / ((n * ssq[a] - sum[a] * sum[a]) * (n * ssq[b] - sum[b] * sum[b]));
        }
        long c = 0, sa = 0, sb = 0, qa = 0, qb = 0, ab = 0;
        for (int w = 0; w < words * 3; w += 3) {
            long xa = geno[oa + w], xb = geno[oa + w + 1], xm = geno[oa + w + 2];
            long ya = geno[ob + w], yb = geno[ob + w + 1], ym = geno[ob + w + 2];
            long both = xm & ym;
            c += Long.bitCount(both);
            long xa2 = xa & ym, xb2 = xb & ym, ya2 = ya & xm, yb2 = yb & xm;
            int pa = Long.bitCount(xa2), pb = Long.bitCount(xb2), qa1 = Long.bitCount(ya2), qb1 = Long.bitCount(yb2);
            sa += pa + pb;
            qa += pa + 3L * pb;
            sb += qa1 + qb1;
            qb += qa1 + 3L * qb1;
            ab += Long.bitCount(xa & ya) + Long.bitCount(xa & yb) + Long.bitCount(xb & ya) + Long.bitCount(xb & yb);
        }
        double cov = ab * (double) c - (double) sa * sb;
        double den = (c * (double) qa - (double) sa * sa) * (c * (double) qb - (double) sb * sb);
        return den == 0 ? Double.NaN : cov * cov / den;
    }

}
