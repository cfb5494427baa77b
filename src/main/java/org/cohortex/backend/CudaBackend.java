package org.cohortex.backend;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

import org.cohortex.Log;
import org.cohortex.de.FreedmanLane;
import org.cohortex.deconv.Nnls;
import org.cohortex.impute.CellTypeImputation;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.linalg.RowMoments;
import org.cohortex.linalg.SymmetricEigen;
import org.cohortex.linalg.ThinSvd;

/**
 * The cuda backend: JCuda's driver API, our kernels from {@code kernels/} (loaded from the
 * jar as fatbin, else PTX), and cuBLAS for the dense products when libcublas.so.12 loads (CUDA
 * 13-only machines cannot load JCublas 12: our GEMM kernel carries the work there).
 *
 * <p>On the device: dense products (gemm, crossprod, the Y Q product of the batched OLS and of the
 * nested RSS), batched SPD solves, batched NNLS, the Gibbs sampler, the Freedman-Lane pipeline with
 * the residuals resident across permutation blocks. On the host, through the cpu twin: the small
 * algebra per gene, eigenproblems of n x n Gram matrices, and any operation too small to pay for
 * a transfer. Inputs larger than the card are chunked. A CUDA error (out of memory, a failed
 * launch) is logged once, the backend stays on its cpu twin from then on, and the failed operation
 * is redone there, so a result is never lost or wrong.
 */
public final class CudaBackend implements ComputeBackend {
    /**
     * How the backend splits work with its cpu twin and checks itself.
     *
     * @param minDeviceWork work (flops or elements) below which the cpu twin is faster than a round trip (tests: 0)
     * @param poisonOutputs fill every device output with NaN before the kernel writes it (tests: catches unwritten entries)
     */
    public record Tuning(double minDeviceWork, boolean poisonOutputs) {
        public static final Tuning DEFAULT = new Tuning(2e7, false);
    }

    private final Tuning tuning;
    /** Bytes the device may hold, as if it had no more (tests exercise chunking and out-of-memory); 0 = what the card has. */
    private volatile long budgetOverride;

    public enum Precision { FP64, FP32 }

    private final CudaProbe probe;
    private final CpuBackend cpu;
    private final Precision precision;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final CUmodule[] modules;
    private final String kernelImage;
    private cublasHandle cublas;
    private String blasPath;
    private volatile String failure;
    private final DeviceBuffers buffers = new DeviceBuffers(12);
    private FreedmanLane.Problem resident;

    private static final String[] MODULES = {"gemm", "batched", "permutation", "gibbs"};
    private static final String[][] KERNELS = {
        {"dgemm_rm", "sgemm_rm"},
        {"spd_solve_batched", "nnls_gram_batched"},
        {"fl_gather_basis", "fl_reduce", "fl_exceed", "fl_suffix_max", "fl_stepdown"},
        {"gibbs_bmind"},
    };

    /** Opens GPU 0. Throws {@link CudaException} or {@link LinkageError} when that is impossible. */
    public CudaBackend(int threads, Precision precision) {
        this(threads, precision, Tuning.DEFAULT);
    }

