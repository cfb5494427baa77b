package org.cohortex.de;

import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

import org.cohortex.Log;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.QrDecomposition;
import org.cohortex.random.Shuffles;

/**
 * Freedman-Lane permutation test of the trait term of a shared-design OLS for every gene, with
 * per-gene empirical p-values and Westfall-Young step-down max-T adjusted p-values.
 *
 * <p>Freedman & Lane (1983); as recommended by Winkler et al. (2014, NeuroImage 92:381, table 2):
 * fit the reduced model Z (every column but the trait), permute its residuals r, add back its
 * fitted values, refit the full model X = [Z, x]. With Q an orthonormal basis of X whose last
 * column q_t spans x after Z, the fitted part drops out of everything the t statistic needs:
 * <pre>
 *   t*_b = sign * (q_t' P_b r) / sqrt((||r||^2 - ||Q' P_b r||^2) / df)
 * </pre>
 * so all genes and a block of permutations are one GEMM, C = R [P_1'Q | ... | P_B'Q] (genes x Bp),
 * followed by a reduction per (gene, permutation). That is the whole GPU-friendly computation.
 *
 * <p>p_perm = (1 + #{b : |t*_b| >= |t|}) / (B + 1) (Phipson & Smyth 2010: random permutations
 * never give p = 0). Max-T: Westfall & Young (1993) algorithm 4.1, step-down (as multtest's
 * mt.maxT): genes in decreasing |t|, successive maxima of |t*| from the least significant gene up,
 * counts with the same +1, then monotone. Genes with missing values or no t are left out (NA).
 */
public final class FreedmanLane {
    /** Relative tolerance for ties |t*| = |t| (the identity permutation must count as an exceedance). */
    public static final double TIE = 1e-10;

    private FreedmanLane() {}

    /** What the permutation kernels need; built once per analysis by {@link #prepare}. */
    public static final class Problem {
        /** genes x n residuals of the reduced model (genes that take part only). */
        public final Mat r;
        /** n x p orthonormal basis of [Z, trait], trait direction last. */
        public final Mat q;
        /** ||r_g||^2. */
        public final double[] rr;
        /** |t| observed, per gene of r. */
        public final double[] absT;
        /** Genes of r by decreasing |t| (ties by index). */
        public final int[] order;
        public final int df;
        /** t observed with its sign, per gene of r (equals the OLS t; checked by tests). */
        public final double[] t;

        Problem(Mat r, Mat q, double[] rr, double[] t, int df) {
            this.r = r;
            this.q = q;
            this.rr = rr;
            this.t = t;
            this.df = df;
            absT = new double[t.length];
            for (int g = 0; g < t.length; g++) absT[g] = Math.abs(t[g]);
            Integer[] idx = new Integer[t.length];
            for (int g = 0; g < idx.length; g++) idx[g] = g;
            Arrays.sort(idx, (a, b) -> a.equals(b) ? 0 : absT[a] != absT[b] ? Double.compare(absT[b], absT[a]) : Integer.compare(a, b));
            order = new int[t.length];
            for (int j = 0; j < order.length; j++) order[j] = idx[j];
        }

        public int genes() { return r.rows; }

        public int n() { return r.cols; }

        public int p() { return q.cols; }
    }

    /** Exceedance counts accumulated over permutations. */
    public static final class Counts {
        /** Per gene: permutations with |t*| >= |t|. */
        public final long[] exceed;
        /** Per position j of {@link Problem#order}: permutations whose successive maximum at j is >= |t| of that gene. */
        public final long[] stepDown;
        public long permutations;

        public Counts(int genes) {
            exceed = new long[genes];
            stepDown = new long[genes];
        }

        public void add(Counts o) {
            for (int g = 0; g < exceed.length; g++) { exceed[g] += o.exceed[g]; stepDown[g] += o.stepDown[g]; }
            permutations += o.permutations;
        }
    }

    /** Result per gene of the caller's Y (NaN where the gene did not take part). */
    public record Result(double[] pPerm, double[] pMaxT, int permutations, int genesPermuted) {}

