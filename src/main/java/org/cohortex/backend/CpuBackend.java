package org.cohortex.backend;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.cohortex.Version;
import org.cohortex.de.FreedmanLane;
import org.cohortex.linalg.BatchedOls;
import org.cohortex.linalg.CholeskyDecomposition;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.linalg.RowMoments;
import org.cohortex.linalg.SymmetricEigen;
import org.cohortex.linalg.ThinSvd;

/**
 * Fast CPU backend: OpenBLAS (the BLAS bundled with ND4J, through the JavaCPP preset) for the
 * GEMM-shaped work on native buffers, and plain-array Java for the small per-gene algebra, run on
 * a fixed thread pool. Genes are processed in blocks so memory stays bounded for any cohort size.
 */
public final class CpuBackend implements ComputeBackend {
    private final int threads;
    private final ForkJoinPool pool;
    /** Slots: 0 = A / responses, 1 = B / Q, 2 = C. Guarded by {@code this}. */
    private final NativeBuffers buffers = new NativeBuffers(3);
    /** Single-threaded backends of {@link #eachCrossprodOfRows}, one per thread, made on first use. Guarded by {@code this}. */
    private final List<CpuBackend> lanes = new ArrayList<>();
    /** The lanes' operands together stay within this many doubles (1 GiB): each lane holds its own copy of one. */
    static final long LANE_DOUBLES = 1L << 27;

    public CpuBackend(int threads) {
        if (!isAvailable()) throw new IllegalStateException("OpenBLAS could not be loaded: " + loadError);
        this.threads = Math.max(1, threads);
        openblas.blas_set_num_threads(this.threads);
        this.pool = new ForkJoinPool(this.threads);
    }

    /** A lane: one thread, and no change to OpenBLAS's (process-wide) thread count. */
    private CpuBackend() {
        this.threads = 1;
        this.pool = new ForkJoinPool(1);
    }

    private static volatile Boolean available;
    private static volatile String loadError = "";