    public CudaBackend(int threads, Precision precision, Tuning tuning) {
        this.tuning = tuning;
        this.probe = CudaProbe.get();
        if (!probe.usable()) throw new IllegalStateException(probe.reason());
        this.precision = precision;
        this.cpu = new CpuBackend(threads);
        modules = new CUmodule[MODULES.length];
        String image = null;
        boolean retained = false;
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuDeviceGet(device, 0);
            JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
            retained = true;
            JCudaDriver.cuCtxSetCurrent(context);
            for (int i = 0; i < MODULES.length; i++) {
                modules[i] = new CUmodule();
                image = loadModule(modules[i], MODULES[i]);
                for (String k : KERNELS[i]) {
                    CUfunction f = new CUfunction();
                    JCudaDriver.cuModuleGetFunction(f, modules[i], k);
                    functions.put(k, f);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // the caller falls back to cpu: release what was taken before rethrowing
            cpu.close();
            try {
                if (retained) JCudaDriver.cuDevicePrimaryCtxRelease(device);
            } catch (RuntimeException | LinkageError ignored) {
                // the context is unusable anyway
            }
            throw e;
        }
        kernelImage = image;
        try {
            JCublas2.setExceptionsEnabled(true);
            cublasHandle h = new cublasHandle();
            JCublas2.cublasCreate(h);
            int[] v = {0};
            JCublas2.cublasGetVersion(h, v);
            cublas = h;
            blasPath = "cuBLAS " + v[0] / 10000 + "." + (v[0] / 100) % 100 + "." + v[0] % 100;
        } catch (LinkageError | CudaException e) {
            cublas = null;
            blasPath = "own GEMM kernel (cuBLAS not loadable: " + (e instanceof UnsatisfiedLinkError
                    ? "libcublas.so.12 absent" : e.getMessage()) + ")";
        }
    }

    /** fatbin (SASS for sm_80/sm_90) first, PTX (JIT) otherwise; returns which. */
    private static String loadModule(CUmodule module, String name) {
        CudaException last = null;
        for (String ext : new String[] {"fatbin", "ptx"}) {
            byte[] image = resource("/org/cohortex/kernels/" + name + "." + ext, ext.equals("ptx"));
            if (image == null) continue;
            try {
                JCudaDriver.cuModuleLoadData(module, image);
                return ext;
            } catch (CudaException e) {
                last = e;
            }
        }
        throw last != null ? last : new CudaException("kernel module " + name + " is missing from the jar (run native/build-kernels.sh)");
    }

    private static byte[] resource(String path, boolean nulTerminate) {
        try (InputStream in = CudaBackend.class.getResourceAsStream(path)) {
            if (in == null) return null;
            byte[] b = in.readAllBytes();
            return nulTerminate ? Arrays.copyOf(b, b.length + 1) : b;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String name() { return "cuda"; }

    @Override
    public String describe() {
        return "cuda: " + probe + "; GEMM by " + blasPath + "; kernels " + kernelImage + "; " + precision.name().toLowerCase(Locale.ROOT)
                + (failure != null ? "; DISABLED after: " + failure : "") + "; host twin " + cpu.describe();
    }

    /** cuBLAS or our kernel, for `devices`. */
    public String blasPath() { return blasPath; }

    public CudaProbe probe() { return probe; }

    @Override
    public synchronized void close() {
        try {
            JCudaDriver.cuCtxSetCurrent(context);
            buffers.close();
            if (cublas != null) JCublas2.cublasDestroy(cublas);
            for (CUmodule m : modules) if (m != null) JCudaDriver.cuModuleUnload(m);
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
        } catch (CudaException | LinkageError ignored) {
            // releasing a broken context: nothing left to save
        }
        cpu.close();
    }

    // ---------------------------------------------------------------- failure handling

    private interface DeviceOp<T> { T run(); }

    private boolean onDevice(double work) { return failure == null && work >= tuning.minDeviceWork(); }

    /** Runs op on the device; on a CUDA error logs once, disables the device, returns fallback's result. */
    private <T> T guarded(String what, DeviceOp<T> op, DeviceOp<T> fallback) {
        if (failure != null) return fallback.run();
        try {
            JCudaDriver.cuCtxSetCurrent(context);
            return op.run();
        } catch (CudaException | LinkageError e) {
            failure = what + ": " + e.getMessage();
            Log.warn("cuda: %s failed (%s); this run continues on the cpu backend, with the same results", what, e.getMessage());
            resident = null;
            try { buffers.close(); } catch (CudaException | LinkageError ignored) { /* device gone */ }
            return fallback.run();
        }
    }

    /** Null when the device works; else why it was disabled. */
    public String failure() { return failure; }

    // ---------------------------------------------------------------- memory

    /** Device allocations kept across calls, per slot, grown on demand. */
    private static final class DeviceBuffers implements AutoCloseable {
        private final CUdeviceptr[] ptr;
        private final long[] bytes;

        DeviceBuffers(int n) {
            ptr = new CUdeviceptr[n];
            bytes = new long[n];
        }

        CUdeviceptr get(int slot, long need) {
            need = Math.max(need, 8);
            if (ptr[slot] == null || bytes[slot] < need) {
                if (ptr[slot] != null) JCudaDriver.cuMemFree(ptr[slot]);
                ptr[slot] = null;
                CUdeviceptr p = new CUdeviceptr();
                JCudaDriver.cuMemAlloc(p, need);
                ptr[slot] = p;
                bytes[slot] = need;
            }
            return ptr[slot];
        }

        long held() {
            long s = 0;
            for (long b : bytes) s += b;
            return s;
        }

        @Override
        public void close() {
            for (int i = 0; i < ptr.length; i++) {
                if (ptr[i] != null) JCudaDriver.cuMemFree(ptr[i]);
                ptr[i] = null;
                bytes[i] = 0;
            }
        }
    }

    // slots
    private static final int A = 0, B = 1, C = 2, W = 3, R = 4, RR = 5, ABS_T = 6, ORDER = 7, COUNTS = 8, SCRATCH = 9, PRIOR = 10,
            STATUS = 11;

    /** Tests: pretend the device holds only {@code bytes} (0 = the card's real memory). */
    void limitMemory(long bytes) { budgetOverride = bytes; }

    /** Bytes we may still allocate: 85% of what is free plus what our buffers already hold. */
    private long budget() {
        if (budgetOverride > 0) return budgetOverride;
        long[] free = {0}, total = {0};
        JCudaDriver.cuMemGetInfo(free, total);
        return (long) (0.85 * free[0]) + buffers.held();
    }

    private CUdeviceptr upload(int slot, double[] data, int off, long len) {
        CUdeviceptr p = buffers.get(slot, len * Sizeof.DOUBLE);
        JCudaDriver.cuMemcpyHtoD(p, Pointer.to(data).withByteOffset((long) off * Sizeof.DOUBLE), len * Sizeof.DOUBLE);
        return p;
    }

    private CUdeviceptr upload(int slot, float[] data) {
        CUdeviceptr p = buffers.get(slot, (long) data.length * Sizeof.FLOAT);
        JCudaDriver.cuMemcpyHtoD(p, Pointer.to(data), (long) data.length * Sizeof.FLOAT);
        return p;
    }

    private CUdeviceptr upload(int slot, int[] data) {
        CUdeviceptr p = buffers.get(slot, (long) data.length * Sizeof.INT);
        JCudaDriver.cuMemcpyHtoD(p, Pointer.to(data), (long) data.length * Sizeof.INT);
        return p;
    }

    private CUdeviceptr output(int slot, long bytes) {
        CUdeviceptr p = buffers.get(slot, bytes);
        if (tuning.poisonOutputs()) JCudaDriver.cuMemsetD32(p, 0xFFFFFFFF, bytes / 4); // all-ones: NaN as double and float
        return p;
    }

    private void launch(String kernel, int gx, int gy, int bx, int by, Pointer params) {
        JCudaDriver.cuLaunchKernel(functions.get(kernel), gx, gy, 1, bx, by, 1, 0, null, params, null);
    }

    private static int blocks(long work, int per) {
        long b = (work + per - 1) / per;
        if (b > Integer.MAX_VALUE) throw new CudaException("grid of " + b + " blocks is too large");
        return (int) Math.max(1, b);
    }

    // ---------------------------------------------------------------- dense products

    /**
     * Row-major C (m x n, ldc) = op(A) op(B) (+ beta C) on device pointers. cuBLAS is column-major:
     * a row-major matrix is its transpose there, so C' = op(B)' op(A)' is one cublasDgemm with the
     * operands swapped.
     */
    private void deviceGemm(int m, int n, int k, CUdeviceptr a, int lda, boolean ta, CUdeviceptr b, int ldb, boolean tb,
                            CUdeviceptr c, int ldc, double beta, boolean fp32) {
        if (cublas != null) {
            int opA = ta ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
            int opB = tb ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
            if (fp32) {
                JCublas2.cublasSgemm(cublas, opB, opA, n, m, k, Pointer.to(new float[] {1f}), b, ldb, a, lda,
                        Pointer.to(new float[] {(float) beta}), c, ldc);
            } else {
                JCublas2.cublasDgemm(cublas, opB, opA, n, m, k, Pointer.to(new double[] {1.0}), b, ldb, a, lda,
                        Pointer.to(new double[] {beta}), c, ldc);
            }
            return;
        }
        Pointer params = fp32
                ? Pointer.to(Pointer.to(new int[] {m}), Pointer.to(new int[] {n}), Pointer.to(new int[] {k}), Pointer.to(new float[] {1f}),
                        Pointer.to(a), Pointer.to(new int[] {lda}), Pointer.to(new int[] {ta ? 1 : 0}), Pointer.to(b),
                                Pointer.to(new int[] {ldb}),
                        Pointer.to(new int[] {tb ? 1 : 0}), Pointer.to(new float[] {(float) beta}), Pointer.to(c),
                                Pointer.to(new int[] {ldc}))
                : Pointer.to(Pointer.to(new int[] {m}), Pointer.to(new int[] {n}), Pointer.to(new int[] {k}),
                        Pointer.to(new double[] {1.0}),
                        Pointer.to(a), Pointer.to(new int[] {lda}), Pointer.to(new int[] {ta ? 1 : 0}), Pointer.to(b),
                                Pointer.to(new int[] {ldb}),
                        Pointer.to(new int[] {tb ? 1 : 0}), Pointer.to(new double[] {beta}), Pointer.to(c), Pointer.to(new int[] {ldc}));
        launch(fp32 ? "sgemm_rm" : "dgemm_rm", blocks(n, 64), blocks(m, 64), 16, 16, params);
    }

    @Override
    public synchronized Mat gemm(Mat a, boolean transA, Mat b, boolean transB) {
        int m = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols;
        int kb = transB ? b.cols : b.rows, n = transB ? b.rows : b.cols;
        if (k != kb) throw new IllegalArgumentException("gemm shapes " + a + (transA ? "'" : "") + " x " + b + (transB ? "'" : ""));
        if (m == 0 || n == 0 || k == 0 || !onDevice(2.0 * m * n * k)) return cpu.gemm(a, transA, b, transB);
        return guarded("gemm", () -> gemmOnDevice(a, transA, b, transB, m, n, k), () -> cpu.gemm(a, transA, b, transB));
    }

    /**
     * One launch when A, B and C fit; otherwise chunks: rows of A and C (op(A) = A), or slices of the
     * inner dimension accumulated with beta = 1 (op(A) = A', op(B) = B: Gram-shaped products).
     */
    private Mat gemmOnDevice(Mat a, boolean ta, Mat b, boolean tb, int m, int n, int k) {
        boolean fp32 = precision == Precision.FP32;
        int esz = fp32 ? Sizeof.FLOAT : Sizeof.DOUBLE;
        long budget = budget();
        long whole = ((long) m * k + (long) k * n + (long) m * n) * esz;
        Mat out = new Mat(m, n);
        int rows = m;
        if (whole > budget) {
            if (!ta) {
                rows = (int) Math.min(m, (budget - (long) k * n * esz) / ((long) (k + n) * esz));
            } else if (!tb) {
                int slice = (int) Math.min(k, (budget - (long) m * n * esz) / ((long) (m + n) * esz));
                if (slice >= 1) return gemmInnerChunks(a, b, m, n, k, slice, fp32, out);
                rows = 0;
            } else {
                rows = 0;
            }
            if (rows < 1) throw new CudaException("CUDA_ERROR_OUT_OF_MEMORY: a " + m + " x " + k + " x " + n
                    + " product does not fit the device");
        }
        int lda = a.cols, ldb = b.cols;
        CUdeviceptr db = fp32 ? upload(B, toFloat(b.data, 0, b.data.length)) : upload(B, b.data, 0, b.data.length);
        for (int r0 = 0; r0 < m; r0 += rows) {   // one pass unless A' is not involved and A is too large
            int rl = Math.min(rows, m - r0);
            long off = ta ? 0 : (long) r0 * lda, len = ta ? a.data.length : (long) rl * lda;
            CUdeviceptr da = fp32 ? upload(A, toFloat(a.data, off, len)) : upload(A, a.data, (int) off, len);
            CUdeviceptr dc = output(C, (long) rl * n * esz);
            deviceGemm(rl, n, k, da, lda, ta, db, ldb, tb, dc, n, 0.0, fp32);
            download(dc, out.data, r0 * n, (long) rl * n, fp32);
        }
        return out;
    }

    /** C = sum over slices of A_s' B_s (A: k x m, B: k x n stored row-major: a slice is a row range). */
    private Mat gemmInnerChunks(Mat a, Mat b, int m, int n, int k, int slice, boolean fp32, Mat out) {
        int esz = fp32 ? Sizeof.FLOAT : Sizeof.DOUBLE;
        CUdeviceptr dc = output(C, (long) m * n * esz);
        JCudaDriver.cuMemsetD32(dc, 0, (long) m * n * esz / 4);
        for (int k0 = 0; k0 < k; k0 += slice) {
            int kl = Math.min(slice, k - k0);
            CUdeviceptr da = fp32 ? upload(A, toFloat(a.data, (long) k0 * m, (long) kl * m)) : upload(A, a.data, k0 * m, (long) kl * m);
            CUdeviceptr db = fp32 ? upload(B, toFloat(b.data, (long) k0 * n, (long) kl * n)) : upload(B, b.data, k0 * n, (long) kl * n);
            deviceGemm(m, n, kl, da, m, true, db, n, false, dc, n, 1.0, fp32);
        }
        download(dc, out.data, 0, (long) m * n, fp32);
        return out;
    }

    private static float[] toFloat(double[] d, long off, long len) {
        float[] f = new float[(int) len];
        for (int i = 0; i < f.length; i++) f[i] = (float) d[(int) off + i];
        return f;
    }

    private static void download(CUdeviceptr src, double[] dst, int off, long len, boolean fp32) {
        if (fp32) {
            float[] f = new float[(int) len];
            JCudaDriver.cuMemcpyDtoH(Pointer.to(f), src, len * Sizeof.FLOAT);
            for (int i = 0; i < f.length; i++) dst[off + i] = f[i];
        } else {
            JCudaDriver.cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) off * Sizeof.DOUBLE), src, len * Sizeof.DOUBLE);
        }
    }

