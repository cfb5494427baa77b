package org.cohortex.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;

import org.cohortex.de.FreedmanLane;
import org.cohortex.impute.CellTypeImputation;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.random.Shuffles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cuda backend on a real GPU against the reference and cpu backends (SPEC 3's agreement
 * contract), with every device output poisoned with NaN first so that an entry a kernel fails to
 * write cannot pass. Skipped without a usable GPU (CI); benchmarks/gpu-check.sh runs it on one.
 */
class CudaBackendTest {
    static final CudaBackend.Tuning TEST = new CudaBackend.Tuning(0, true);
    static CudaBackend cuda;
    static CpuBackend cpu;
    static final ReferenceBackend ref = new ReferenceBackend();

    @BeforeAll
    static void open() {
        CudaProbe p = CudaProbe.get();
        assumeTrue(p.usable(), "no usable GPU: " + p.reason());
        cuda = new CudaBackend(2, CudaBackend.Precision.FP64, TEST); // every size goes to the device, outputs poisoned
        cpu = new CpuBackend(2);
        System.out.println("CudaBackendTest on " + cuda.describe());
    }

    @AfterEach
    void realMemory() { cuda.limitMemory(0); }

    @AfterAll
    static void close() {
        if (cuda != null) cuda.close();
        if (cpu != null) cpu.close();
    }