    /** True when the native OpenBLAS library loads on this machine. */
    public static boolean isAvailable() {
        if (available == null) {
            synchronized (CpuBackend.class) {
                if (available == null) {
                    try {
                        Loader.load(openblas.class);
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
        return "cpu: OpenBLAS " + Version.openblas() + " (org.bytedeco:openblas via JavaCPP), " + threads + " thread(s)";
    }

    @Override
    public synchronized void close() {
        pool.shutdown();
        buffers.close();
        for (CpuBackend lane : lanes) lane.close();
        lanes.clear();
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
     * Freedman-Lane counts as {@link org.cohortex.de.FreedmanLane#countsByGemm}, with R put in
     * native memory once and each block's C = R W read where BLAS wrote it: C (genes x 64
     * permutations x p) is as large as the flops are small per element (K = n), so copying it back
     * and allocating it per GEMM cost as much as the GEMM.
     */
    @Override
    public FreedmanLane.Counts freedmanLaneCounts(FreedmanLane.Problem prob, int[] perms, int count) {
        return freedmanLaneCounts(prob, perms, count, FreedmanLane.C_DOUBLES);
    }

    /** As {@link #freedmanLaneCounts(org.cohortex.de.FreedmanLane.Problem, int[], int)} with at most {@code cDoubles} of C per GEMM. */
    public synchronized FreedmanLane.Counts freedmanLaneCounts(FreedmanLane.Problem prob, int[] perms, int count,
                                                                                  int cDoubles) {
        final int genes = prob.genes(), n = prob.n(), p = prob.p();
        FreedmanLane.Counts out = new FreedmanLane.Counts(genes);
        out.permutations = count;
        if (genes == 0 || count == 0) return out;
        final int permBlock = Math.max(1, Math.min(count, FreedmanLane.PERMUTATION_BLOCK));
        final int geneBlock = Math.max(1, Math.min(genes, cDoubles / (permBlock * p)));
        final double[] absStar = new double[permBlock * genes];
        try (DoublePointer pr = new DoublePointer((long) genes * n)) {
            pr.put(prob.r.data);
            DoublePointer pw = buffers.get(1, (long) n * permBlock * p), pc = buffers.get(2, (long) geneBlock * permBlock * p);
            final DoubleBuffer c = pc.asBuffer();
            for (int b0 = 0; b0 < count; b0 += permBlock) {
                final int nb = Math.min(permBlock, count - b0), width = nb * p;
                pw.put(FreedmanLane.gatherBasis(prob.q, perms, b0, nb).data);
                for (int g0 = 0; g0 < genes; g0 += geneBlock) {
                    final int gl = Math.min(geneBlock, genes - g0), first = g0;
                    openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, gl, width, n, 1.0,
                            new DoublePointer(pr).position((long) g0 * n), n, pw, width, 0.0, pc, width);
                    pool.submit(() -> IntStream.range(0, gl).parallel().forEach(g ->
                            FreedmanLane.reduce(c, g, g + 1, nb, p, first, genes, prob.rr, prob.df, absStar))).join();
                }
                FreedmanLane.accumulate(absStar, nb, prob, out);
            }
        }
        return out;
    }

    @Override
    public synchronized Mat crossprod(Mat a) {
        int n = a.cols;
        Mat c = new Mat(n, n);
        if (a.rows == 0 || n == 0) return c;
        DoublePointer pa = buffers.get(0, a.data.length);
        pa.put(a.data);
        return syrk(pa, a.rows, n);
    }

    /** Rows filled straight into the native operand, in row blocks on the pool's threads, then the same SYRK. */
    @Override
    public synchronized Mat crossprodOfRows(int rows, int n, RowFill fill) {
        if (rows == 0 || n == 0) return new Mat(n, n);
        DoublePointer pa = buffers.get(0, (long) rows * n);
        DoubleBuffer target = pa.asBuffer();
        int block = Math.max(1, 16_384 / n), blocks = (rows + block - 1) / block, chunks = Math.min(blocks, 8 * threads);
        pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(ch -> {
            double[] tmp = new double[block * n];
            DoubleBuffer out = target.duplicate();
            for (int bk = (int) ((long) blocks * ch / chunks), end = (int) ((long) blocks * (ch + 1) / chunks); bk < end; bk++) {
                int from = bk * block, to = Math.min(rows, from + block);
                for (int i = from; i < to; i++) fill.row(i, tmp, (i - from) * n);
                out.put(from * n, tmp, 0, (to - from) * n);
            }
        })).join();
        return syrk(pa, rows, n);
    }

    /**
     * The products side by side, one lane per thread, each lane filling its own operand and running single-threaded BLAS
     * (OpenBLAS's thread count is set to 1 for the call and restored): two 20,000 x 291 DSYRKs at once outrun one on two
     * threads (DSYRK scales ~1.6x on two cores here), and each lane's Java fill and n x n work runs beside the other's
     * product instead of between products (num.sv be's 20 permutations: 0.70-0.75 s -> 0.54-0.56 s). Operands are handed
     * out in turn from a shared counter; every lane computes the same bits for a given r, so the results do not depend
     * on which lane took it, nor on the thread count while lanes run (their BLAS is single-threaded, as with one thread).
     * Fewer lanes when the operands would exceed {@link #LANE_DOUBLES} together; none below two.
     */
    @Override
    public synchronized <T> List<T> eachCrossprodOfRows(int count, int rows, int cols, IndexedRowFill fill, GramStep<T> then) {
        int width = (int) Math.min(Math.min(threads, count), LANE_DOUBLES / Math.max(1L, (long) rows * cols));
        if (width < 2 || rows == 0 || cols == 0) {
            return ComputeBackend.super.eachCrossprodOfRows(count, rows, cols, fill, then);
        }
        return inLanes(count, width, (lane, r) -> lane.laneProduct(r, rows, cols, fill, then));
    }

    /**
     * As {@link #eachCrossprodOfRows}, the operands in float and each product one SSYRK: a lane's operand is half the
     * bytes, so the lanes' floats may fill the lanes' budget or, past it, the bytes of the one double operand that
     * crossprodOfRows would hold (two lanes at the 10x cohort's 58,503 x 2,908: 680 MB each).
     */
    @Override
    public <T> List<T> eachSingleCrossprodOfRows(int count, int rows, int cols, FloatRowFill fill, GramStep<T> then) {
        return eachSingleCrossprodOfRows(count, rows, cols, fill, then, Math.max(2 * LANE_DOUBLES, 2L * rows * cols));
    }

    /**
     * As {@link #eachSingleCrossprodOfRows(int, int, int, FloatRowFill, GramStep)} with the lanes' operands within laneFloats;
     * below two lanes' worth, one product at a time on every thread.
     */
    synchronized <T> List<T> eachSingleCrossprodOfRows(int count, int rows, int cols, FloatRowFill fill, GramStep<T> then,
                                                       long laneFloats) {
        if (rows == 0 || cols == 0) return ComputeBackend.super.eachSingleCrossprodOfRows(count, rows, cols, fill, then);
        int width = (int) Math.min(Math.min(threads, count), laneFloats / ((long) rows * cols));
        if (width >= 2) return inLanes(count, width, (lane, r) -> lane.laneSingleProduct(r, rows, cols, fill, then));
        List<T> out = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            FloatPointer pa = buffers.getFloat(0, (long) rows * cols);
            FloatBuffer target = pa.asBuffer();
            int block = Math.max(1, 16_384 / cols), blocks = (rows + block - 1) / block, chunks = Math.min(blocks, 8 * threads);
            final int operand = r;
            pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(ch -> {
                float[] tmp = new float[block * cols];
                FloatBuffer dst = target.duplicate();
                for (int bk = (int) ((long) blocks * ch / chunks), end = (int) ((long) blocks * (ch + 1) / chunks); bk < end; bk++) {
                    int from = bk * block, to = Math.min(rows, from + block);
                    for (int i = from; i < to; i++) fill.row(operand, i, tmp, (i - from) * cols);
                    dst.put(from * cols, tmp, 0, (to - from) * cols);
                }
            })).join();
            out.add(then.apply(this, r, ssyrk(pa, rows, cols)));
        }
        return out;
    }

    /** One operand's work on a lane. */
    private interface LaneJob<T> {
        T run(CpuBackend lane, int operand);
    }

    /**
     * The operands side by side, one lane per thread, each lane running single-threaded BLAS (OpenBLAS's thread count
     * is set to 1 for the call and restored); operands handed out in turn from a shared counter, results in order.
     */
    private <T> List<T> inLanes(int count, int width, LaneJob<T> job) {
        while (lanes.size() < width) lanes.add(new CpuBackend());
        List<T> out = new ArrayList<>(Collections.nCopies(count, null));
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>(); // the step's own exception, not ForkJoin's copy of it
        List<ForkJoinTask<?>> tasks = new ArrayList<>();
        openblas.blas_set_num_threads(1);
        try {
            for (int l = 0; l < width; l++) {
                CpuBackend lane = lanes.get(l);
                tasks.add(pool.submit(() -> {
                    try {
                        for (int r = next.getAndIncrement(); r < count; r = next.getAndIncrement()) out.set(r, job.run(lane, r));
                    } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, e);
                        next.set(count); // the other lanes stop at their next operand
                    }
                }));
            }
            for (ForkJoinTask<?> t : tasks) t.join();
            Throwable e = failure.get();
            if (e instanceof RuntimeException) throw (RuntimeException) e;
            if (e != null) throw (Error) e;
        } finally {
            openblas.blas_set_num_threads(threads);
        }
        return out;
    }

    /** One operand of {@link #eachCrossprodOfRows} on this lane: rows written into the native operand, DSYRK, then. */
    private synchronized <T> T laneProduct(int r, int rows, int n, IndexedRowFill fill, GramStep<T> then) {
        DoublePointer pa = buffers.get(0, (long) rows * n);
        DoubleBuffer target = pa.asBuffer();
        int block = Math.max(1, 16_384 / n);
        double[] tmp = new double[block * n];
        for (int from = 0; from < rows; from += block) {
            int to = Math.min(rows, from + block);
            for (int i = from; i < to; i++) fill.row(r, i, tmp, (i - from) * n);
            target.put(from * n, tmp, 0, (to - from) * n);
        }
        return then.apply(this, r, syrk(pa, rows, n));
    }

    /** One operand of {@link #eachSingleCrossprodOfRows} on this lane: float rows into the native operand, SSYRK, then. */
    private synchronized <T> T laneSingleProduct(int r, int rows, int n, FloatRowFill fill, GramStep<T> then) {
        FloatPointer pa = buffers.getFloat(0, (long) rows * n);
        FloatBuffer target = pa.asBuffer();
        int block = Math.max(1, 16_384 / n);
        float[] tmp = new float[block * n];
        for (int from = 0; from < rows; from += block) {
            int to = Math.min(rows, from + block);
            for (int i = from; i < to; i++) fill.row(r, i, tmp, (i - from) * n);
            target.put(from * n, tmp, 0, (to - from) * n);
        }
        return then.apply(this, r, ssyrk(pa, rows, n));
    }

    /** A'A of the rows x n float operand in pa (row-major): one SSYRK, widened to double, upper triangle mirrored. */
    private Mat ssyrk(FloatPointer pa, int rows, int n) {
        FloatPointer pc = buffers.getFloat(2, (long) n * n);
        openblas.cblas_ssyrk(openblas.CblasRowMajor, openblas.CblasUpper, openblas.CblasTrans, n, rows, 1f, pa, n, 0f, pc, n);
        float[] upper = new float[n * n];
        pc.get(upper);
        Mat c = new Mat(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                c.data[i * n + j] = upper[i * n + j];
                c.data[j * n + i] = upper[i * n + j];
            }
        }
        return c;
    }

    /** A'A of the rows x n operand in pa (row-major): one DSYRK, upper triangle mirrored. */
    private Mat syrk(DoublePointer pa, int rows, int n) {
        Mat c = new Mat(n, n);
        DoublePointer pc = buffers.get(2, c.data.length);
        openblas.cblas_dsyrk(openblas.CblasRowMajor, openblas.CblasUpper, openblas.CblasTrans, n, rows, 1.0, pa, n, 0.0, pc, n);
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
                    openblas.cblas_dsyrk(openblas.CblasRowMajor, openblas.CblasUpper, openblas.CblasTrans, n, count, 1.0, rows, n, 1.0,
                            sum, n);
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

    /** The OpenBLAS block product on this backend's reused native buffers. */
    void blasProduct(double[] y, int yOff, int rows, int n, double[] q, int p, double[] c) {
        DoublePointer py = buffers.get(0, (long) rows * n), pq = buffers.get(1, (long) n * p), pc = buffers.get(2, (long) rows * p);
        py.put(y, yOff, rows * n);
        pq.put(q);
        openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, rows, p, n, 1.0, py, n, pq, p, 0.0, pc,
                p);
        pc.get(c, 0, rows * p);
    }

    @Override
    public synchronized OlsFit olsSharedDesign(Mat x, Mat y) {
        return olsSharedDesign(x, y, this::blasProduct);
    }

    /** The batched OLS with another block product (the cuda backend's) on this backend's threads. */
    synchronized OlsFit olsSharedDesign(Mat x, Mat y, BatchedOls.BlockProduct product) {
        return BatchedOls.fit(x, y, product, pool);
    }

    @Override
    public synchronized double[][] nestedRss(Mat x, int[] prefixes, Mat y) {
        return nestedRss(x, prefixes, y, this::blasProduct, null);
    }

    @Override
    public synchronized double[][] nestedRss(Mat x, int[] prefixes, Mat y, RowMoments moments) {
        return nestedRss(x, prefixes, y, this::blasProduct, moments);
    }

    synchronized double[][] nestedRss(Mat x, int[] prefixes, Mat y, BatchedOls.BlockProduct product, RowMoments moments) {
        return BatchedOls.nestedRss(x, prefixes, y, product, pool, moments);
    }

    /**
     * y copied once into native memory of its own (not one of the shared buffers, which the products between fits
     * reuse) and multiplied from there: the same GEMM calls on the same rows as {@link #blasProduct}, from another
     * address. Rows handed over from any other array (a gathered subset) still go through the copy. Above
     * {@link #LANE_DOUBLES} (1 GiB) y is copied block by block per fit as before: at the 10x cohort's 58,503 x 2,908 the
     * copies are ~1% of irw-sva's time, and a resident copy would add 1.4 GB to the peak memory.
     */
    @Override
    public synchronized NestedRssFits nestedRssOf(Mat y, RowMoments moments) {
        if (y.data.length == 0 || y.data.length > LANE_DOUBLES) return ComputeBackend.super.nestedRssOf(y, moments);
        DoublePointer resident = new DoublePointer(y.data.length);
        resident.put(y.data);
        BatchedOls.BlockProduct product = (arr, yOff, rows, n, q, p, c) -> {
            if (arr != y.data) { blasProduct(arr, yOff, rows, n, q, p, c); return; }
            DoublePointer pq = buffers.get(1, (long) n * p), pc = buffers.get(2, (long) rows * p);
            pq.put(q);
            openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, rows, p, n, 1.0,
                    resident.getPointer(yOff), n, pq, p, 0.0, pc, p);
            pc.get(c, 0, rows * p);
        };
        return new NestedRssFits() {
            private boolean closed;

            @Override
            public double[][] nestedRss(Mat x, int[] prefixes) {
                synchronized (CpuBackend.this) {
                    if (closed) throw new IllegalStateException("nested-RSS fits used after close");
                    return CpuBackend.this.nestedRss(x, prefixes, y, product, moments);
                }
            }

            @Override
            public void close() {
                synchronized (CpuBackend.this) {
                    if (!closed) resident.close();
                    closed = true;
                }
            }
        };
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
