package org.cohortex.linalg;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Fast CPU backend: OpenBLAS (the BLAS bundled with ND4J, through the JavaCPP preset) for the
 * GEMM-shaped work on native buffers, and plain-array Java for the small per-gene algebra, run on
 * a fixed thread pool. Genes are processed in blocks so memory stays bounded for any cohort size.
 */
public final class CpuBackend implements ComputeBackend {
    /** Doubles per native block of responses (~32 MB): bounds memory at any number of genes. */
    static final int BLOCK_DOUBLES = 1 << 22;

    private final int threads;
    private final ForkJoinPool pool;
    /** Slots: 0 = A / responses, 1 = B / Q, 2 = C. Guarded by {@code this}. */
    private final NativeBuffers buffers = new NativeBuffers(3);

    public CpuBackend(int threads) {
        if (!isAvailable()) throw new IllegalStateException("OpenBLAS could not be loaded: " + loadError);
        this.threads = Math.max(1, threads);
        openblas.blas_set_num_threads(this.threads);
        this.pool = new ForkJoinPool(this.threads);
    }

    private static volatile Boolean available;
    private static volatile String loadError = "";

    /** True when the native OpenBLAS library loads on this machine. */
    public static boolean isAvailable() {
        if (available == null) {
            synchronized (CpuBackend.class) {
                if (available == null) {
                    try {
                        org.bytedeco.javacpp.Loader.load(openblas.class);
                        openblas.blas_get_num_threads();
                        available = true;
                    } catch (Throwable t) { // LinkageError, or JavaCPP's own loader exceptions
                        loadError = t.toString();
                        available = false;
                    }
                }
            }
        }
        return available;
    }

    public static String loadError() { return loadError; }

    @Override
    public String name() { return "cpu"; }

    @Override
    public String describe() {
        return "cpu: OpenBLAS " + org.cohortex.Version.openblas() + " (org.bytedeco:openblas via JavaCPP), " + threads + " thread(s)";
    }

    @Override
    public synchronized void close() {
        pool.shutdown();
        buffers.close();
    }

    // ---------------------------------------------------------------- GEMM family