    /**
     * y: genes x n complete responses (rows with NaN are skipped), x: n x p design, trait column j.
     * Genes whose t is NaN (constant, perfect fit) are skipped too.
     */
    public static Problem prepare(DenseOps backend, Mat x, int traitColumn, Mat y, boolean[] include) {
        int n = x.rows, p = x.cols;
        int[] cols = new int[p];
        for (int c = 0, k = 0; c < p; c++) if (c != traitColumn) cols[k++] = c;
        cols[p - 1] = traitColumn;
        QrDecomposition qr = new QrDecomposition(x.selectColumns(cols));
        Mat q = qr.q();
        double sign = Math.signum(qr.r().get(p - 1, p - 1));
        int[] genes = IntStream.range(0, y.rows).filter(g -> include[g]).toArray();
        Mat yy = y.selectRows(genes);
        // R = Y - (Y Q_Z) Q_Z': residuals of the reduced model
        int[] zc = new int[p - 1];
        for (int c = 0; c < p - 1; c++) zc[c] = c;
        Mat qz = q.selectColumns(zc);
        Mat r = yy.copy();
        if (p > 1) {
            Mat fitted = backend.gemm(backend.gemm(yy, false, qz, false), false, qz, true);
            for (int i = 0; i < r.data.length; i++) r.data[i] -= fitted.data[i];
        }
        int df = n - p;
        double[] rr = new double[genes.length], t = new double[genes.length];
        double[] qt = q.column(p - 1);
        for (int g = 0; g < genes.length; g++) {
            double ss = 0, s = 0;
            for (int i = 0; i < n; i++) {
                double v = r.data[g * n + i];
                ss += v * v;
                s += qt[i] * v;
            }
            rr[g] = ss;
            t[g] = tStatistic(s, ss - s * s, df) * sign;
        }
        return new Problem(r, q, rr, t, df);
    }

    /** |q_t' P r| / sqrt(rss / df); +Inf for an exact fit (it exceeds everything, as it should). */
    public static double tStatistic(double traitComponent, double rss, int df) {
        return rss > 0 ? traitComponent / Math.sqrt(rss / df) : Math.copySign(Double.POSITIVE_INFINITY, traitComponent);
    }

    /**
     * Counts for permutations [first, first + count) through the backend (which may keep R on a
     * device); the permutations come from {@link Shuffles#permutations} with this seed.
     */
    public static Result run(FreedmanLaneKernel backend, Problem prob, int[] geneIndex, int totalGenes, int permutations, long seed,
                             Log.Sink log) {
        Counts total = new Counts(prob.genes());
        int chunk = Math.max(1, Math.min(permutations, 1000));
        long t0 = System.nanoTime(), lastLog = t0;
        for (int first = 0; first < permutations; first += chunk) {
            int count = Math.min(chunk, permutations - first);
            int[] perms = Shuffles.permutations(seed, prob.n(), first, count);
            total.add(backend.freedmanLaneCounts(prob, perms, count));
            long now = System.nanoTime();
            if (now - lastLog > 10_000_000_000L) {
                log.info("permutations: %d of %d (%.0f s)", first + count, permutations, (now - t0) / 1e9);
                lastLog = now;
            }
        }
        double[] pPerm = new double[totalGenes], pMaxT = new double[totalGenes];
        Arrays.fill(pPerm, Double.NaN);
        Arrays.fill(pMaxT, Double.NaN);
        double denom = permutations + 1.0, running = 0;
        for (int j = 0; j < prob.order.length; j++) {
            int g = prob.order[j];
            running = Math.max(running, (total.stepDown[j] + 1) / denom);
            pMaxT[geneIndex[g]] = Math.min(1, running);
        }
        for (int g = 0; g < prob.genes(); g++) pPerm[geneIndex[g]] = (total.exceed[g] + 1) / denom;
        return new Result(pPerm, pMaxT, permutations, prob.genes());
    }

