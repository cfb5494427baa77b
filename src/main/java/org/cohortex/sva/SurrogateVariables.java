package org.cohortex.sva;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.cohortex.UserException;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.DenseOps.GramStep;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.QrDecomposition;
import org.cohortex.linalg.RowMoments;
import org.cohortex.linalg.SymmetricEigen;
import org.cohortex.random.KeyedStreams;
import org.cohortex.random.Shuffles;

/**
 * Surrogate variable analysis with the definitions of Bioconductor sva 3.46 (Leek & Storey 2007;
 * Leek 2011): num.sv by the permutation method "be" (Buja & Eyuboglu 1992) or the asymptotic
 * method "leek", and iteratively re-weighted sva. Data are genes x samples with no missing values.
 * All decompositions go through Gram matrices of the sample side (n x n), which the backend forms
 * with one SYRK over the genes; permutations are seeded per (seed, permutation, gene), so results
 * do not depend on thread count.
 */
public final class SurrogateVariables {
    private SurrogateVariables() {}

    /** Result of irw-sva. */
    public static final class Result {
        /** n x nsv, orthonormal columns (the right singular vectors of the weighted data). */
        public final Mat sv;
        /** Posterior probability that a gene is affected by the SVs (pprob.gam). */
        public final double[] pprobGam;
        /** Posterior probability that a gene is associated with the trait (pprob.b). */
        public final double[] pprobB;

        Result(Mat sv, double[] gam, double[] b) {
            this.sv = sv;
            this.pprobGam = gam;
            this.pprobB = b;
        }
    }