    @Override
    public synchronized Mat gemm(Mat a, boolean transA, Mat b, boolean transB) {
        int m = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols;
        int kb = transB ? b.cols : b.rows, nn = transB ? b.rows : b.cols;
        if (k != kb) throw new IllegalArgumentException("gemm shapes " + a + (transA ? "'" : "") + " x " + b + (transB ? "'" : ""));
        Mat c = new Mat(m, nn);
        if (m == 0 || nn == 0) return c;
        if (k == 0) return c;
        DoublePointer pa = buffers.get(0, a.data.length), pb = buffers.get(1, b.data.length), pc = buffers.get(2, c.data.length);
        pa.put(a.data);
        pb.put(b.data);
        openblas.cblas_dgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, nn, k, 1.0, pa, a.cols, pb, b.cols, 0.0, pc, nn);
        pc.get(c.data);
        return c;
    }

    /**
     * Freedman-Lane counts as {@link org.cohortex.stats.FreedmanLane#countsByGemm}, with R put in
     * native memory once and each block's C = R W read where BLAS wrote it: C (genes x 64
     * permutations x p) is as large as the flops are small per element (K = n), so copying it back
     * and allocating it per GEMM cost as much as the GEMM.
     */
    @Override
    public org.cohortex.stats.FreedmanLane.Counts freedmanLaneCounts(org.cohortex.stats.FreedmanLane.Problem prob, int[] perms, int count) {
        return freedmanLaneCounts(prob, perms, count, org.cohortex.stats.FreedmanLane.C_DOUBLES);
    }

    /** As {@link #freedmanLaneCounts(org.cohortex.stats.FreedmanLane.Problem, int[], int)} with at most {@code cDoubles} of C per GEMM. */
    public synchronized org.cohortex.stats.FreedmanLane.Counts freedmanLaneCounts(org.cohortex.stats.FreedmanLane.Problem prob, int[] perms, int count,
                                                                                  int cDoubles) {
        final int genes = prob.genes(), n = prob.n(), p = prob.p();
        org.cohortex.stats.FreedmanLane.Counts out = new org.cohortex.stats.FreedmanLane.Counts(genes);
        out.permutations = count;
        if (genes == 0 || count == 0) return out;
        final int permBlock = Math.max(1, Math.min(count, org.cohortex.stats.FreedmanLane.PERMUTATION_BLOCK));
        final int geneBlock = Math.max(1, Math.min(genes, cDoubles / (permBlock * p)));
        final double[] absStar = new double[permBlock * genes];
        try (DoublePointer pr = new DoublePointer((long) genes * n)) {
            pr.put(prob.r.data);
            DoublePointer pw = buffers.get(1, (long) n * permBlock * p), pc = buffers.get(2, (long) geneBlock * permBlock * p);
            final java.nio.DoubleBuffer c = pc.asBuffer();
            for (int b0 = 0; b0 < count; b0 += permBlock) {
                final int nb = Math.min(permBlock, count - b0), width = nb * p;
                pw.put(org.cohortex.stats.FreedmanLane.gatherBasis(prob.q, perms, b0, nb).data);
                for (int g0 = 0; g0 < genes; g0 += geneBlock) {
                    final int gl = Math.min(geneBlock, genes - g0), first = g0;
                    openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, gl, width, n, 1.0,
                            new DoublePointer(pr).position((long) g0 * n), n, pw, width, 0.0, pc, width);
                    pool.submit(() -> IntStream.range(0, gl).parallel().forEach(g ->
                            org.cohortex.stats.FreedmanLane.reduce(c, g, g + 1, nb, p, first, genes, prob.rr, prob.df, absStar))).join();
                }
                org.cohortex.stats.FreedmanLane.accumulate(absStar, nb, prob, out);
            }
        }
        return out;
    }

    @Override
    public synchronized Mat crossprod(Mat a) {
        int n = a.cols;
        Mat c = new Mat(n, n);
        if (a.rows == 0 || n == 0) return c;
        DoublePointer pa = buffers.get(0, a.data.length), pc = buffers.get(2, c.data.length);
        pa.put(a.data);
        openblas.cblas_dsyrk(openblas.CblasRowMajor, openblas.CblasUpper, openblas.CblasTrans, n, a.rows, 1.0, pa, n, 0.0, pc, n);
        pc.get(c.data);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) c.data[i * n + j] = c.data[j * n + i];
        }
        return c;
    }

    @Override
    public GramAccumulator gramAccumulator(int n) {
        DoublePointer sum = new DoublePointer((long) n * n);
        DoublePointer rowsBuf = new DoublePointer(1);
        sum.zero();
        return new GramAccumulator() {
            DoublePointer rows = rowsBuf;

            @Override
            public void add(double[] block, int count) {
                if (count == 0) return;
                synchronized (CpuBackend.this) {
                    if (rows.capacity() < (long) count * n) {
                        rows.close();
                        rows = new DoublePointer((long) count * n);
                    }
                    rows.put(block, 0, count * n);
                    openblas.cblas_dsyrk(openblas.CblasRowMajor, openblas.CblasUpper, openblas.CblasTrans, n, count, 1.0, rows, n, 1.0, sum, n);
                }
            }

            @Override
            public Mat result() {
                Mat c = new Mat(n, n);
                sum.get(c.data);
                for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) c.data[i * n + j] = c.data[j * n + i];
                return c;
            }

            @Override
            public void close() {
                rows.close();
                sum.close();
            }
        };
    }

    // ---------------------------------------------------------------- batched OLS

    /**
     * C (rows x p) = Y_block (rows x n, from {@code y[yOff..]}) Q (n x p): the one GEMM-shaped step of
     * the batched OLS and nested RSS; the cuda backend supplies a device version and reuses the rest.
     */
    @FunctionalInterface
    interface BlockProduct {
        void multiply(double[] y, int yOff, int rows, int n, double[] q, int p, double[] c);
    }

    /** The OpenBLAS block product on this backend's reused native buffers. */
    void blasProduct(double[] y, int yOff, int rows, int n, double[] q, int p, double[] c) {
        DoublePointer py = buffers.get(0, (long) rows * n), pq = buffers.get(1, (long) n * p), pc = buffers.get(2, (long) rows * p);
        py.put(y, yOff, rows * n);
        pq.put(q);
        openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, rows, p, n, 1.0, py, n, pq, p, 0.0, pc, p);
        pc.get(c, 0, rows * p);
    }

    @Override
    public synchronized OlsFit olsSharedDesign(Mat x, Mat y) {
        return olsSharedDesign(x, y, this::blasProduct);
    }

    synchronized OlsFit olsSharedDesign(Mat x, Mat y, BlockProduct product) {
        final int genes = y.rows, n = x.rows, p = x.cols;
        if (y.cols != n) throw new IllegalArgumentException("Y has " + y.cols + " samples, X has " + n);
        final SharedDesign d = new SharedDesign(x);
        final double[] beta = new double[genes * p], se = new double[genes * p], rss = new double[genes];
        final int[] df = new int[genes];

        boolean[] missing = new boolean[genes];
        int nMissing = 0;
        for (int g = 0; g < genes; g++) {
            int off = g * n;
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(y.data[off + i])) { missing[g] = true; nMissing++; break; }
            }
        }
        int[] complete = new int[genes - nMissing];
        int[] partial = new int[nMissing];
        for (int g = 0, a = 0, b = 0; g < genes; g++) {
            if (missing[g]) partial[b++] = g; else complete[a++] = g;
        }

        if (complete.length > 0 && n - p >= 1) fitComplete(d, y, complete, beta, se, rss, df, product);
        else for (int g : complete) markUnfit(g, p, n - p, beta, se, rss, df);
        if (partial.length > 0) {
            pool.submit(() -> IntStream.of(partial).parallel()
                    .forEach(g -> PerGeneOls.fit(x, y.data, g * n, g, beta, se, rss, df))).join();
        }
        return new OlsFit(genes, p, beta, se, rss, df);
    }

    static void markUnfit(int g, int p, int dfg, double[] beta, double[] se, double[] rss, int[] df) {
        Arrays.fill(beta, g * p, g * p + p, Double.NaN);
        Arrays.fill(se, g * p, g * p + p, Double.NaN);
        rss[g] = Double.NaN;
        df[g] = dfg;
    }

    /**
     * One QR of X and one GEMM C = Y Q give the RSS of every prefix design: RSS_k = ||y_c||^2 -
     * sum_{j < k} (c_j - ybar u_j)^2 (intercept first), with explicit residuals where that loses more
     * than 4 digits.
     */
    @Override
    public synchronized double[][] nestedRss(Mat x, int[] prefixes, Mat y) {
        return nestedRss(x, prefixes, y, this::blasProduct);
    }

    synchronized double[][] nestedRss(Mat x, int[] prefixes, Mat y, BlockProduct product) {
        final int genes = y.rows, n = x.rows, p = x.cols;
        final SharedDesign d = new SharedDesign(x);
        if (d.u == null) return ComputeBackend.super.nestedRss(x, prefixes, y);
        final double[][] out = new double[prefixes.length][genes];
        final int block = Math.max(1, Math.min(genes, BLOCK_DOUBLES / Math.max(1, n)));
        double[] c = new double[block * p];
        for (int start = 0; start < genes; start += block) {
            final int len = Math.min(block, genes - start);
            product.multiply(y.data, start * n, len, n, d.q, p, c);
            final int s0 = start;
            pool.submit(() -> IntStream.range(0, len).parallel().forEach(k -> {
                int g = s0 + k, yoff = g * n, coff = k * p;
                double mean = 0;
                for (int i = 0; i < n; i++) mean += y.data[yoff + i];
                mean /= n;
                double ss = 0;
                for (int i = 0; i < n; i++) { double t = y.data[yoff + i] - mean; ss += t * t; }
                double explained = 0;
                int j = 0;
                for (int pi = 0; pi < prefixes.length; pi++) {
                    for (; j < prefixes[pi]; j++) { double t = c[coff + j] - mean * d.u[j]; explained += t * t; }
                    double r = ss - explained;
                    if (!(r > 1e-4 * ss)) {
                        r = 0;
                        for (int i = 0; i < n; i++) {
                            double fit = 0;
                            for (int l = 0; l < prefixes[pi]; l++) fit += d.q[i * p + l] * c[coff + l];
                            double e = y.data[yoff + i] - fit;
                            r += e * e;
                        }
                    }
                    out[pi][g] = r;
                }
            })).join();
        }
        return out;
    }

    /** Genes observed in every sample: C = Y Q through BLAS, block by block, then small per-gene algebra. */
    private void fitComplete(SharedDesign d, Mat y, int[] genesIdx, double[] beta, double[] se, double[] rss, int[] df, BlockProduct product) {
        final int n = d.n, p = d.p;
        final int block = Math.max(1, Math.min(genesIdx.length, BLOCK_DOUBLES / Math.max(1, n)));
        double[] scratch = null;
        {
            double[] c = new double[block * p];
            for (int start = 0; start < genesIdx.length; start += block) {
                final int len = Math.min(block, genesIdx.length - start);
                boolean contiguous = genesIdx[start + len - 1] - genesIdx[start] == len - 1;
                if (contiguous) {
                    product.multiply(y.data, genesIdx[start] * n, len, n, d.q, p, c);
                } else {
                    if (scratch == null) scratch = new double[block * n];
                    for (int k = 0; k < len; k++) System.arraycopy(y.data, genesIdx[start + k] * n, scratch, k * n, n);
                    product.multiply(scratch, 0, len, n, d.q, p, c);
                }
                final int s0 = start;
                pool.submit(() -> IntStream.range(0, len).parallel().forEach(k -> {
                    int g = genesIdx[s0 + k];
                    d.finishGene(y.data, g * n, c, k * p, g, beta, se, rss, df);
                })).join();
            }
        }
    }

    /**
     * Everything about the shared design that every gene reuses: thin Q, R^{-1}, diag((X'X)^{-1})
     * and, when the intercept is in the column space, u = Q'1 for the centred RSS formula.
     */
    static final class SharedDesign {
        final int n, p;
        final double[] q, rInv, xtxInvDiag;
        final double[] u; // Q' 1, or null when 1 is not in span(X)

        SharedDesign(Mat x) {
            n = x.rows;
            p = x.cols;
            // Equilibrate: QR of X D with unit-norm columns, so that badly scaled covariates (units
            // of 1e6 beside dummies) cost no accuracy; beta = D (XD)^+ y.
            double[] scale = new double[p];
            for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) scale[j] += x.data[i * p + j] * x.data[i * p + j];
            for (int j = 0; j < p; j++) scale[j] = scale[j] > 0 ? 1.0 / Math.sqrt(scale[j]) : 1.0;
            Mat xs = new Mat(n, p);
            for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) xs.data[i * p + j] = x.data[i * p + j] * scale[j];
            QrDecomposition qr = new QrDecomposition(xs);
            if (qr.minRelativeDiagonal() < 1e-12) {
                throw new IllegalArgumentException("design matrix is rank deficient (min |R_ii|/max = " + qr.minRelativeDiagonal() + ")");
            }
            q = qr.q().data;
            rInv = qr.rInverse().data;
            for (int j = 0; j < p; j++) for (int k = 0; k < p; k++) rInv[j * p + k] *= scale[j]; // D R^{-1}
            xtxInvDiag = new double[p];
            for (int j = 0; j < p; j++) {
                double s = 0;
                for (int k = j; k < p; k++) s += rInv[j * p + k] * rInv[j * p + k];
                xtxInvDiag[j] = s;
            }
            double[] qt1 = new double[p];
            for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) qt1[j] += q[i * p + j];
            double resid2 = n;
            for (int j = 0; j < p; j++) resid2 -= qt1[j] * qt1[j];
            u = Math.abs(resid2) < 1e-10 * n ? qt1 : null;
        }

        /**
         * From c = Q'y (in {@code c[coff..]}): beta = R^{-1} c, RSS, se. RSS = ||y_c||^2 - ||Q'y_c||^2
         * loses ~log10(TSS/RSS) digits, so genes fitted almost perfectly (TSS/RSS > 1e4) get their
         * residuals computed explicitly instead.
         */
        void finishGene(double[] y, int yoff, double[] c, int coff, int g, double[] beta, double[] se, double[] rss, int[] df) {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += y[yoff + i];
            mean /= n;
            double ss, explained = 0;
            if (u != null) {
                ss = 0;
                for (int i = 0; i < n; i++) { double t = y[yoff + i] - mean; ss += t * t; }
                for (int j = 0; j < p; j++) { double t = c[coff + j] - mean * u[j]; explained += t * t; }
            } else {
                ss = 0;
                for (int i = 0; i < n; i++) ss += y[yoff + i] * y[yoff + i];
                for (int j = 0; j < p; j++) explained += c[coff + j] * c[coff + j];
            }
            double r = ss - explained;
            if (!(r > 1e-4 * ss)) {
                r = 0;
                for (int i = 0; i < n; i++) {
                    double fit = 0;
                    for (int j = 0; j < p; j++) fit += q[i * p + j] * c[coff + j];
                    double e = y[yoff + i] - fit;
                    r += e * e;
                }
            }
            int dfg = n - p;
            double s2 = r / dfg;
            for (int j = 0; j < p; j++) {
                double b = 0;
                for (int k = j; k < p; k++) b += rInv[j * p + k] * c[coff + k];
                beta[g * p + j] = b;
                se[g * p + j] = Math.sqrt(s2 * xtxInvDiag[j]);
            }
            rss[g] = r;
            df[g] = dfg;
        }
    }

    // ---------------------------------------------------------------- SPD, eigen, SVD

    @Override
    public double[] solveSpdBatched(double[] a, double[] b, int batch, int p) {
        double[] x = b.clone();
        double[] l = a.clone();
        pool.submit(() -> IntStream.range(0, batch).parallel().forEach(k -> {
            if (CholeskyDecomposition.factor(l, k * p * p, p)) CholeskyDecomposition.solve(l, k * p * p, p, x, k * p);
            else Arrays.fill(x, k * p, k * p + p, Double.NaN);
        })).join();
        return x;
    }

    @Override
    public synchronized SymmetricEigen symmetricEigen(Mat s) {
        int n = s.rows;
        if (s.cols != n) throw new IllegalArgumentException("not square: " + s);
        double[] w = new double[n];
        double[] a = s.data.clone();
        int info;
        DoublePointer pa = buffers.get(0, a.length), pw = buffers.get(2, n);
        pa.put(a);
        info = openblas.LAPACKE_dsyevd(openblas.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n, pa, n, pw);
        pa.get(a);
        pw.get(w, 0, n);
        if (info != 0) throw new ArithmeticException("LAPACK dsyevd failed, info=" + info);
        // LAPACK returns ascending order; we promise descending.
        double[] vals = new double[n];
        Mat vec = new Mat(n, n);
        for (int k = 0; k < n; k++) {
            int src = n - 1 - k;
            vals[k] = w[src];
            for (int i = 0; i < n; i++) vec.data[i * n + k] = a[i * n + src];
        }
        return new SymmetricEigen(vals, vec);
    }

    @Override
    public synchronized double[] symmetricEigenvalues(Mat s) {
        int n = s.rows;
        if (s.cols != n) throw new IllegalArgumentException("not square: " + s);
        double[] w = new double[n];
        DoublePointer pa = buffers.get(0, (long) n * n), pw = buffers.get(2, n);
        pa.put(s.data);
        int info = openblas.LAPACKE_dsyevd(openblas.LAPACK_ROW_MAJOR, (byte) 'N', (byte) 'U', n, pa, n, pw);
        if (info != 0) throw new ArithmeticException("LAPACK dsyevd failed, info=" + info);
        pw.get(w, 0, n);
        double[] desc = new double[n];
        for (int k = 0; k < n; k++) desc[k] = w[n - 1 - k];
        return desc;
    }

    @Override
    public ThinSvd thinSvd(Mat a, int k) { return ThinSvd.viaGram(this, a, k); }
}
