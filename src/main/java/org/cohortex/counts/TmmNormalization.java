package org.cohortex.counts;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.cohortex.stats.Log2;
import org.cohortex.stats.RankBracket;
import org.cohortex.stats.RSummary;

/**
 * edgeR 3.40's calcNormFactors(method = "TMM") with its defaults (Robinson & Oshlack 2010): genes
 * with no count in any sample are set aside; the reference sample is the one whose upper quartile
 * (R's type-7 quantile) divided by its library size is closest to the mean of those (the column with
 * the largest sum of sqrt(counts) when their median is below 1e-20); for each sample the M values
 * log2((obs/N_obs)/(ref/N_ref)) of genes with finite M and A are trimmed by rank (ties averaged, as
 * R's rank) to the middle 40% (logratioTrim 0.3) and of the A values to the middle 90% (sumTrim
 * 0.05), and the precision-weighted mean of the rest (weights 1 / the delta-method variance
 * (N-obs)/(N obs) + (N_ref-ref)/(N_ref ref)) is the sample's log2 factor; a sample whose |M| are all
 * below 1e-6 gets 1. Factors are scaled to geometric mean 1. Cost O(genes n log genes).
 */
public final class TmmNormalization {
    private TmmNormalization() {}

    /** calcNormFactors' TMM arguments; {@link #DEFAULTS} are edgeR's. */
    public record Settings(double logratioTrim, double sumTrim, boolean doWeighting, double aCutoff) {}

    public static final Settings DEFAULTS = new Settings(0.3, 0.05, true, -1e10);

    /** Normalisation factors of counts (genes x n, row-major, no NA) with the given library sizes. */
    public static double[] factors(double[] counts, int genes, int n, double[] libSize) {
        return factors(counts, genes, n, libSize, DEFAULTS);
    }

    public static double[] factors(double[] counts, int genes, int n, double[] libSize, Settings s) {
        if (counts.length != genes * n || libSize.length != n) throw new IllegalArgumentException("counts/lib.size shapes");
        double[][] cols = nonZeroColumns(counts, genes, n);
        double[] f = new double[n];
        if (cols[0].length == 0 || n == 1) {
            Arrays.fill(f, 1);
            return f;
        }
        int ref = referenceColumn(cols, libSize);
        Reference r = new Reference(cols[ref], libSize[ref]);
        int chunk = 16, len = cols[0].length; // samples are independent: chunks on all cores, each with its own buffers
        IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(c -> {
            Buffers b = new Buffers(len);
            for (int j = c * chunk; j < Math.min(n, (c + 1) * chunk); j++) f[j] = factor(cols[j], libSize[j], r, s, b);
        });
        double[] logs = new double[n];
        for (int j = 0; j < n; j++) logs[j] = Math.log(f[j]);
        double gm = Math.exp(RSummary.mean(logs));
        for (int j = 0; j < n; j++) f[j] /= gm;
        return f;
    }

    /** The sample columns restricted to genes with a positive count somewhere (genes, then samples, in blocks on all cores). */
    static double[][] nonZeroColumns(double[] counts, int genes, int n) {
        boolean[] any = new boolean[genes];
        IntStream.range(0, (genes + 1023) / 1024).parallel().forEach(b -> {
            for (int g = b * 1024, e = Math.min(genes, g + 1024); g < e; g++) {
                for (int j = 0; j < n && !any[g]; j++) any[g] = counts[g * n + j] > 0;
            }
        });
        int[] at = new int[genes];
        int kept = 0;
        for (int g = 0; g < genes; g++) at[g] = any[g] ? kept++ : -1;
        double[][] cols = new double[n][kept];
        int width = 16; // samples a task copies: two cache lines of each gene's row
        IntStream.range(0, (n + width - 1) / width).parallel().forEach(b -> {
            int from = b * width, to = Math.min(n, from + width);
            for (int g = 0; g < genes; g++) {
                int k = at[g];
                if (k < 0) continue;
                for (int j = from; j < to; j++) cols[j][k] = counts[g * n + j];
            }
        });
        return cols;
    }

