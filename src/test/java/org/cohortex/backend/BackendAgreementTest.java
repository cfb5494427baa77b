package org.cohortex.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;

import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.linalg.SymmetricEigen;
import org.cohortex.linalg.ThinSvd;
import org.cohortex.testutil.ExactLeastSquares;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The agreement contract of SPEC 3: cpu vs reference to 1e-9 relative on random inputs. */
class BackendAgreementTest {
    static ComputeBackend ref = new ReferenceBackend();
    static ComputeBackend cpu;

    @BeforeAll
    static void open() {
        assumeTrue(CpuBackend.isAvailable(), "OpenBLAS not loadable here");
        cpu = new CpuBackend(2);
    }

    @AfterAll
    static void close() {
        if (cpu != null) cpu.close();
    }

    /**
     * Random design: intercept, numeric columns, a 3-level categorical as two dummies, and
     * optionally a near-collinear column (another column plus 5e-2 noise: condition ~1e3) and
     * two badly scaled columns (units 1e4 and 1e-3: condition ~1e8 from scaling alone).
     * Least squares itself amplifies rounding by cond^2 * eps * ||r|| / (||X|| ||beta||) (Golub &
     * Van Loan 5.3.8), so near-collinearity beyond cond ~1e4 makes two correct algorithms differ by
     * more than 1e-9; scaling does not, because QR is column-scale invariant.
     */
    static Mat design(Random r, int n, int p, boolean nearCollinear) {
        return design(r, n, p, nearCollinear, 5e-2, 1e4, 1e-3);
    }

    static Mat design(Random r, int n, int p, boolean nearCollinear, double noise, double big, double small) {
        Mat x = new Mat(n, p);
        for (int i = 0; i < n; i++) {
            x.data[i * p] = 1;
            int level = r.nextInt(3);
            for (int j = 1; j < p; j++) {
                double v;
                if (j == 1 && p > 3) v = level == 1 ? 1 : 0;
                else if (j == 2 && p > 3) v = level == 2 ? 1 : 0;
                else v = r.nextGaussian() * (1 + j) + j;
                x.data[i * p + j] = v;
            }
            if (nearCollinear && p > 6) {
                x.data[i * p + p - 1] = x.data[i * p + p - 2] + noise * r.nextGaussian();
                x.data[i * p + 3] *= big;
                x.data[i * p + 4] *= small;
            }
        }
        return x;
    }

    static Mat responses(Random r, Mat x, int genes, double missingGeneShare) {
        int n = x.rows, p = x.cols;
        Mat y = new Mat(genes, n);
        for (int g = 0; g < genes; g++) {
            double[] b = new double[p];
            for (int j = 0; j < p; j++) b[j] = r.nextGaussian();
            double noise = Math.exp(r.nextGaussian());
            for (int i = 0; i < n; i++) {
                double v = 8 + noise * r.nextGaussian();
                for (int j = 0; j < p; j++) v += x.data[i * p + j] * b[j] * 0.3;
                y.data[g * n + i] = v;
            }
            if (r.nextDouble() < missingGeneShare) {
                int k = 1 + r.nextInt(Math.max(1, n / 5));
                for (int m = 0; m < k; m++) y.data[g * n + r.nextInt(n)] = Double.NaN;
            }
        }
        return y;
    }