    /** Permutations per GEMM block, and the most doubles of C = R W per GEMM, of {@link #countsByGemm}. */
    public static final int PERMUTATION_BLOCK = 64, C_DOUBLES = 1 << 22;

    /**
     * The CPU twin of the cuda kernels: per block of permutations W = [P_b'Q] (a gather of Q's rows),
     * C = R W by the backend's GEMM over blocks of genes, then the reduction and the step-down maxima.
     */
    public static Counts countsByGemm(DenseOps backend, Problem prob, int[] perms, int count) {
        int genes = prob.genes(), n = prob.n(), p = prob.p();
        Counts out = new Counts(genes);
        out.permutations = count;
        int permBlock = Math.max(1, Math.min(count, PERMUTATION_BLOCK));
        int geneBlock = Math.max(1, Math.min(genes, C_DOUBLES / (permBlock * p)));
        double[] absStar = new double[permBlock * genes];
        for (int b0 = 0; b0 < count; b0 += permBlock) {
            int nb = Math.min(permBlock, count - b0);
            Mat w = gatherBasis(prob.q, perms, b0, nb);
            for (int g0 = 0; g0 < genes; g0 += geneBlock) {
                int gl = Math.min(geneBlock, genes - g0);
                Mat rb = new Mat(gl, n, Arrays.copyOfRange(prob.r.data, g0 * n, (g0 + gl) * n));
                Mat c = backend.gemm(rb, false, w, false);
                reduce(c.data, gl, nb, p, g0, genes, prob.rr, prob.df, absStar);
            }
            accumulate(absStar, nb, prob, out);
        }
        return out;
    }

    /** W (n x nb p): W[perm_b[i], b p + j] = Q[i, j], so that (R W)[g, b p + j] = (Q' P_b r_g)_j. */
    public static Mat gatherBasis(Mat q, int[] perms, int b0, int nb) {
        int n = q.rows, p = q.cols, width = nb * p;
        Mat w = new Mat(n, width);
        for (int b = 0; b < nb; b++) {
            int off = (b0 + b) * n;
            for (int i = 0; i < n; i++) System.arraycopy(q.data, i * p, w.data, perms[off + i] * width + b * p, p);
        }
        return w;
    }

    /** |t*| for genes [g0, g0 + gl) and nb permutations from C (gl x nb p) into absStar[b * genes + g]. */
    public static void reduce(double[] c, int gl, int nb, int p, int g0, int genes, double[] rr, int df, double[] absStar) {
        reduce(DoubleBuffer.wrap(c), 0, gl, nb, p, g0, genes, rr, df, absStar);
    }

    /**
     * As {@link #reduce(double[], int, int, int, int, int, double[], int, double[])} for rows [from, to) of C, which may be native memory.
     */
    public static void reduce(DoubleBuffer c, int from, int to, int nb, int p, int g0, int genes, double[] rr, int df, double[] absStar) {
        int width = nb * p;
        for (int g = from; g < to; g++) {
            for (int b = 0; b < nb; b++) {
                int off = g * width + b * p;
                double ss = 0;
                for (int j = 0; j < p; j++) { double v = c.get(off + j); ss += v * v; }
                absStar[b * genes + g0 + g] = Math.abs(tStatistic(c.get(off + p - 1), rr[g0 + g] - ss, df));
            }
        }
    }

    /** Exceedances and step-down successive maxima of nb permutations. */
    public static void accumulate(double[] absStar, int nb, Problem prob, Counts out) {
        int genes = prob.genes();
        for (int b = 0; b < nb; b++) {
            int off = b * genes;
            for (int g = 0; g < genes; g++) if (absStar[off + g] >= prob.absT[g] * (1 - TIE)) out.exceed[g]++;
            double u = 0;
            for (int j = genes - 1; j >= 0; j--) {
                int g = prob.order[j];
                u = Math.max(u, absStar[off + g]);
                if (u >= prob.absT[g] * (1 - TIE)) out.stepDown[j]++;
            }
        }
    }
}
