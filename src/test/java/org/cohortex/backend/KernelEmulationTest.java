package org.cohortex.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.cohortex.de.FreedmanLane;
import org.cohortex.deconv.Nnls;
import org.cohortex.impute.CellTypeImputation;
import org.cohortex.linalg.Mat;
import org.cohortex.random.Philox;
import org.cohortex.random.Shuffles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our CUDA kernels (kernels/*.cu), compiled with g++ against native/emu/cuda_emu.h and run with real
 * per-block threads and barriers, against the Java CPU twins on random inputs of odd sizes. This is
 * what validates the kernels' logic on machines without a GPU (CI); CudaBackendTest runs the same
 * kernels on a real device where there is one. Skipped where g++ is absent.
 */
class KernelEmulationTest {
    static Path exe;

    @BeforeAll
    static void build() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path src = root.resolve("native/emu/kernel_check.cpp");
        assumeTrue(Files.isRegularFile(src), "native/emu not found from " + root);
        assumeTrue(onPath("g++"), "g++ not installed: the kernels cannot be emulated here");
        Path dir = root.resolve("target/kernel-emu");
        Files.createDirectories(dir);
        exe = dir.resolve("kernel_check");
        // -ffp-contract=off: no fused multiply-add, like the device modules built with -fmad=false
        Process p = new ProcessBuilder("g++", "-O2", "-std=c++20", "-pthread", "-ffp-contract=off", "-o", exe.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "g++ timed out");
        assertEquals(0, p.exitValue(), "g++ failed:\n" + out);
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }

    static void run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "kernel_check timed out");
        assertEquals(0, p.exitValue(), "kernel_check " + String.join(" ", args) + ":\n" + out);
    }

    static void write(Path dir, String name, double[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : v) b.putDouble(d);
        Files.write(dir.resolve(name), b.array());
    }

    static void write(Path dir, String name, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float d : v) b.putFloat(d);
        Files.write(dir.resolve(name), b.array());
    }

    static void write(Path dir, String name, int[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int d : v) b.putInt(d);
        Files.write(dir.resolve(name), b.array());
    }

    static ByteBuffer read(Path dir, String name) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name))).order(ByteOrder.LITTLE_ENDIAN);
    }

    static double[] doubles(Path dir, String name) throws IOException {
        ByteBuffer b = read(dir, name);
        double[] v = new double[b.remaining() / 8];
        for (int i = 0; i < v.length; i++) v[i] = b.getDouble();
        return v;
    }

    static float[] floats(Path dir, String name) throws IOException {
        ByteBuffer b = read(dir, name);
        float[] v = new float[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) v[i] = b.getFloat();
        return v;
    }

    static int[] ints(Path dir, String name) throws IOException {
        ByteBuffer b = read(dir, name);
        int[] v = new int[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) v[i] = b.getInt();
        return v;
    }

    static long[] longs(Path dir, String name) throws IOException {
        ByteBuffer b = read(dir, name);
        long[] v = new long[b.remaining() / 8];
        for (int i = 0; i < v.length; i++) v[i] = b.getLong();
        return v;
    }

    static Mat random(Random r, int rows, int cols) {
        Mat m = new Mat(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = r.nextGaussian();
        return m;
    }

    static void assertClose(double[] expected, double[] actual, double rel, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            assertTrue(!Double.isNaN(actual[i]) || Double.isNaN(expected[i]), what + "[" + i + "] is NaN (not written?)");
            assertEquals(expected[i], actual[i], rel * Math.max(scale, 1e-300), what + "[" + i + "]");
        }
    }

    @Test
    void gemmFp64AllTransposesOddSizesAgainstReference(@TempDir Path dir) throws Exception {
        Random r = new Random(3);
        ReferenceBackend ref = new ReferenceBackend();
        int[][] shapes = {{67, 45, 33}, {1, 130, 17}, {129, 1, 64}, {64, 64, 16}, {5, 7, 300}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int ta = 0; ta < 2; ta++) for (int tb = 0; tb < 2; tb++) {
                Mat a = ta == 1 ? random(r, k, m) : random(r, m, k), b = tb == 1 ? random(r, n, k) : random(r, k, n);
                Mat c0 = random(r, m, n);
                write(dir, "A.bin", a.data);
                write(dir, "B.bin", b.data);
                write(dir, "C.bin", c0.data);
                run("gemm", "d", "" + m, "" + n, "" + k, "" + ta, "" + tb, "1", "0", dir.toString());
                Mat expect = ref.gemm(a, ta == 1, b, tb == 1);
                assertClose(expect.data, doubles(dir, "C.out.bin"), 1e-13, "dgemm " + Arrays.toString(s) + " ta=" + ta + " tb=" + tb);
                // beta = 1 accumulates into C (the chunked inner-dimension path relies on it)
                run("gemm", "d", "" + m, "" + n, "" + k, "" + ta, "" + tb, "1", "1", dir.toString());
                double[] acc = expect.data.clone();
                for (int i = 0; i < acc.length; i++) acc[i] += c0.data[i];
                assertClose(acc, doubles(dir, "C.out.bin"), 1e-13, "dgemm beta=1 " + Arrays.toString(s));
            }
        }
    }

    @Test
    void gemmFp32WithinItsTolerance(@TempDir Path dir) throws Exception {
        Random r = new Random(4);
        int m = 70, n = 90, k = 257;
        Mat a = random(r, m, k), b = random(r, k, n);
        float[] af = new float[a.data.length], bf = new float[b.data.length];
        for (int i = 0; i < af.length; i++) { af[i] = (float) a.data[i]; a.data[i] = af[i]; }
        for (int i = 0; i < bf.length; i++) { bf[i] = (float) b.data[i]; b.data[i] = bf[i]; }
        write(dir, "A.bin", af);
        write(dir, "B.bin", bf);
        write(dir, "C.bin", new float[m * n]);
        run("gemm", "s", "" + m, "" + n, "" + k, "0", "0", "1", "0", dir.toString());
        float[] c = floats(dir, "C.out.bin");
        Mat exact = new ReferenceBackend().gemm(a, false, b, false);
        // the stated FP32 contract: |error| <= 1e-6 * sum_l |a_il| |b_lj| (k eps_32 ~ 3e-5 worst case; random signs ~ sqrt(k) eps)
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
            double bound = 0;
            for (int l = 0; l < k; l++) bound += Math.abs(a.data[i * k + l] * b.data[l * n + j]);
            assertEquals(exact.data[i * n + j], c[i * n + j], 1e-6 * bound, "sgemm (" + i + "," + j + ")");
        }
    }

    @Test
    void batchedSpdSolveMatchesCholeskyTwinAndFlagsIndefinite(@TempDir Path dir) throws Exception {
        Random r = new Random(5);
        int batch = 301, p = 7;
        double[] a = new double[batch * p * p], b = new double[batch * p];
        for (int s = 0; s < batch; s++) {
            Mat g = random(r, p + 3, p);
            Mat spd = new ReferenceBackend().crossprod(g);
            if (s == 17) spd.data[0] = -1; // not positive definite
            System.arraycopy(spd.data, 0, a, s * p * p, p * p);
            for (int j = 0; j < p; j++) b[s * p + j] = r.nextGaussian();
        }
        write(dir, "A.bin", a);
        write(dir, "B.bin", b);
        run("spd", "" + batch, "" + p, dir.toString());
        double[] x = doubles(dir, "X.bin");
        double[] expect = new ReferenceBackend().solveSpdBatched(a, b, batch, p);
        for (int s = 0; s < batch; s++) {
            for (int j = 0; j < p; j++) {
                if (s == 17) assertTrue(Double.isNaN(x[s * p + j]), "indefinite system must give NaN");
                else assertEquals(expect[s * p + j], x[s * p + j], 1e-9 * Math.max(1, Math.abs(expect[s * p + j])), "system " + s);
            }
        }
    }

    @Test
    void batchedNnlsMatchesLawsonHanson(@TempDir Path dir) throws Exception {
        Random r = new Random(6);
        int m = 140, k = 7, samples = 133;
        double[] s = new double[m * k];
        for (int i = 0; i < s.length; i++) s[i] = Math.abs(r.nextGaussian()) * (1 + (i % k == i / k % k ? 6 : 0));
        double[] b = new double[samples * m];
        for (int j = 0; j < samples; j++) {
            double[] w = new double[k];
            for (int c = 0; c < k; c++) w[c] = r.nextDouble() < 0.3 ? 0 : r.nextDouble();
            for (int i = 0; i < m; i++) {
                double v = 0;
                for (int c = 0; c < k; c++) v += s[i * k + c] * w[c];
                b[j * m + i] = v + 0.3 * r.nextGaussian();
            }
        }
        Mat sm = new Mat(m, k, s);
        Mat g = new ReferenceBackend().crossprod(sm), h = new ReferenceBackend().gemm(new Mat(samples, m, b), false, sm, false);
        double maxAbs = Arrays.stream(s).map(Math::abs).max().getAsDouble();
        write(dir, "G.bin", g.data);
        write(dir, "H.bin", h.data);
        run("nnls", "" + samples, "" + k, Double.toString(10 * Math.ulp(1.0) * maxAbs * Math.max(m, k)), dir.toString());
        double[] x = doubles(dir, "X.bin");
        int[] status = ints(dir, "status.bin");
        int zeros = 0;
        for (int j = 0; j < samples; j++) {
            assertEquals(0, status[j], "sample " + j);
            double[] expect = Nnls.solve(s, m, k, Arrays.copyOfRange(b, j * m, (j + 1) * m));
            for (int c = 0; c < k; c++) {
                assertEquals(expect[c], x[j * k + c], 1e-9 * Math.max(1, Math.abs(expect[c])), "sample " + j + " type " + c);
                if (expect[c] == 0) { zeros++; assertEquals(0.0, x[j * k + c], "the active set must agree: exact zero"); }
            }
        }
        assertTrue(zeros > samples / 2, "the constraints should bind often in this test (" + zeros + ")");
    }

    @Test
    void freedmanLanePipelineMatchesCpuTwinCountForCount(@TempDir Path dir) throws Exception {
        Random r = new Random(7);
        int n = 53, p = 5, genes = 611, nb = 37; // genes not a multiple of the scan width, two scan chunks and more
        Mat x = new Mat(n, p);
        for (int i = 0; i < n; i++) {
            x.data[i * p] = 1;
            x.data[i * p + 1] = r.nextDouble() < 0.4 ? 1 : 0;
            for (int j = 2; j < p; j++) x.data[i * p + j] = r.nextGaussian();
        }
        Mat y = random(r, genes, n);
        for (int g = 0; g < 30; g++) for (int i = 0; i < n; i++) y.data[g * n + i] += 1.2 * x.data[i * p + 1];
        boolean[] all = new boolean[genes];
        Arrays.fill(all, true);
        ReferenceBackend ref = new ReferenceBackend();
        FreedmanLane.Problem prob = FreedmanLane.prepare(ref, x, 1, y, all);
        int[] perms = Shuffles.permutations(11, n, 0, nb);
        FreedmanLane.Counts twin = FreedmanLane.countsByGemm(ref, prob, perms, nb);
        write(dir, "R.bin", prob.r.data);
        write(dir, "Q.bin", prob.q.data);
        write(dir, "rr.bin", prob.rr);
        write(dir, "absT.bin", prob.absT);
        write(dir, "order.bin", prob.order);
        write(dir, "perms.bin", perms);
        run("fl", "" + genes, "" + n, "" + p, "" + nb, "" + prob.df, dir.toString());
        assertArrayEquals(twin.exceed, longs(dir, "exceed.bin"));
        assertArrayEquals(twin.stepDown, longs(dir, "stepdown.bin"));
        double[] star = doubles(dir, "absStar.bin");
        double[] expect = new double[nb * genes];
        Mat w = FreedmanLane.gatherBasis(prob.q, perms, 0, nb);
        Mat c = ref.gemm(prob.r, false, w, false);
        FreedmanLane.reduce(c.data, genes, nb, p, 0, genes, prob.rr, prob.df, expect);
        assertClose(expect, star, 1e-10, "|t*|");
    }

    @Test
    void philoxStreamIsBitIdenticalToJava(@TempDir Path dir) throws Exception {
        long seed = 0x1234_5678_9ABCL;
        run("philox", Long.toString(seed), "4242", "17", "1001", dir.toString());
        int[] ints = ints(dir, "ints.bin");
        double[] normals = doubles(dir, "normals.bin"), gammas = doubles(dir, "gammas.bin");
        Philox ph = new Philox(seed, 4242);
        int[] javaInts = new int[1001];
        double[] jn = new double[1001], jg = new double[1001];
        ph.iteration(17);
        for (int i = 0; i < 1001; i++) javaInts[i] = ph.nextInt32();
        ph.iteration(17);
        for (int i = 0; i < 1001; i++) jn[i] = ph.normal();
        ph.iteration(17);
        for (int i = 0; i < 1001; i++) jg[i] = ph.gamma(i % 2 == 1 ? 0.37 : 152.0005);
        assertArrayEquals(javaInts, ints, "raw 32-bit outputs");
        for (int i = 0; i < 1001; i++) {
            assertEquals(jn[i], normals[i], 4 * Math.ulp(jn[i]) + 1e-300, "normal " + i);
            assertEquals(jg[i], gammas[i], 1e-12 * Math.abs(jg[i]) + 1e-300, "gamma " + i);
        }
    }

    @Test
    void gibbsKernelReproducesTheJavaSampler(@TempDir Path dir) throws Exception {
        Random r = new Random(8);
        int genes = 70, n = 41, k = 5, offset = 1000;
        double[] w = new double[n * k], y = new double[genes * n], mu0 = new double[genes * k], pv = new double[genes * k * k];
        for (int i = 0; i < n; i++) {
            double tot = 0;
            for (int c = 0; c < k; c++) { w[i * k + c] = 0.1 + r.nextDouble(); tot += w[i * k + c]; }
            for (int c = 0; c < k; c++) w[i * k + c] /= tot;
        }
        for (int g = 0; g < genes; g++) {
            // a full prior covariance per gene (Sigma0 = D R D, correlations 0.3 between every pair), as a reference gives
            double[] sd = new double[k];
            for (int c = 0; c < k; c++) { mu0[g * k + c] = 1 + 5 * r.nextDouble(); sd[c] = Math.sqrt(0.05 + 0.5 * r.nextDouble()); }
            for (int a = 0; a < k; a++) for (int c = 0; c < k; c++) pv[(g * k + a) * k + c] = sd[a] * sd[c] * (a == c ? 1 : 0.3);
            for (int i = 0; i < n; i++) {
                double v = 0;
                for (int c = 0; c < k; c++) v += w[i * k + c] * (mu0[g * k + c] + 0.4 * r.nextGaussian());
                y[g * n + i] = v + 0.1 * r.nextGaussian();
            }
        }
        for (int i = 0; i < n; i++) y[3 * n + i] = 2.5; // constant: flagged on the host, left alone by the kernel
        CellTypeImputation.Settings s = new CellTypeImputation.Settings();
        s.iterations = 80;
        s.burnin = 30;
        s.seed = 99;
        // the Java sampler on genes [offset, offset + genes) of a larger matrix: the Philox gene index is global
        double[] yBig = new double[(offset + genes) * n], muBig = new double[(offset + genes) * k];
        double[] pvBig = new double[(offset + genes) * k * k];
        Arrays.fill(yBig, Double.NaN);
        System.arraycopy(y, 0, yBig, offset * n, y.length);
        System.arraycopy(mu0, 0, muBig, offset * k, mu0.length);
        System.arraycopy(pv, 0, pvBig, offset * k * k, pv.length);
        s.priorCovariance = pvBig;
        CellTypeImputation.Result java = CellTypeImputation.gibbs(yBig, offset + genes, n, w, k, muBig, s);

        int[] status = new int[genes];
        for (int g = 0; g < genes; g++) if (CellTypeImputation.unusableReason(y, g, n) != null) status[g] = 6;
        write(dir, "y.bin", y);
        write(dir, "w.bin", w);
        write(dir, "mu0.bin", mu0);
        write(dir, "pv.bin", pv);
        write(dir, "status.bin", status);
        run("gibbs", "" + genes, "" + n, "" + k, "" + s.iterations, "" + s.burnin, "" + s.seed, "" + s.nu, "" + s.v0, "" + s.sigma0, "1",
                "" + offset, dir.toString());
        double[] sum = doubles(dir, "sum.bin");
        int[] st = ints(dir, "status.out.bin");
        assertEquals(6, st[3]);
        assertTrue(java.reason()[offset + 3] != null);
        double worst = 0;
        for (int g = 0; g < genes; g++) {
            if (g == 3) continue;
            assertEquals(0, st[g], "gene " + g + " status");
            double[] expect = java.imputed()[offset + g];
            for (int e = 0; e < n * k; e++) {
                double got = sum[g * n * k + e];
                worst = Math.max(worst, Math.abs(got - expect[e]) / Math.max(1, Math.abs(expect[e])));
            }
        }
        // same draws; sums over samples are added in another order (per-thread partials), and libm's
        // log/sin/cos/pow may differ in the last ulp: agreement to rounding, not bits
        assertTrue(worst < 1e-9, "max relative difference to the Java sampler " + worst);
        System.out.println("gibbs kernel vs Java sampler: max relative difference " + worst);
    }
}