    @ParameterizedTest(name = "n={0} p={1} genes={2} collinear={3} missing={4}")
    @CsvSource({
        "40, 4, 50, false, 0.0",
        "60, 8, 200, false, 0.2",
        "120, 12, 300, true, 0.0",
        "120, 12, 300, true, 0.3",
        "300, 30, 120, false, 0.1",
        "17, 15, 40, false, 0.0",
        "33, 6, 2000, false, 0.05",
    })
    void batchedOlsAgreesWithReference(int n, int p, int genes, boolean collinear, double missing) {
        Random r = new Random(31L * n + p + genes + (collinear ? 7 : 0) + (long) (missing * 100));
        Mat x = design(r, n, p, collinear);
        Mat y = responses(r, x, genes, missing);
        OlsFit a = cpu.olsSharedDesign(x, y), b = ref.olsSharedDesign(x, y);
        int compared = 0;
        for (int g = 0; g < genes; g++) {
            assertEquals(b.df[g], a.df[g], "df gene " + g);
            for (int j = 0; j < p; j++) {
                double ba = a.beta(g, j), bb = b.beta(g, j);
                double ta = ba / a.se(g, j), tb = bb / b.se(g, j);
                if (Double.isNaN(bb)) {
                    assertTrue(Double.isNaN(ba), "reference NaN but cpu " + ba + " at gene " + g);
                    continue;
                }
                // relative error, measured against max(|beta|, se): a coefficient far smaller than its
                // own standard error has no meaningful relative digits; likewise |t| < 1
                assertTrue(Fixtures.close(ba, bb, 1e-9, b.se(g, j)), "beta g=" + g + " j=" + j + ": " + ba + " vs " + bb);
                assertTrue(Fixtures.close(a.se(g, j), b.se(g, j), 1e-9, 0), "se g=" + g + " j=" + j);
                assertTrue(Fixtures.close(ta, tb, 1e-9, 1), "t g=" + g + " j=" + j + ": " + ta + " vs " + tb);
                assertTrue(Fixtures.close(a.rss[g], b.rss[g], 1e-9, 0), "rss g=" + g);
                compared++;
            }
        }
        assertTrue(compared > genes * p / 2, "most coefficients must be compared, got " + compared);
    }

    /**
     * A severely ill-conditioned design (collinear pair at 1e-4, column units 1e6 and 1e-4), where
     * comparing two floating-point algorithms says little: cpu against exact 60-digit arithmetic.
     */
    @Test
    void cpuIsAccurateAgainstExactArithmeticOnSeverelyIllConditionedDesign() {
        Random r = new Random(99);
        int n = 120, p = 12;
        Mat x = design(r, n, p, true, 1e-4, 1e6, 1e-4);
        Mat y = responses(r, x, 5, 0);
        OlsFit a = cpu.olsSharedDesign(x, y);
        for (int g = 0; g < 5; g++) {
            double[] exact = ExactLeastSquares.solve(x, Arrays.copyOfRange(y.data, g * n, g * n + n));
            for (int j = 0; j < p; j++) {
                // LS forward error bound ~ cond^2 eps; the collinear pair sits at cond ~1e5-1e6
                double tol = j >= p - 2 ? 1e-5 : 1e-8;
                assertTrue(Fixtures.close(a.beta(g, j), exact[j], tol, 1e-12), "gene " + g + " beta " + j + ": " + a.beta(g,
                        j) + " vs exact " + exact[j]);
            }
        }
    }

    @Test
    void nearPerfectFitsKeepPrecision() {
        // responses almost in span(X): TSS/RSS ~ 1e12, where the cheap RSS formula would lose 12 digits
        Random r = new Random(5);
        Mat x = design(r, 80, 6, false);
        Mat y = new Mat(20, 80);
        for (int g = 0; g < 20; g++) {
            for (int i = 0; i < 80; i++) {
                double v = 0;
                for (int j = 0; j < 6; j++) v += x.data[i * 6 + j] * (j + 1 + g);
                y.data[g * 80 + i] = v + 1e-6 * r.nextGaussian();
            }
        }
        OlsFit a = cpu.olsSharedDesign(x, y), b = ref.olsSharedDesign(x, y);
        for (int g = 0; g < 20; g++) {
            assertTrue(Fixtures.close(a.rss[g], b.rss[g], 1e-7, 0), "rss " + a.rss[g] + " vs " + b.rss[g]);
            for (int j = 0; j < 6; j++) assertTrue(Fixtures.close(a.se(g, j), b.se(g, j), 1e-7, 0), "se g=" + g + " j=" + j);
        }
    }

    @ParameterizedTest
    @CsvSource({"7, 5, 3, false, false", "50, 40, 30, true, false", "64, 64, 64, false, true", "1, 9, 1, true, true"})
    void gemmAgrees(int m, int k, int n, boolean ta, boolean tb) {
        Random r = new Random(m * 1000 + k * 10 + n);
        Mat a = random(r, ta ? k : m, ta ? m : k), b = random(r, tb ? n : k, tb ? k : n);
        assertMatClose(ref.gemm(a, ta, b, tb), cpu.gemm(a, ta, b, tb), 1e-12);
    }