    /** P = I - X (X'X)^{-1} X', through a QR of X. */
    static Mat residualProjector(Mat x) {
        int n = x.rows, p = x.cols;
        Mat q = new QrDecomposition(x).q();
        Mat proj = new Mat(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < p; k++) s += q.data[i * p + k] * q.data[j * p + k];
                proj.data[i * n + j] = (i == j ? 1 : 0) - s;
            }
        }
        return proj;
    }

    /** Eigenvalues (descending) of P G P: the squared singular values of dat P when G = dat'dat. */
    static SymmetricEigen projectedEigen(DenseOps b, Mat gram, Mat proj) {
        return b.symmetricEigen(projected(b, gram, proj));
    }

    /** P G P, symmetrised. */
    static Mat projected(DenseOps b, Mat gram, Mat proj) {
        Mat pgp = b.gemm(b.gemm(proj, false, gram, false), false, proj, false);
        symmetrize(pgp);
        return pgp;
    }

    /**
     * P G P with P = I - Q Q' (Q n x p, orthonormal columns), symmetrised: G - M Q' - Q M' with A = G Q and
     * M = A - Q (Q'A) / 2 (Q'A = Q'GQ is symmetric), three GEMMs of 2 n^2 p, 2 n p^2 and 2 n^2 p flops against P G P's
     * two n x n GEMMs (4 n^3); the interaction model's designs have p ~ 30 at n ~ 300.
     */
    static Mat projectedThin(DenseOps b, Mat g, Mat q) {
        int n = g.rows, p = q.cols;
        Mat a = b.gemm(g, false, q, false), qa = b.gemm(q, true, a, false), qqa = b.gemm(q, false, qa, false);
        for (int i = 0; i < n * p; i++) a.data[i] -= 0.5 * qqa.data[i];
        Mat x = b.gemm(a, false, q, true), out = new Mat(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) out.data[i * n + j] = g.data[i * n + j] - x.data[i * n + j] - x.data[j * n + i];
        }
        symmetrize(out);
        return out;
    }

    static void symmetrize(Mat s) {
        int n = s.rows;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double v = 0.5 * (s.data[i * n + j] + s.data[j * n + i]);
                s.data[i * n + j] = v;
                s.data[j * n + i] = v;
            }
        }
    }

    /** No NaN in dat: row blocks on all cores. */
    static boolean isComplete(Mat dat) {
        int rows = 1024;
        return IntStream.range(0, (dat.rows + rows - 1) / rows).parallel().allMatch(b -> {
            for (int i = b * rows * dat.cols, e = Math.min(dat.rows, (b + 1) * rows) * dat.cols; i < e; i++) {
                if (Double.isNaN(dat.data[i])) return false;
            }
            return true;
        });
    }

    static void requireComplete(Mat dat) {
        if (isComplete(dat)) return; // else the first gene with a missing value is reported
        for (int g = 0; g < dat.rows; g++) {
            for (int j = 0; j < dat.cols; j++) {
                if (Double.isNaN(dat.data[g * dat.cols + j])) {
                    throw new UserException("SVA needs complete data, but gene row " + (g + 1)
                            + " has a missing value; remove or impute genes with NA before estimating SVs");
                }
            }
        }
    }

    /**
     * num.sv(method = "be"): squared singular values of the residuals of dat on mod, each as a share
     * of their sum, against B permutations (each gene's residuals permuted independently, then
     * re-residualised); p-values made monotone; the number with p <= 0.1.
     *
     * <p>The permutations' products are formed in single precision ({@link DenseOps#eachSingleCrossprodOfRows}) and
     * every comparison that can decide the count (components 1 .. count + 1) whose share lies within {@link #NEAR} of
     * the observed one is redone with the permutation in double: the count is the all-double count unless a share's
     * single-precision error exceeds NEAR, 1,600 times the largest seen (6.1e-8 relative, over all components of the
     * demo grid's 40 calls; 5.3e-8 on pure noise; PermutationNullTest measures it). A wider margin costs time where the
     * data are noise-like: at 1e-3, 8 of 20 permutations of pure noise came within it of the observed shares. Far more
     * than its rounding, the null differs from R's by its permutations: R draws them with its own generator.
     */
    public static int numSvBe(DenseOps b, Mat dat, Mat mod, int permutations, long seed) {
        requireComplete(dat);
        return numSvBeOfComplete(b, dat, mod, permutations, seed, null);
    }

    /**
     * {@link #numSvBe} of data already known to have no NaN (SvaAnalysis checks, and locates one, first), with the
     * observed eigenvalues of the residual Gram P G P taken from {@code start} ({@link #residualEigen}: the matrix irw-sva
     * starts from) instead of formed again from the residuals: one m n^2 product less; null forms them here.
     */
    static int numSvBeOfComplete(DenseOps b, Mat dat, Mat mod, int permutations, long seed, SymmetricEigen start) {
        return new PermutationNull(b, dat, mod, seed, start == null ? null : start.values).count(permutations);
    }

    /**
     * The eigen-decomposition (descending) of P G P, G = dat'dat (n x n, m n^2 flops), P = I - H the residual projector of
     * mod: num.sv be's observed squared singular values (R: eigen(t(res) %*% res)) and irw-sva's starting SVs (irwsva.build:
     * eigen(t(resid) %*% resid)) are both this.
     */
    static SymmetricEigen residualEigen(DenseOps b, Mat dat, Mat mod) {
        return projectedEigen(b, gram(b, dat), residualProjector(mod));
    }

    /** A relative gap between a permutation's share and the observed one below which the comparison is redone in double. */
    static final double NEAR = 1e-4;

    /** num.sv be's observed shares and its permutations' shares, single precision or exact. */
    static final class PermutationNull {
        final DenseOps b;
        final Mat res, q;
        final int ndf;
        final long seed;
        final double[] dstat;
        private final float[] single;

        /** dat without NaN (the caller checks). */
        PermutationNull(DenseOps b, Mat dat, Mat mod, long seed) { this(b, dat, mod, seed, null); }

        /**
         * As above, with the residual Gram's eigenvalues (descending) given, from P G P ({@link #residualEigen}); they
         * differ from those of the residuals' own Gram by rounding (relative ~1e-12 in the smallest shares), which moves the
         * count only where a permutation's share lies that close to the observed one. PermutationNullTest compares both.
         */
        PermutationNull(DenseOps b, Mat dat, Mat mod, long seed, double[] observed) {
            int m = dat.rows, n = dat.cols;
            this.b = b;
            this.seed = seed;
            q = new QrDecomposition(mod).q(); // P = I - Q Q', applied through Q: m n p flops instead of dat P's 2 m n^2
            ndf = Math.min(m, n) - (int) Math.ceil(mod.cols - 1e-9);
            res = b.gemm(b.gemm(dat, false, q, false), false, q, true); // dat Q Q', then dat - that in place
            int blocks = (m + 1023) / 1024;
            double max = IntStream.range(0, blocks).parallel().mapToDouble(k -> { // and the largest |residual|
                double x = 0;
                for (int i = k * 1024 * n, end = Math.min(m, (k + 1) * 1024) * n; i < end; i++) {
                    res.data[i] = dat.data[i] - res.data[i];
                    x = Math.max(x, Math.abs(res.data[i]));
                }
                return x;
            }).max().orElse(0);
            dstat = SurrogateVariables.shares(observed != null ? observed : b.symmetricEigenvalues(symmetric(gram(b, res))), ndf);
            // scaled by a power of two to a largest |value| in [1, 2): float's range holds any data, the rounding is the
            // same, and a share is a ratio, so the scale drops out
            double scale = max > 0 && Double.isFinite(max) ? Math.scalb(1.0, -Math.getExponent(max)) : 1;
            single = new float[res.data.length];
            IntStream.range(0, blocks).parallel().forEach(k -> {
                for (int i = k * 1024 * n, end = Math.min(m, (k + 1) * 1024) * n; i < end; i++) single[i] = (float) (scale * res.data[i]);
            });
        }

        /** The shares of permutations which[0 ..], each gene's residuals permuted (side by side where the backend can). */
        List<double[]> shares(int[] which, boolean singlePrecision) {
            int m = res.rows, n = res.cols;
            GramStep<double[]> then = (ops, k, g0) -> SurrogateVariables.shares(ops.symmetricEigenvalues(projectedThin(ops, g0, q)), ndf);
            if (singlePrecision) {
                return b.eachSingleCrossprodOfRows(which.length, m, n,
                        (k, g, dst, off) -> Shuffles.shuffledCopy(single, g * n, dst, off, n, key(which[k], g)), then);
            }
            return b.eachCrossprodOfRows(which.length, m, n,
                    (k, g, dst, off) -> Shuffles.shuffledCopy(res.data, g * n, dst, off, n, key(which[k], g)), then);
        }

        private long key(int permutation, int gene) { return KeyedStreams.key(seed, 1000 + permutation, gene); }

        int count(int permutations) { return count(permutations, dstat, ndf, this::shares); }

        /** The permutations' shares: of those listed, in single precision or exact. */
        interface Shares {
            List<double[]> of(int[] which, boolean singlePrecision);
        }

        /**
         * The count from single-precision shares, the permutations with a share within NEAR of the observed among the
         * components that decide it (1 .. count + 1) redone exact, until none is left; each permutation redone once.
         */
        static int count(int permutations, double[] dstat, int ndf, Shares shares) {
            List<double[]> d0 = new ArrayList<>(shares.of(IntStream.range(0, permutations).toArray(), true));
            boolean[] exact = new boolean[permutations];
            while (true) {
                int nsv = count(d0, dstat, ndf);
                int decisive = Math.min(ndf, nsv + 1);
                int[] redo = IntStream.range(0, permutations).filter(r -> !exact[r] && near(d0.get(r), dstat, decisive)).toArray();
                if (redo.length == 0) return nsv;
                List<double[]> again = shares.of(redo, false);
                for (int k = 0; k < redo.length; k++) {
                    d0.set(redo[k], again.get(k));
                    exact[redo[k]] = true;
                }
            }
        }

        /** Whether any of the first {@code upTo} shares is within NEAR (relative) of the observed one, or NaN. */
        static boolean near(double[] d0, double[] dstat, int upTo) {
            for (int i = 0; i < upTo; i++) if (!(Math.abs(d0[i] - dstat[i]) > NEAR * dstat[i])) return true;
            return false;
        }

        /** The monotone permutation p-values' count at 0.1. */
        static int count(List<double[]> d0, double[] dstat, int ndf) {
            double[] exceed = new double[ndf];
            for (double[] d : d0) {
                for (int i = 0; i < ndf; i++) if (d[i] >= dstat[i]) exceed[i]++;
            }
            int nsv = 0;
            double run = 0;
            for (int i = 0; i < ndf; i++) {
                run = Math.max(run, exceed[i] / d0.size());
                if (run <= 0.1) nsv++;
            }
            return nsv;
        }
    }

    /** G = A'A over the genes (n x n). */
    static Mat gram(DenseOps b, Mat a) { return b.crossprod(a); }

    private static double[] shares(double[] eig, int ndf) {
        double s = 0;
        for (int i = 0; i < ndf; i++) s += Math.max(0, eig[i]);
        double[] d = new double[ndf];
        for (int i = 0; i < ndf; i++) d[i] = Math.max(0, eig[i]) / s;
        return d;
    }

    /** num.sv(method = "leek"): Leek (2011), asymptotic conditionally independent eigenvalue count. */
    public static int numSvLeek(DenseOps b, Mat dat, Mat mod) {
        requireComplete(dat);
        int m = dat.rows, n = dat.cols;
        double[] a = new double[100];
        for (int i = 0; i < 100; i++) a[i] = 2.0 * i / 99;
        int nn = m / 10;
        if (nn < 1) throw new UserException("num.sv leek needs at least 10 genes");
        Mat proj = residualProjector(mod);
        int[][] rhat = new int[100][10];
        for (int j = 1; j <= 10; j++) {
            int rows = j * nn;
            Mat dats = new Mat(rows, n, Arrays.copyOf(dat.data, rows * n));
            Mat g = gram(b, dats);
            double sigbar = b.symmetricEigenvalues(g)[n - 1] / rows;
            Mat rr = projected(b, g, proj); // t(R) R with R = dats P
            Mat wm = new Mat(n, n);
            for (int i = 0; i < n * n; i++) wm.data[i] = rr.data[i] / rows - proj.data[i] * sigbar;
            symmetrize(wm);
            double[] ev = b.symmetricEigenvalues(wm);
            double scale = Math.pow(rows, -1.0 / 3) * n;
            // position of each threshold among thresholds and eigenvalues sorted decreasingly (ties:
            // thresholds first, as R's stable order puts the first vector's entries first)
            int[] count = new int[100];
            for (int t = 0; t < 100; t++) {
                double thr = a[t] * scale;
                int c = 0;
                for (double e : ev) if (e > thr) c++;
                count[t] = c;
            }
            for (int t = 0; t < 100; t++) rhat[t][j - 1] = count[t];
        }
        double[] ss = new double[100];
        for (int t = 0; t < 100; t++) {
            double mean = 0;
            for (int j = 0; j < 10; j++) mean += rhat[t][j];
            mean /= 10;
            double v = 0;
            for (int j = 0; j < 10; j++) v += (rhat[t][j] - mean) * (rhat[t][j] - mean);
            ss[t] = v / 9;
        }
        int bumpstart = whichMax(i -> ss[i] > 2 * ss[0]) + 1;          // 1-based like R
        int start = 1;
        for (int i = 0; i < 100; i++) {
            double v = i < bumpstart ? 1e5 : ss[i];
            if (v < 0.5 * ss[0]) { start = i + 1; break; }
        }
        int finish = 1;
        for (int i = 0; i < 100; i++) {
            double v = ss[i] * (i < start ? 0 : 1);
            if (v > ss[0]) { finish = i + 1; break; }
        }
        if (finish == 1) finish = 100;
        TreeMap<Integer, Integer> freq = new TreeMap<>();
        for (int t = start - 1; t < finish; t++) freq.merge(rhat[t][9], 1, Integer::sum);
        int best = -1, bestCount = -1;
        for (var e : freq.entrySet()) if (e.getValue() > bestCount) { best = e.getKey(); bestCount = e.getValue(); }
        return best;
    }

    private interface IntPred { boolean test(int i); }

    /** R's which.max on a logical vector: first TRUE (0-based), or 0 when none. */
    private static int whichMax(IntPred p) {
        for (int i = 0; i < 100; i++) if (p.test(i)) return i;
        return 0;
    }

    /**
     * sva(dat, mod, mod0, n.sv, method = "irw", B): start from the residual eigenvectors, then B
     * times: pprob.b = 1 - lfdr(F-test of mod vs mod0, both with the current SVs), pprob.gam =
     * 1 - lfdr(F-test of mod0 + SVs vs mod0), weights pprob.gam (1 - pprob.b), SVs = leading
     * eigenvectors of the weighted, row-centred data's Gram matrix.
     */
    public static Result irw(DenseOps b, Mat dat, Mat mod, Mat mod0, int nsv, int iterations) {
        requireComplete(dat);
        return irwOfComplete(b, dat, mod, mod0, nsv, iterations, null);
    }

    /** {@link #irw} of data already known to have no NaN, from {@link #residualEigen} of dat and mod (null: formed here). */
    static Result irwOfComplete(DenseOps b, Mat dat, Mat mod, Mat mod0, int nsv, int iterations, SymmetricEigen start) {
        int m = dat.rows, n = dat.cols;
        if (nsv < 1) throw new IllegalArgumentException("n.sv must be >= 1");
        if (mod0 == null) mod0 = mod.selectColumns(new int[] {0});
        SymmetricEigen uu = start != null ? start : residualEigen(b, dat, mod);
        double[] pprobB = null, pprobGam = null;
        RowMoments moments = RowMoments.of(dat); // the same data is fitted in every iteration
        double[] mean = moments.mean();
        // sva's two F tests per iteration share the model mod0 + SVs, and mod0 never changes: fit
        // each distinct model once (11 batched fits for 5 iterations instead of 20)
        // the three models are nested: mod0 < mod0 + SVs < mod + SVs; [mod0 | SVs | trait columns]
        // spans the same space as [mod | SVs], so one QR and one GEMM give all three RSS
        Mat traitCols = traitColumns(mod, mod0);
        try (DenseOps.NestedRssFits fits = b.nestedRssOf(dat, moments)) { // dat stays where the backend multiplies it
            for (int it = 0; it < iterations; it++) {
                Mat sv = leading(uu.vectors, nsv);
                double[][] rss = fits.nestedRss(mod0.bindColumns(sv).bindColumns(traitCols),
                        new int[] {mod0.cols, mod0.cols + nsv, mod0.cols + nsv + traitCols.cols});
                double[] rssMod0 = rss[0], rssNull = rss[1], rssFull = rss[2];
                double[] pB = FTest.fromRss(rssFull, rssNull, mod.cols + nsv, mod0.cols + nsv, n);
                double[] pGam = FTest.fromRss(rssNull, rssMod0, mod0.cols + nsv, mod0.cols, n);
                double[][] lfdr = Stream.of(pB, pGam).parallel().map(EdgeLfdr::lfdr).toArray(double[][]::new); // mostly serial work
                pprobB = complement(lfdr[0]);
                pprobGam = complement(lfdr[1]);
                double[] gam = pprobGam, b1 = pprobB;
                uu = b.symmetricEigen(symmetric(b.crossprodOfRows(m, n, (g, dst, off) -> { // the weighted, row-centred data
                    double w = gam[g] * (1 - b1[g]), mu = mean[g];
                    for (int j = 0; j < n; j++) dst[off + j] = w * (dat.data[g * n + j] - mu);
                })));
            }
        }
        return new Result(leading(uu.vectors, nsv), pprobGam, pprobB);
    }

    private static Mat symmetric(Mat s) { symmetrize(s); return s; }

    /** The columns of mod that mod0 lacks (mod0 is mod without the trait terms, as sva expects). */
    static Mat traitColumns(Mat mod, Mat mod0) {
        List<Integer> keep = new ArrayList<>();
        for (int j = 0; j < mod.cols; j++) {
            boolean inMod0 = false;
            for (int k = 0; k < mod0.cols && !inMod0; k++) {
                boolean same = true;
                for (int i = 0; i < mod.rows && same; i++) same = mod.data[i * mod.cols + j] == mod0.data[i * mod0.cols + k];
                inMod0 = same;
            }
            if (!inMod0) keep.add(j);
        }
        if (keep.size() != mod.cols - mod0.cols) {
            throw new IllegalArgumentException("mod0 must be mod without the trait columns (sva's nested models)");
        }
        return mod.selectColumns(keep.stream().mapToInt(Integer::intValue).toArray());
    }

    static Mat leading(Mat vectors, int k) {
        int[] idx = new int[k];
        for (int i = 0; i < k; i++) idx[i] = i;
        return vectors.selectColumns(idx);
    }


    private static double[] complement(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = 1 - v[i];
        return o;
    }
}
