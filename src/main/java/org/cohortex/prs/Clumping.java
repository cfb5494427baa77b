package org.cohortex.prs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Clumping + thresholding's clumping step as plink 1.9's --clump (the code PRSice-2 adopts):
 * variants are taken in order of GWAS p (ties by .bim order); each variant not yet clumped with
 * p <= p1 becomes an index and clumps every unclumped variant with p <= p2 on its chromosome within
 * the radius (|bp difference| < kb * 1000) whose r^2 with it exceeds the threshold. r^2 is plink's
 * haplotype r^2: the two-locus haplotype frequency is the maximum-likelihood root of the cubic
 * from the 3 x 3 genotype table (double heterozygotes unphased), as em_phase_hethet.
 */
public final class Clumping {
    public record Settings(double p1, double p2, double r2, int kb) {
        public static Settings prsice() { return new Settings(1, 1, 0.1, 250); }
    }

    private static final double SMALL_EPSILON = 0x1p-44, SMALLISH_EPSILON = 0x1p-35, EPSILON = 0x1p-30;

    private Clumping() {}

    /**
     * @param variants .bim indices of the candidate variants, ascending
     * @param p        their GWAS p-values (same order)
     * @return the index variants (.bim indices), in order of p
     */
    public static int[] clump(PlinkFileset fs, int[] variants, double[] p, int[] samples, Settings s) {
        int m = variants.length, n = samples.length;
        long radius = (long) (s.kb() * 1000.0 * (1 + SMALL_EPSILON) - 1);
        boolean[] clumped = new boolean[m];
        // clumps never cross chromosomes: chromosomes run in parallel, each in p order
        List<int[]> blocks = new ArrayList<>();
        for (int k = 0; k < m; ) {
            int c = fs.variants.get(variants[k]).chr(), e = k;
            while (e < m && fs.variants.get(variants[e]).chr() == c) e++;
            blocks.add(new int[] {k, e});
            k = e;
        }
        int words = (fs.n() + 63) >>> 6;
        long[] keepMask = fs.keepMask(samples);
        List<Integer> indexList = Collections.synchronizedList(new ArrayList<>());
        blocks.parallelStream().forEach(blk -> {
            int from = blk[0], to = blk[1], len = to - from;
            // per variant three bitsets over the samples: hom A1, het, hom A2 (a missing call in none)
            long[] g = new long[len * 3 * words];
            long[] planes = new long[3 * words];
            int[] sub = Arrays.copyOfRange(variants, from, to);
            fs.streamPacked(sub, (pos, buf, off) -> {
                fs.bitPlanes(buf, off, keepMask, planes, 0, 3);
                int base = pos * 3 * words;
                for (int w = 0; w < words; w++) {
                    long a = planes[3 * w], b = planes[3 * w + 1], c = planes[3 * w + 2];
                    g[base + w] = b;
                    g[base + words + w] = a & ~b;
                    g[base + 2 * words + w] = c & ~a;
                }
            });
            long[] bp = new long[len];
            for (int k = 0; k < len; k++) bp[k] = fs.variants.get(sub[k]).bp();
            Integer[] local = new Integer[len];
            for (int k = 0; k < len; k++) local[k] = from + k;
            Arrays.sort(local, (a, b) -> p[a] != p[b] ? Double.compare(p[a], p[b]) : Integer.compare(a, b));
            for (Integer oi : local) {
                int k = oi;
                if (clumped[k] || !(p[k] <= s.p1())) continue;
                clumped[k] = true;
                indexList.add(k);
                int li = k - from;
                int lo = li, hi = li;
                while (lo > 0 && bp[lo - 1] >= bp[li] - radius) lo--;
                while (hi + 1 < len && bp[hi + 1] <= bp[li] + radius) hi++;
                for (int lj = lo; lj <= hi; lj++) {
                    int j = from + lj;
                    if (clumped[j] || !(p[j] <= s.p2())) continue;
                    double r2 = haplotypeR2(g, li * 3 * words, lj * 3 * words, words);
                    if (Math.abs(r2) > s.r2()) clumped[j] = true;
                }
            }
        });
        int seqLen = indexList.size();
        int[] seq = indexList.stream().mapToInt(Integer::intValue).toArray();
        // report indices in order of p (ties by position), as plink lists them
        Integer[] idx = new Integer[seqLen];
        for (int t = 0; t < seqLen; t++) idx[t] = seq[t];
        Arrays.sort(idx, (a, b) -> p[a] != p[b] ? Double.compare(p[a], p[b]) : Integer.compare(a, b));
        int[] out = new int[seqLen];
        for (int t = 0; t < seqLen; t++) out[t] = variants[idx[t]];
        return out;
    }