    @Test
    void crossprodAgrees() {
        Random r = new Random(3);
        Mat a = random(r, 500, 37);
        assertMatClose(ref.crossprod(a), cpu.crossprod(a), 1e-12);
    }

    @Test
    void symmetricEigenAgrees() {
        Random r = new Random(11);
        Mat a = random(r, 90, 40);
        Mat s = ref.crossprod(a);
        SymmetricEigen e1 = ref.symmetricEigen(s), e2 = cpu.symmetricEigen(s);
        for (int k = 0; k < 40; k++) {
            assertTrue(Fixtures.close(e2.values[k], e1.values[k], 1e-10, 1e-10 * e1.values[0]), "eigenvalue " + k);
            if (k < 39) assertTrue(e2.values[k] >= e2.values[k + 1], "descending");
            // vectors up to sign: |<v1, v2>| = 1
            double dot = 0;
            for (int i = 0; i < 40; i++) dot += e1.vectors.get(i, k) * e2.vectors.get(i, k);
            assertEquals(1.0, Math.abs(dot), 1e-8, "eigenvector " + k);
        }
    }

    @Test
    void thinSvdAgreesForTallAndWide() {
        Random r = new Random(13);
        for (Mat a : new Mat[] {random(r, 400, 25), random(r, 25, 400)}) {
            ThinSvd s1 = ref.thinSvd(a, 6), s2 = cpu.thinSvd(a, 6);
            for (int k = 0; k < 6; k++) {
                assertTrue(Fixtures.close(s2.d[k], s1.d[k], 1e-10, 0), "singular value " + k);
                double du = 0, dv = 0;
                for (int i = 0; i < a.rows; i++) du += s1.u.get(i, k) * s2.u.get(i, k);
                for (int i = 0; i < a.cols; i++) dv += s1.v.get(i, k) * s2.v.get(i, k);
                assertEquals(1.0, Math.abs(du), 1e-8, "u " + k);
                assertEquals(1.0, Math.abs(dv), 1e-8, "v " + k);
                assertEquals(Math.signum(du), Math.signum(dv), "u and v flip sign together");
            }
        }
    }

    @Test
    void batchedSpdSolvesAgreeAndFlagNonPositiveDefinite() {
        Random r = new Random(17);
        int batch = 300, p = 7;
        double[] a = new double[batch * p * p], b = new double[batch * p];
        for (int k = 0; k < batch; k++) {
            Mat m = random(r, 20, p);
            Mat s = ref.crossprod(m);
            System.arraycopy(s.data, 0, a, k * p * p, p * p);
            for (int j = 0; j < p; j++) b[k * p + j] = r.nextGaussian();
        }
        for (int j = 0; j < p * p; j++) a[5 * p * p + j] = j % (p + 1) == 0 ? -1 : 0; // negative definite
        double[] a0 = a.clone(), b0 = b.clone();
        double[] x1 = ref.solveSpdBatched(a, b, batch, p), x2 = cpu.solveSpdBatched(a, b, batch, p);
        assertTrue(Arrays.equals(a, a0) && Arrays.equals(b, b0), "inputs unchanged");
        for (int i = 0; i < x1.length; i++) {
            if (i / p == 5) {
                assertTrue(Double.isNaN(x1[i]) && Double.isNaN(x2[i]), "non-PD system flagged by both");
                continue;
            }
            assertTrue(Fixtures.close(x2[i], x1[i], 1e-9, 1e-9), "x[" + i + "] " + x2[i] + " vs " + x1[i]);
        }
    }

    static Mat random(Random r, int rows, int cols) {
        Mat m = new Mat(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = r.nextGaussian();
        return m;
    }

    static void assertMatClose(Mat want, Mat got, double tol) {
        assertEquals(want.rows, got.rows);
        assertEquals(want.cols, got.cols);
        double scale = 0;
        for (double v : want.data) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.data.length; i++) {
            assertEquals(want.data[i], got.data[i], tol * Math.max(1, scale), "element " + i);
        }
    }
}