    @Override
    public synchronized Mat crossprod(Mat a) {
        Mat c = gemm(a, true, a, false);
        int n = c.rows;
        for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) c.data[i * n + j] = c.data[j * n + i];
        return c;
    }

    /** The Y Q block product of the batched OLS and nested RSS, on the device (FP64 always). */
    private void deviceProduct(double[] y, int yOff, int rows, int n, double[] q, int p, double[] c) {
        guarded("OLS product", () -> {
            CUdeviceptr dy = upload(A, y, yOff, (long) rows * n), dq = upload(B, q, 0, (long) n * p);
            CUdeviceptr dc = output(C, (long) rows * p * Sizeof.DOUBLE);
            deviceGemm(rows, p, n, dy, n, false, dq, p, false, dc, p, 0.0, false);
            JCudaDriver.cuMemcpyDtoH(Pointer.to(c), dc, (long) rows * p * Sizeof.DOUBLE);
            return null;
        }, () -> {
            cpu.blasProduct(y, yOff, rows, n, q, p, c);
            return null;
        });
    }

    @Override
    public synchronized OlsFit olsSharedDesign(Mat x, Mat y) {
        if (!onDevice(2.0 * y.rows * x.rows * x.cols)) return cpu.olsSharedDesign(x, y);
        return cpu.olsSharedDesign(x, y, this::deviceProduct);
    }

    @Override
    public synchronized double[][] nestedRss(Mat x, int[] prefixes, Mat y) { return nestedRss(x, prefixes, y, null); }

    @Override
    public synchronized double[][] nestedRss(Mat x, int[] prefixes, Mat y, RowMoments moments) {
        if (!onDevice(2.0 * y.rows * x.rows * x.cols)) return cpu.nestedRss(x, prefixes, y, moments);
        return cpu.nestedRss(x, prefixes, y, this::deviceProduct, moments);
    }

    // ---------------------------------------------------------------- batched small systems

    @Override
    public synchronized double[] solveSpdBatched(double[] a, double[] b, int batch, int p) {
        if (!onDevice((double) batch * p * p * p / 3)) return cpu.solveSpdBatched(a, b, batch, p);
        return guarded("batched SPD solve", () -> {
            CUdeviceptr da = upload(A, a, 0, (long) batch * p * p), db = upload(B, b, 0, (long) batch * p);
            CUdeviceptr dx = output(C, (long) batch * p * Sizeof.DOUBLE), work = buffers.get(SCRATCH, (long) batch * p * p * Sizeof.DOUBLE);
            launch("spd_solve_batched", blocks(batch, 128), 1, 128, 1, Pointer.to(Pointer.to(new int[] {batch}), Pointer.to(new int[] {p}),
                    Pointer.to(da), Pointer.to(db), Pointer.to(dx), Pointer.to(work)));
            double[] x = new double[batch * p];
            JCudaDriver.cuMemcpyDtoH(Pointer.to(x), dx, (long) x.length * Sizeof.DOUBLE);
            return x;
        }, () -> cpu.solveSpdBatched(a, b, batch, p));
    }

    @Override
    public synchronized double[] nnlsBatched(double[] s, int m, int k, double[] b, int samples) {
        if (k > 16 || !onDevice((double) samples * m * k * 2)) return cpu.nnlsBatched(s, m, k, b, samples);
        // Gram form: G = S'S, H = B S (Nnls.solve's tolerance: 10 ulp(1) max|S| max(m, k))
        Mat sm = new Mat(m, k, s), bm = new Mat(samples, m, b);
        Mat g = cpu.crossprod(sm), h = cpu.gemm(bm, false, sm, false);
        double maxAbs = 0;
        for (double v : s) maxAbs = Math.max(maxAbs, Math.abs(v));
        double tol = 10 * Math.ulp(1.0) * maxAbs * Math.max(m, k);
        double[] x = guarded("batched NNLS", () -> {
            CUdeviceptr dg = upload(A, g.data, 0, g.data.length), dh = upload(B, h.data, 0, h.data.length);
            CUdeviceptr dx = output(C, (long) samples * k * Sizeof.DOUBLE), ds = buffers.get(SCRATCH, (long) samples * Sizeof.INT);
            launch("nnls_gram_batched", blocks(samples, 128), 1, 128, 1, Pointer.to(Pointer.to(new int[] {samples}),
                    Pointer.to(new int[] {k}),
                    Pointer.to(dg), Pointer.to(dh), Pointer.to(new double[] {tol}), Pointer.to(dx), Pointer.to(ds)));
            double[] out = new double[samples * k];
            int[] status = new int[samples];
            JCudaDriver.cuMemcpyDtoH(Pointer.to(out), dx, (long) out.length * Sizeof.DOUBLE);
            JCudaDriver.cuMemcpyDtoH(Pointer.to(status), ds, (long) samples * Sizeof.INT);
            for (int j = 0; j < samples; j++) {
                if (status[j] != 0) { // a passive-set Gram system lost definiteness: redo that mixture by QR
                    double[] xj = Nnls.solve(s, m, k, Arrays.copyOfRange(b, j * m, (j + 1) * m));
                    System.arraycopy(xj, 0, out, j * k, k);
                }
            }
            return out;
        }, () -> cpu.nnlsBatched(s, m, k, b, samples));
        return x;
    }

    @Override
    public synchronized SymmetricEigen symmetricEigen(Mat s) { return cpu.symmetricEigen(s); }

    @Override
    public synchronized double[] symmetricEigenvalues(Mat s) { return cpu.symmetricEigenvalues(s); }

    @Override
    public ThinSvd thinSvd(Mat a, int k) { return ThinSvd.viaGram(this, a, k); }

    // ---------------------------------------------------------------- Freedman-Lane

    @Override
    public synchronized FreedmanLane.Counts freedmanLaneCounts(FreedmanLane.Problem prob, int[] perms, int count) {
        if (!onDevice(2.0 * prob.genes() * prob.n() * prob.p() * count)) return cpu.freedmanLaneCounts(prob, perms, count);
        return guarded("Freedman-Lane permutations", () -> freedmanLaneOnDevice(prob, perms, count), () -> cpu.freedmanLaneCounts(prob,
                perms, count));
    }

    private FreedmanLane.Counts freedmanLaneOnDevice(FreedmanLane.Problem prob, int[] perms, int count) {
        int genes = prob.genes(), n = prob.n(), p = prob.p();
        if (resident != prob) { // the residuals stay on the device for every chunk of this analysis
            resident = null;
            upload(R, prob.r.data, 0, prob.r.data.length);
            upload(RR, prob.rr, 0, genes);
            upload(ABS_T, prob.absT, 0, genes);
            upload(ORDER, prob.order);
            resident = prob;
        }
        CUdeviceptr dr = buffers.get(R, (long) genes * n * Sizeof.DOUBLE), drr = buffers.get(RR, (long) genes * Sizeof.DOUBLE);
        CUdeviceptr dabs = buffers.get(ABS_T, (long) genes * Sizeof.DOUBLE), dorder = buffers.get(ORDER, (long) genes * Sizeof.INT);
        CUdeviceptr dq = upload(B, prob.q.data, 0, prob.q.data.length);
        CUdeviceptr counts = buffers.get(COUNTS, 2L * genes * Sizeof.LONG);
        JCudaDriver.cuMemsetD32(counts, 0, 2L * genes * 2);
        CUdeviceptr exceed = counts, stepDown = counts.withByteOffset((long) genes * Sizeof.LONG);
        // block sizes from the memory left: per permutation, W (n p), |t*| and U (2 genes); per gene row of C (nb p)
        long budget = budget() - (long) genes * (n + 3) * Sizeof.DOUBLE;
        int nb = (int) Math.max(1, Math.min(count, Math.min(2048, budget / 2 / ((long) (n * p + 2 * genes) * Sizeof.DOUBLE))));
        long cBudget = budget - (long) nb * (n * p + 2L * genes) * Sizeof.DOUBLE;
        int geneBlock = (int) Math.max(1, Math.min(genes, cBudget / ((long) nb * p * Sizeof.DOUBLE)));
        if (cBudget <= 0) throw new CudaException("CUDA_ERROR_OUT_OF_MEMORY: no room for a permutation block");
        int width = nb * p;
        for (int b0 = 0; b0 < count; b0 += nb) {
            int nbb = Math.min(nb, count - b0), wb = nbb * p;
            CUdeviceptr dperm = upload(SCRATCH, Arrays.copyOfRange(perms, b0 * n, (b0 + nbb) * n));
            CUdeviceptr dw = output(W, (long) n * width * Sizeof.DOUBLE);
            CUdeviceptr star = output(A, 2L * nb * genes * Sizeof.DOUBLE), u = star.withByteOffset((long) nb * genes * Sizeof.DOUBLE);
            launch("fl_gather_basis", blocks((long) nbb * n * p, 256), 1, 256, 1, Pointer.to(Pointer.to(new int[] {n}),
                    Pointer.to(new int[] {p}),
                    Pointer.to(new int[] {nbb}), Pointer.to(dq), Pointer.to(dperm), Pointer.to(dw)));
            CUdeviceptr dc = output(C, (long) geneBlock * width * Sizeof.DOUBLE);
            for (int g0 = 0; g0 < genes; g0 += geneBlock) {
                int gl = Math.min(geneBlock, genes - g0);
                deviceGemm(gl, wb, n, dr.withByteOffset((long) g0 * n * Sizeof.DOUBLE), n, false, dw, wb, false, dc, wb, 0.0, false);
                launch("fl_reduce", blocks((long) gl * nbb, 256), 1, 256, 1, Pointer.to(Pointer.to(new int[] {gl}),
                        Pointer.to(new int[] {nbb}),
                        Pointer.to(new int[] {p}), Pointer.to(dc), Pointer.to(drr), Pointer.to(new int[] {prob.df}),
                                Pointer.to(new int[] {g0}),
                        Pointer.to(new int[] {genes}), Pointer.to(star)));
            }
            launch("fl_exceed", blocks(genes, 256), 1, 256, 1, Pointer.to(Pointer.to(new int[] {genes}), Pointer.to(new int[] {nbb}),
                    Pointer.to(star), Pointer.to(dabs), Pointer.to(exceed)));
            launch("fl_suffix_max", nbb, 1, 256, 1, Pointer.to(Pointer.to(new int[] {genes}), Pointer.to(star), Pointer.to(dorder),
                    Pointer.to(u)));
            launch("fl_stepdown", blocks(genes, 256), 1, 256, 1, Pointer.to(Pointer.to(new int[] {genes}), Pointer.to(new int[] {nbb}),
                    Pointer.to(u), Pointer.to(dabs), Pointer.to(dorder), Pointer.to(stepDown)));
        }
        FreedmanLane.Counts out = new FreedmanLane.Counts(genes);
        out.permutations = count;
        JCudaDriver.cuMemcpyDtoH(Pointer.to(out.exceed), exceed, (long) genes * Sizeof.LONG);
        JCudaDriver.cuMemcpyDtoH(Pointer.to(out.stepDown), stepDown, (long) genes * Sizeof.LONG);
        return out;
    }

    // ---------------------------------------------------------------- Gibbs

    private static final String[] GIBBS_STATUS = {null, "Sigma not positive definite", "posterior precision of a not positive definite",
        "posterior precision of mu not positive definite", "inverse-Wishart scale not positive definite",
                "Wishart draw not positive definite",
        null, "more than 8 cell types (the GPU sampler's limit)"};

    @Override
    public synchronized CellTypeImputation.Result gibbsImpute(double[] y, int genes, int n, double[] w, int k, double[] mu0,
            CellTypeImputation.Settings s) {
        if (k > 8 || !onDevice((double) genes * n * k * k * s.iterations)) return cpu.gibbsImpute(y, genes, n, w, k, mu0, s);
        return guarded("Gibbs sampler", () -> gibbsOnDevice(y, genes, n, w, k, mu0, s), () -> cpu.gibbsImpute(y, genes, n, w, k, mu0, s));
    }

    private CellTypeImputation.Result gibbsOnDevice(double[] y, int genes, int n, double[] w, int k, double[] mu0,
            CellTypeImputation.Settings s) {
        double[][] imputed = new double[genes][];
        String[] reason = new String[genes];
        // per gene on the device: y (n), mu0 (k), the prior covariance (k^2), a and sum (2 n k), status
        long perGene = ((long) n + k + (long) k * k + 2L * n * k) * Sizeof.DOUBLE + Sizeof.INT;
        int chunk = (int) Math.max(1, Math.min(genes, (budget() - (long) n * k * Sizeof.DOUBLE) / perGene));
        CUdeviceptr dw = upload(W, w, 0, (long) n * k);
        for (int g0 = 0; g0 < genes; g0 += chunk) {
            int gl = Math.min(chunk, genes - g0);
            int[] status = new int[gl];
            for (int g = 0; g < gl; g++) {
                reason[g0 + g] = CellTypeImputation.unusableReason(y, g0 + g, n);
                if (reason[g0 + g] != null) status[g] = 6;
            }
            CUdeviceptr dy = upload(A, y, g0 * n, (long) gl * n), dm = upload(B, mu0, g0 * k, (long) gl * k);
            CUdeviceptr dp = s.priorCovariance == null ? null : upload(PRIOR, s.priorCovariance, g0 * k * k, (long) gl * k * k);
            CUdeviceptr da = buffers.get(C, (long) n * k * gl * Sizeof.DOUBLE), dsum = output(SCRATCH, (long) n * k * gl * Sizeof.DOUBLE);
            CUdeviceptr dst = upload(STATUS, status);
            // one block of 64 threads per gene (kernels/gibbs.cu: GIBBS_THREADS)
            launch("gibbs_bmind", gl, 1, 64, 1, Pointer.to(Pointer.to(new int[] {gl}), Pointer.to(new int[] {n}), Pointer.to(new int[] {k}),
                    Pointer.to(dy), Pointer.to(dw), Pointer.to(dm), dp == null ? Pointer.to(new long[] {0}) : Pointer.to(dp),
                    Pointer.to(new double[] {s.sigma0}), Pointer.to(new double[] {s.nu}), Pointer.to(new double[] {s.v0}),
                    Pointer.to(new int[] {s.iterations}), Pointer.to(new int[] {s.burnin}), Pointer.to(new long[] {s.seed}),
                    Pointer.to(new int[] {g0}), Pointer.to(da), Pointer.to(dsum), Pointer.to(dst)));
            double[] sum = new double[n * k * gl];
            JCudaDriver.cuMemcpyDtoH(Pointer.to(sum), dsum, (long) sum.length * Sizeof.DOUBLE);
            JCudaDriver.cuMemcpyDtoH(Pointer.to(status), dst, (long) gl * Sizeof.INT);
            for (int g = 0; g < gl; g++) {
                int gg = g0 + g;
                if (status[g] == 0) imputed[gg] = Arrays.copyOfRange(sum, g * n * k, (g + 1) * n * k);
                else {
                    imputed[gg] = new double[n * k];
                    Arrays.fill(imputed[gg], Double.NaN);
                    if (reason[gg] == null) reason[gg] = GIBBS_STATUS[status[g]];
                }
            }
        }
        return new CellTypeImputation.Result(imputed, reason);
    }
}