    /**
     * plink 1.9's clump r^2 (signed as plink keeps it: D|D| / (p1 p2 q1 q2)); NaN when a locus is
     * monomorphic over the jointly called samples.
     */
    static double haplotypeR2(long[] g, int oa, int ob, int words) {
        // counts[3a + b]: a = index genotype class (0 hom A1, 1 het, 2 hom A2), b likewise
        int[] c = new int[9];
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                int cnt = 0;
                for (int w = 0, pa = oa + a * words, pb = ob + b * words; w < words; w++) cnt += Long.bitCount(g[pa + w] & g[pb + w]);
                c[3 * a + b] = cnt;
            }
        }
        double k11 = 2.0 * c[0] + c[1] + c[3];
        double k12 = 2.0 * c[2] + c[1] + c[5];
        double k21 = 2.0 * c[6] + c[3] + c[7];
        double k22 = 2.0 * c[8] + c[5] + c[7];
        double[] f = emPhaseHethet(k11, k12, k21, k22, c[4]);
        if (f == null) return Double.NaN;
        double freq1x = f[0], freq2x = f[1], freqx1 = f[2], freqx2 = f[3], freq11 = f[4];
        double expected = freqx1 * freq1x;
        double d = freq11 - expected;
        double r2 = Math.abs(d);
        return r2 >= SMALL_EPSILON ? r2 * d / (expected * freq2x * freqx2) : 0;
    }

    /** {freq1x, freq2x, freqx1, freqx2, freq11} or null when a locus is monomorphic (plink's em_phase_hethet). */
    static double[] emPhaseHethet(double known11, double known12, double known21, double known22, int center) {
        double centerD = center;
        double twiceTot = known11 + known12 + known21 + known22 + 2 * centerD;
        if (twiceTot == 0) return null;
        double rt = 1.0 / twiceTot;
        double f11 = known11 * rt, f12 = known12 * rt, f21 = known21 * rt, f22 = known22 * rt;
        double p1122 = f11 * f22, p1221 = f12 * f21;
        double half = centerD * rt;
        double freq1x = f11 + f12 + half, freq2x = 1 - freq1x, freqx1 = f11 + f21 + half, freqx2 = 1 - freqx1;
        if (center > 0) {
            double[] sol = new double[3];
            int start = 0, end;
            if (p1122 != 0 || p1221 != 0) {
                end = cubicRealRoots(0.5 * (f11 + f22 - f12 - f21 - 3 * half),
                        0.5 * (p1122 + p1221 + half * (f12 + f21 - f11 - f22 + half)), -0.5 * half * p1122, sol);
                while (end > 0 && sol[end - 1] > half + SMALLISH_EPSILON) end--;
                while (start < end && sol[start] < -SMALLISH_EPSILON) start++;
                if (start == end) {
                    start = 0;
                    end = 2;
                    sol[0] = 0;
                    sol[1] = half;
                } else {
                    if (sol[start] < 0) sol[start] = 0;
                    if (sol[end - 1] > half) sol[end - 1] = half;
                }
            } else {
                sol[0] = 0;
                double xx = f11 + f22, xy = f12 + f21;
                if (xx + SMALLISH_EPSILON < half + xy && xy + SMALLISH_EPSILON < half + xx) {
                    end = 3;
                    sol[1] = (half + xy - xx) * 0.5;
                    sol[2] = half;
                } else {
                    end = 2;
                    sol[1] = half;
                }
            }
            double best = sol[start];
            if (end > start + 1) {
                double bestLnlike = lnlike(known11, known12, known21, known22, centerD, f11, f12, f21, f22, half, best);
                for (int k = start + 1; k < end; k++) {
                    double cur = lnlike(known11, known12, known21, known22, centerD, f11, f12, f21, f22, half, sol[k]);
                    // plink 1.9 compares every root with the first one's likelihood (its running best
                    // is never updated); we keep that so that chosen roots, and clumps, agree with it
                    if (cur > bestLnlike) best = sol[k];
                }
            }
            f11 += best;
        } else if (p1122 == 0 && p1221 == 0) {
            return null;
        }
        return new double[] {freq1x, freq2x, freqx1, freqx2, f11};
    }

    private static double lnlike(double k11, double k12, double k21, double k22, double center, double f11, double f12, double f21,
            double f22, double half, double incr) {
        f11 += incr;
        f22 += incr;
        f12 += half - incr;
        f21 += half - incr;
        double l = center * Math.log(f11 * f22 + f12 * f21);
        if (k11 != 0) l += k11 * Math.log(f11);
        if (k12 != 0) l += k12 * Math.log(f12);
        if (k21 != 0) l += k21 * Math.log(f21);
        if (k22 != 0) l += k22 * Math.log(f22);
        return l;
    }

    /** Real roots of x^3 + ax^2 + bx + c, ascending, repeated roots once (Cardano / trigonometric, as plink). */
    static int cubicRealRoots(double a, double b, double c, double[] sol) {
        double a2 = a * a, qq = (a2 - 3 * b) / 9.0, rr = (2 * a2 * a - 9 * a * b + 27 * c) / 54.0;
        double r2 = rr * rr, q3 = qq * qq * qq, adiv3 = a / 3.0;
        if (r2 < q3) {
            double sq = Math.sqrt(qq);
            double t = Math.acos(rr / (qq * sq)) / 3.0;
            sq *= -2;
            sol[0] = sq * Math.cos(t) - adiv3;
            sol[1] = sq * Math.cos(t + 2.0 * Math.PI / 3.0) - adiv3;
            sol[2] = sq * Math.cos(t - 2.0 * Math.PI / 3.0) - adiv3;
            Arrays.sort(sol, 0, 3);
            if (sol[1] - sol[0] < EPSILON) {
                sol[1] = sol[2];
                return sol[1] - sol[0] < EPSILON ? 1 : 2;
            }
            return sol[2] - sol[1] < EPSILON ? 2 : 3;
        }
        double t = -Math.pow(Math.abs(rr) + Math.sqrt(r2 - q3), 1.0 / 3.0);
        if (t == 0) {
            sol[0] = -adiv3;
            return 1;
        }
        if (rr < 0) t = -t;
        double sq = qq / t;
        sol[0] = t + sq - adiv3;
        if (Math.abs(t - sq) >= EPSILON * 8) return 1;
        if (t >= 0) {
            sol[1] = sol[0];
            sol[0] = -t - adiv3;
        } else {
            sol[1] = -t - adiv3;
        }
        return 2;
    }
}