    static Mat random(Random r, int rows, int cols) {
        Mat m = new Mat(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = r.nextGaussian();
        return m;
    }

    /** Entries within rel of the largest |expected|, and none left NaN (poisoned and never written). */
    static void close(double[] expected, double[] actual, double rel, String what) {
        KernelEmulationTest.assertClose(expected, actual, rel, what);
    }

    @Test
    void gemmFp64OddShapesAllTransposes() {
        Random r = new Random(1);
        for (int[] s : new int[][] {{67, 45, 33}, {1, 130, 17}, {129, 1, 64}, {300, 257, 511}, {2000, 30, 300}}) {
            for (boolean ta : new boolean[] {false, true}) for (boolean tb : new boolean[] {false, true}) {
                Mat a = ta ? random(r, s[2], s[0]) : random(r, s[0], s[2]), b = tb ? random(r, s[1], s[2]) : random(r, s[2], s[1]);
                close(ref.gemm(a, ta, b, tb).data, cuda.gemm(a, ta, b, tb).data, 1e-12, "gemm " + Arrays.toString(s) + ta + tb);
            }
        }
        assertNull(cuda.failure());
    }

    @Test
    void chunkedProductsWhenTheDeviceIsSmall() {
        Random r = new Random(2);
        Mat a = random(r, 3000, 200), b = random(r, 200, 150);
        cuda.limitMemory(2_000_000); // ~2 MB: rows of A in chunks
        close(cpu.gemm(a, false, b, false).data, cuda.gemm(a, false, b, false).data, 1e-12, "row-chunked gemm");
        Mat tall = random(r, 20000, 40);
        close(cpu.crossprod(tall).data, cuda.crossprod(tall).data, 1e-12, "inner-chunked Gram");
        assertNull(cuda.failure());
    }

    @Test
    void olsNestedRssAndSpdSolvesAgreeWithReference() {
        Random r = new Random(3);
        Mat x = BackendAgreementTest.design(r, 120, 9, true);
        Mat y = BackendAgreementTest.responses(r, x, 3000, 0.1);
        OlsFit f = cuda.olsSharedDesign(x, y), e = ref.olsSharedDesign(x, y);
        for (int g = 0; g < y.rows; g++) {
            for (int j = 0; j < x.cols; j++) {
                double eb = e.beta(g, j), es = e.se(g, j);
                assertEquals(eb, f.beta(g, j), 1e-9 * Math.max(Math.abs(eb), 1e-300), "beta");
                assertEquals(es, f.se(g, j), 1e-9 * es, "se");
            }
        }
        Mat yc = BackendAgreementTest.responses(r, x, 2000, 0);
        double[][] a = cuda.nestedRss(x, new int[] {1, 4, 9}, yc), b = cpu.nestedRss(x, new int[] {1, 4, 9}, yc);
        for (int k = 0; k < 3; k++) close(b[k], a[k], 1e-10, "nested RSS " + k);
        int batch = 5000, p = 6;
        double[] sa = new double[batch * p * p], sb = new double[batch * p];
        for (int s = 0; s < batch; s++) {
            Mat g = ref.crossprod(random(r, p + 2, p));
            System.arraycopy(g.data, 0, sa, s * p * p, p * p);
            for (int j = 0; j < p; j++) sb[s * p + j] = r.nextGaussian();
        }
        close(cpu.solveSpdBatched(sa, sb, batch, p), cuda.solveSpdBatched(sa, sb, batch, p), 1e-9, "batched SPD");
    }

    @Test
    void fp32ProductsWithinTheStatedTolerance() {
        Random r = new Random(4);
        try (CudaBackend f32 = new CudaBackend(2, CudaBackend.Precision.FP32, TEST)) {
            Mat a = random(r, 500, 300), b = random(r, 300, 400);
            Mat c = f32.gemm(a, false, b, false), e = ref.gemm(a, false, b, false);
            // the stated FP32 contract: |error| <= 1e-6 sum_l |a_il b_lj|
            for (int i = 0; i < 500; i++) for (int j = 0; j < 400; j++) {
                double bound = 0;
                for (int l = 0; l < 300; l++) bound += Math.abs(a.data[i * 300 + l] * b.data[l * 400 + j]);
                assertEquals(e.data[i * 400 + j], c.data[i * 400 + j], 1e-6 * bound, "fp32 gemm");
            }
        }
    }

    @Test
    void nnlsPermutationsAndGibbsMatchTheirCpuTwins() {
        Random r = new Random(5);
        int m = 400, k = 7, samples = 300;
        double[] s = new double[m * k], b = new double[samples * m];
        for (int i = 0; i < s.length; i++) s[i] = Math.abs(r.nextGaussian()) + (i % k == (i / k) % k ? 5 : 0);
        for (int i = 0; i < b.length; i++) b[i] = Math.abs(r.nextGaussian()) * 3;
        close(cpu.nnlsBatched(s, m, k, b, samples), cuda.nnlsBatched(s, m, k, b, samples), 1e-9, "NNLS");

        int n = 300, p = 30, genes = 5000, count = 1000;
        Mat x = BackendAgreementTest.design(r, n, p, false);
        Mat y = BackendAgreementTest.responses(r, x, genes, 0);
        boolean[] all = new boolean[genes];
        Arrays.fill(all, true);
        FreedmanLane.Problem prob = FreedmanLane.prepare(cpu, x, 1, y, all);
        int[] perms = Shuffles.permutations(3, n, 0, count);
        FreedmanLane.Counts c1 = cpu.freedmanLaneCounts(prob, perms, count), c2 = cuda.freedmanLaneCounts(prob, perms, count);
        assertArrayEquals(c1.exceed, c2.exceed);
        assertArrayEquals(c1.stepDown, c2.stepDown);
        cuda.limitMemory(64L << 20); // several gene and permutation blocks
        FreedmanLane.Counts c3 = cuda.freedmanLaneCounts(prob, perms, count);
        assertArrayEquals(c1.exceed, c3.exceed);
        assertArrayEquals(c1.stepDown, c3.stepDown);
        cuda.limitMemory(0);

        int gg = 300, nn = 100, kk = 6;
        double[] w = new double[nn * kk], yy = new double[gg * nn], mu0 = new double[gg * kk];
        for (int i = 0; i < nn; i++) {
            double tot = 0;
            for (int c = 0; c < kk; c++) { w[i * kk + c] = 0.1 + r.nextDouble(); tot += w[i * kk + c]; }
            for (int c = 0; c < kk; c++) w[i * kk + c] /= tot;
        }
        for (int g = 0; g < gg; g++) {
            for (int c = 0; c < kk; c++) mu0[g * kk + c] = 1 + 4 * r.nextDouble();
            for (int i = 0; i < nn; i++) {
                double v = 0;
                for (int c = 0; c < kk; c++) v += w[i * kk + c] * (mu0[g * kk + c] + 0.3 * r.nextGaussian());
                yy[g * nn + i] = v + 0.1 * r.nextGaussian();
            }
        }
        CellTypeImputation.Settings st = new CellTypeImputation.Settings();
        st.iterations = 200;
        st.burnin = 50;
        CellTypeImputation.Result gc = cpu.gibbsImpute(yy, gg, nn, w, kk, mu0, st), gd = cuda.gibbsImpute(yy, gg, nn, w, kk, mu0, st);
        double worst = 0;
        for (int g = 0; g < gg; g++) {
            assertEquals(gc.reason()[g], gd.reason()[g]);
            for (int e = 0; e < nn * kk; e++) worst = Math.max(worst, Math.abs(gc.imputed()[g][e] - gd.imputed()[g][e]) / Math.max(1,
                    Math.abs(gc.imputed()[g][e])));
        }
        assertTrue(worst < 1e-9, "Gibbs GPU vs CPU max relative difference " + worst);
        assertNull(cuda.failure());
    }

    @Test
    void outOfMemoryFallsBackToCpuWithTheSameResult() {
        Random r = new Random(6);
        try (CudaBackend c = new CudaBackend(2, CudaBackend.Precision.FP64, TEST)) {
            c.limitMemory(1); // nothing fits
            Mat a = random(r, 800, 300), b = random(r, 300, 200);
            Mat got = c.gemm(a, false, b, false);
            close(cpu.gemm(a, false, b, false).data, got.data, 1e-12, "after fallback");
            assertNotNull(c.failure(), "the failure is recorded");
            assertTrue(c.describe().contains("DISABLED"));
        }
    }
}