    /** refColumn: upper quartile / lib.size closest to its mean (first on ties), as calcNormFactors. */
    static int referenceColumn(double[][] cols, double[] libSize) {
        int n = cols.length;
        double[] f75 = new double[n];
        IntStream.range(0, n).parallel().forEach(j -> f75[j] = RSummary.quantile7Select(cols[j], 0.75) / libSize[j]);
        if (RSummary.median(f75) < 1e-20) {
            int best = 0;
            double bestSum = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (double c : cols[j]) sum += Math.sqrt(c);
                if (sum > bestSum) { bestSum = sum; best = j; }
            }
            return best;
        }
        double mean = RSummary.mean(f75);
        int best = 0;
        for (int j = 1; j < n; j++) if (Math.abs(f75[j] - mean) < Math.abs(f75[best] - mean)) best = j;
        return best;
    }

    /** The reference sample's counts, library size and log2(ref / N_ref), shared by every sample's factor. */
    static final class Reference {
        /** Per gene: the count, ref / N_ref, log2 of that, and the reference's term of the delta-method variance. */
        final double[] count, ratio, log2Ratio, variance;
        /** Per gene: log2(ref / N_ref) as {@link Log2#parts} (hi, lo, err), hi NaN where ref is 0. */
        final double[] log2Parts;
        final double libSize;

        Reference(double[] count, double libSize) {
            this.count = count;
            this.libSize = libSize;
            int len = count.length;
            ratio = new double[len];
            log2Ratio = new double[len];
            variance = new double[len];
            log2Parts = new double[3 * len];
            for (int i = 0; i < len; i++) {
                ratio[i] = count[i] / libSize;
                log2Ratio[i] = Log2.log2(ratio[i]);
                variance[i] = (libSize - count[i]) / libSize / count[i];
                if (!Log2.parts(ratio[i], log2Parts, 3 * i)) log2Parts[3 * i] = Double.NaN;
            }
        }
    }


    /** A sample's working arrays, one per gene of the columns: reused from sample to sample. */
    static final class Buffers {
        final double[] logR, absE, scratch;
        final int[] gene, kept;

        Buffers(int len) {
            logR = new double[len];
            absE = new double[len];
            scratch = new double[len];
            gene = new int[len];
            kept = new int[len];
        }
    }

    /** .calcFactorTMM(obs, ref, libsize.obs, libsize.ref), in R's operation order; buf's arrays at least obs's length. */
    static double factor(double[] obs, double nO, Reference ref, Settings s, Buffers buf) {
        double[] logR = buf.logR, absE = buf.absE;
        int[] gene = buf.gene, kept = buf.kept;
        int m = logRatios(obs, nO, ref, s, logR, absE, gene);
        double maxAbs = 0;
        for (int i = 0; i < m; i++) maxAbs = Math.max(maxAbs, Math.abs(logR[i]));
        if (m == 0) return 1; // R: max(abs(numeric(0))) is -Inf < 1e-6
        if (maxAbs < 1e-6) return 1;
        double loL = Math.floor(m * s.logratioTrim()) + 1, hiL = m + 1 - loL;
        double loS = Math.floor(m * s.sumTrim()) + 1, hiS = m + 1 - loS;
        double[] windowR = rankWindow(logR, m, loL, hiL, buf.scratch), windowE = rankWindow(absE, m, loS, hiS, buf.scratch);
        double r0 = windowR[0], r1 = windowR[1], e0 = windowE[0], e1 = windowE[1];
        int k = 0;
        for (int i = 0; i < m; i++) { // the genes inside both windows, in order, without a branch per gene (~40% are)
            kept[k] = i;
            k += logR[i] >= r0 & logR[i] <= r1 & absE[i] >= e0 & absE[i] <= e1 ? 1 : 0;
        }
        double num = 0, den = 0, sum = 0;
        for (int t = 0; t < k; t++) {
            int i = kept[t], g = gene[i]; // the delta-method variance only where it is used: the same expression as R's v
            double v = (nO - obs[g]) / nO / obs[g] + ref.variance[g];
            num += logR[i] / v;
            den += 1 / v;
            sum += logR[i];
        }
        double f = s.doWeighting() ? num / den : sum / k;
        if (Double.isNaN(f)) f = 0;
        return Math.pow(2, f);
    }

    /**
     * The genes with finite M and A (and A above the cutoff), in gene order: their M = log2(o / r) into logR, A =
     * (log2 o + log2 r) / 2 into absE and index into gene, o = obs / N_obs and r = ref / N_ref; returns how many. M and
     * the log2 o in A are R's log2 of those rounded quotients; for an integer count below 2^16 each is the sum
     * log2(obs) - log2(N_obs) + (the division's rounding error, exact by FMA) / obs / ln 2 ({@link CountLog2}), and for M
     * minus log2(r) plus the second division's, rounded once: no logarithm of its own. A sum too near a midpoint to
     * round with certainty, and any other count, takes Log2.log2 of the quotient itself. TmmNormalizationTest compares
     * every value with Log2.log2 of the quotients.
     */
    static int logRatios(double[] obs, double nO, Reference ref, Settings s, double[] logR, double[] absE, int[] gene) {
        double[] n = new double[3], t = CountLog2.PLAIN, rp = ref.log2Parts;
        int limit = Log2.parts(nO, n, 0) ? CountLog2.LIMIT : 0; // no table path for a library size of 0 (tests)
        double nHi = -n[0], nLo = -n[1], nErr = n[2] + CountLog2.SUM_ERROR;
        int m = 0;
        for (int i = 0; i < obs.length; i++) {
            double v = obs[i];
            if (v == 0) continue; // o = 0 (or NaN): log2(o / r) is not finite
            double o = v / nO, r = ref.ratio[i];
            int c = (int) v;
            double logO = Double.NaN, lr;
            if (c == v && c > 0 && c < limit && rp[3 * i] == rp[3 * i]) {
                int at = 4 * c;
                double th = t[at], sh = th + nHi, b = sh - th; // log2 c - log2 nO, the high parts summed exactly
                double sl = ((th - (sh - b)) + (nHi - b)) + t[at + 1] + nLo + Math.fma(o, nO, -v) * t[at + 3] * CountLog2.INV_LN2;
                double err = t[at + 2] + nErr;
                logO = Log2.roundOrNaN(sh, sl, err);
                double q = o / r, rh = -rp[3 * i], dh = sh + rh, db = dh - sh; // minus log2 r, plus q's rounding (1/o ~ nO/c)
                double dl = ((sh - (dh - db)) + (rh - db)) + sl - rp[3 * i + 1] + Math.fma(q, r, -o) * (nO * t[at + 3]) * CountLog2.INV_LN2;
                lr = Log2.roundOrNaN(dh, dl, err + rp[3 * i + 2] + CountLog2.SUM_ERROR);
                if (lr != lr) lr = Log2.log2(q);
            } else {
                lr = Log2.log2(o / r);
            }
            if (logO != logO) logO = Log2.log2(o);
            double ae = (logO + ref.log2Ratio[i]) / 2;
            if (!Double.isFinite(lr) || !Double.isFinite(ae) || !(ae > s.aCutoff())) continue;
            logR[m] = lr;
            absE[m] = ae;
            gene[m] = i;
            m++;
        }
        return m;
    }

    static double[] rankWindow(double[] x, int m, double lo, double hi) { return rankWindow(x, m, lo, hi, null); }

    /**
     * The values [lo value, hi value] of x[0..m) whose average rank ({@link #averageRanks}) lies in [lo, hi]:
     * rank is non-decreasing in the value and tied values share it, so "rank in [lo, hi]" is "value in
     * this window" (empty: lo value > hi value). Two order statistics instead of a sort, each from the values
     * near its rank ({@link RankBracket}): the value at position ceil(lo) (1-based) has the first tie group
     * whose rank can reach lo, or the next group does; the value at position floor(hi) likewise from above.
     * TmmNormalizationTest checks the window against the ranks themselves.
     */
    static double[] rankWindow(double[] x, int m, double lo, double hi, double[] scratch) {
        double[] empty = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        if (m == 0) return empty;
        int kLo = Math.max(0, Math.min(m - 1, (int) Math.ceil(lo) - 1));
        RankBracket near = RankBracket.around(x, m, kLo, scratch);
        double from = near.valueAt(kLo);
        if (near.averageRank(from) < lo) from = near.nextAbove(from);
        if (Double.isNaN(from) || near.averageRank(from) > hi) return empty;
        int kHi = Math.max(0, Math.min(m - 1, (int) Math.floor(hi) - 1));
        near = RankBracket.around(x, m, kHi, scratch);
        double to = near.valueAt(kHi);
        if (near.averageRank(to) > hi) to = near.nextBelow(to);
        if (Double.isNaN(to) || near.averageRank(to) < lo || to < from) return empty;
        return new double[] {from, to};
    }

    /**
     * R's rank(x[0..m), ties.method = "average"): 1-based ranks, tied values share the mean of their
     * positions. Sorted copy plus binary search for each value's first and last position. The definition
     * that {@link #rankWindow} is tested against.
     */
    static double[] averageRanks(double[] x, int m) {
        double[] sorted = Arrays.copyOf(x, m);
        Arrays.sort(sorted);
        double[] rank = new double[m];
        for (int i = 0; i < m; i++) {
            int first = lowerBound(sorted, x[i]), last = lowerBound(sorted, Math.nextUp(x[i])) - 1;
            rank[i] = (first + last) / 2.0 + 1;
        }
        return rank;
    }

    /** First index whose value is >= v (the array ascending, no NaN). */
    private static int lowerBound(double[] a, double v) {
        int lo = 0, hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
