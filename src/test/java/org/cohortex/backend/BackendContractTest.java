package org.cohortex.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;

import org.cohortex.de.FreedmanLane;
import org.cohortex.deconv.Nnls;
import org.cohortex.impute.CellTypeImputation;
import org.cohortex.linalg.BatchedOls;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.linalg.RowMoments;
import org.cohortex.linalg.SymmetricEigen;
import org.cohortex.linalg.ThinSvd;
import org.cohortex.random.Shuffles;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ComputeBackend} keeps, run by each implementation (reference, cpu, and
 * cuda where a GPU exists): each operation against a plain textbook computation on random inputs of
 * odd shapes, and each device kernel against its CPU twin in the analysis that owns it. Tolerances
 * are relative to the size of the quantities involved (sum |a||b| for products).
 */
abstract class BackendContractTest {
    /** The backend under test; opened once per subclass. */
    abstract ComputeBackend backend();

    static Mat random(Random r, int rows, int cols) {
        Mat m = new Mat(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = r.nextGaussian();
        return m;
    }

    /** op(A) op(B) by the definition, with sum |a||b| per entry for the tolerance. */
    static double[][] naiveProduct(Mat a, boolean ta, Mat b, boolean tb) {
        int m = ta ? a.cols : a.rows, k = ta ? a.rows : a.cols, n = tb ? b.rows : b.cols;
        double[] c = new double[m * n], mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0, t = 0;
                for (int l = 0; l < k; l++) {
                    double x = ta ? a.get(l, i) : a.get(i, l), y = tb ? b.get(j, l) : b.get(l, j);
                    s += x * y;
                    t += Math.abs(x * y);
                }
                c[i * n + j] = s;
                mag[i * n + j] = t;
            }
        }
        return new double[][] {c, mag};
    }

    static void closeTo(double[][] want, double[] got, double rel, String what) {
        assertEquals(want[0].length, got.length, what + ": size");
        for (int i = 0; i < got.length; i++) {
            assertTrue(Math.abs(got[i] - want[0][i]) <= rel * Math.max(1e-300, want[1][i]), what + " entry " + i + ": " + got[i] + " vs "
                    + want[0][i]);
        }
    }

    @Test
    void gemmInEveryTransposeAndCrossprodAndGramAccumulation() {
        Random r = new Random(11);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Mat a = ta ? random(r, 37, 23) : random(r, 23, 37), b = tb ? random(r, 19, 37) : random(r, 37, 19);
                closeTo(naiveProduct(a, ta, b, tb), backend().gemm(a, ta, b, tb).data, 1e-12, "gemm " + ta + tb);
            }
        }
        Mat tall = random(r, 301, 13);
        closeTo(naiveProduct(tall, true, tall, false), backend().crossprod(tall).data, 1e-12, "crossprod");
        for (int rows : new int[] {1, 301, 5_003}) { // rows written by a callback: crossprod's result bit for bit, every row once
            Mat a = random(r, rows, 13);
            AtomicIntegerArray calls = new AtomicIntegerArray(rows);
            Mat g = backend().crossprodOfRows(rows, 13, (i, dst, off) -> {
                calls.incrementAndGet(i);
                System.arraycopy(a.data, i * 13, dst, off, 13);
            });
            assertArrayEquals(backend().crossprod(a).data, g.data, 0, "crossprodOfRows, " + rows + " rows");
            for (int i = 0; i < rows; i++) assertEquals(1, calls.get(i), "row " + i + " filled once");
        }
        try (DenseOps.GramAccumulator acc = backend().gramAccumulator(13)) {
            acc.add(Arrays.copyOfRange(tall.data, 0, 100 * 13), 100);
            acc.add(Arrays.copyOfRange(tall.data, 100 * 13, tall.data.length), 201);
            closeTo(naiveProduct(tall, true, tall, false), acc.result().data, 1e-12, "gram accumulator");
        }
    }

    @Test
    void eachCrossprodOfRowsGivesEveryOperandsGramInOrder() {
        Random r = new Random(29);
        int count = 9, rows = 2_003, cols = 17;
        Mat[] a = new Mat[count];
        for (int k = 0; k < count; k++) a[k] = random(r, rows, cols);
        AtomicIntegerArray calls = new AtomicIntegerArray(count * rows);
        List<double[]> got = backend().eachCrossprodOfRows(count, rows, cols, (k, i, dst, off) -> {
            calls.incrementAndGet(k * rows + i);
            System.arraycopy(a[k].data, i * cols, dst, off, cols);
        }, (ops, k, g) -> { // the step's own ops: the Gram matrix, then its eigenvalues and the operand index
            double[] out = Arrays.copyOf(g.data, cols * cols + cols + 1);
            System.arraycopy(ops.symmetricEigenvalues(g), 0, out, cols * cols, cols);
            out[out.length - 1] = k;
            return out;
        });
        assertEquals(count, got.size());
        for (int k = 0; k < count; k++) {
            double[] o = got.get(k);
            assertEquals(k, o[o.length - 1], "result " + k + " in operand order");
            closeTo(naiveProduct(a[k], true, a[k], false), Arrays.copyOf(o, cols * cols), 1e-12, "operand " + k);
            double[] want = backend().symmetricEigenvalues(backend().crossprod(a[k]));
            for (int j = 0; j < cols; j++) assertEquals(want[j], o[cols * cols + j], 1e-10 * want[0], "operand " + k + " eigenvalue " + j);
        }
        for (int i = 0; i < count * rows; i++) {
            assertEquals(1, calls.get(i), "row " + i % rows + " of operand " + i / rows + " filled once");
        }
        // a failing step stops the call with its own exception, and the backend is usable afterwards
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend().eachCrossprodOfRows(count, rows, cols,
                (k, i, dst, off) -> System.arraycopy(a[k].data, i * cols, dst, off, cols), (ops, k, g) -> {
                    if (k == 4) throw new IllegalStateException("operand 4 refused");
                    return k;
                }));
        assertEquals("operand 4 refused", e.getMessage());
        closeTo(naiveProduct(a[0], true, a[0], false), backend().crossprod(a[0]).data, 1e-12, "crossprod after a failed call");
    }

    @Test
    void eachSingleCrossprodOfRowsIsEveryOperandsGramToSinglePrecision() {
        checkSingleGrams(backend()::eachSingleCrossprodOfRows);
    }

    /** The call under test: a backend's eachSingleCrossprodOfRows, or one of its paths. */
    interface SingleGrams {
        <T> List<T> each(int count, int rows, int cols, DenseOps.FloatRowFill fill, DenseOps.GramStep<T> then);
    }

    /**
     * Each result against the float operand's exact Gram within the bound of a float dot product of that length,
     * |error| <= gamma_rows sum |a_i||a_j| (gamma_k = k u / (1 - k u), u = 2^-24; Higham 2002, 3.1), in operand order.
     */
    static void checkSingleGrams(SingleGrams call) {
        Random r = new Random(31);
        int count = 7, rows = 3_001, cols = 19;
        float[][] a = new float[count][rows * cols];
        for (float[] op : a) for (int i = 0; i < op.length; i++) op[i] = (float) (r.nextGaussian() + (i % cols == 3 ? 2 : 0));
        AtomicIntegerArray calls = new AtomicIntegerArray(count * rows);
        List<double[]> got = call.each(count, rows, cols, (k, i, dst, off) -> {
            calls.incrementAndGet(k * rows + i);
            System.arraycopy(a[k], i * cols, dst, off, cols);
        }, (ops, k, g) -> {
            double[] out = Arrays.copyOf(g.data, cols * cols + 1);
            out[cols * cols] = k;
            return out;
        });
        assertEquals(count, got.size());
        double u = 0x1p-24, gamma = rows * u / (1 - rows * u);
        for (int k = 0; k < count; k++) {
            double[] o = got.get(k);
            assertEquals(k, o[cols * cols], "result " + k + " in operand order");
            for (int i = 0; i < cols; i++) {
                for (int j = 0; j < cols; j++) {
                    double exact = 0, abs = 0;
                    for (int t = 0; t < rows; t++) {
                        double x = a[k][t * cols + i], y = a[k][t * cols + j];
                        exact += x * y; // float products are exact in double
                        abs += Math.abs(x * y);
                    }
                    assertEquals(exact, o[i * cols + j], gamma * abs, "operand " + k + " (" + i + ", " + j + ")");
                }
            }
        }
        for (int i = 0; i < count * rows; i++) assertEquals(1, calls.get(i), "row " + i % rows + " of operand " + i / rows);
    }

    /** OLS by the normal equations in exact-enough arithmetic for a well-conditioned design (cond ~ 10). */
    static double[] normalEquations(Mat x, double[] y) {
        int p = x.cols;
        double[] xtx = naiveProduct(x, true, x, false)[0], xty = new double[p];
        for (int i = 0; i < x.rows; i++) for (int j = 0; j < p; j++) xty[j] += x.get(i, j) * y[i];
        return solve(xtx, xty, p);
    }

    /** Gaussian elimination with partial pivoting: the textbook solve. */
    static double[] solve(double[] a0, double[] b0, int p) {
        double[] a = a0.clone(), b = b0.clone();
        for (int c = 0; c < p; c++) {
            int piv = c;
            for (int r = c + 1; r < p; r++) if (Math.abs(a[r * p + c]) > Math.abs(a[piv * p + c])) piv = r;
            for (int j = 0; j < p; j++) { double t = a[c * p + j]; a[c * p + j] = a[piv * p + j]; a[piv * p + j] = t; }
            double t = b[c]; b[c] = b[piv]; b[piv] = t;
            for (int r = c + 1; r < p; r++) {
                double f = a[r * p + c] / a[c * p + c];
                for (int j = c; j < p; j++) a[r * p + j] -= f * a[c * p + j];
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[p];
        for (int c = p - 1; c >= 0; c--) {
            double s = b[c];
            for (int j = c + 1; j < p; j++) s -= a[c * p + j] * x[j];
            x[c] = s / a[c * p + c];
        }
        return x;
    }

    @Test
    void olsWithMissingValuesAndNestedRss() {
        Random r = new Random(12);
        int n = 61, p = 5, genes = 40;
        Mat x = new Mat(n, p);
        for (int i = 0; i < n; i++) {
            x.data[i * p] = 1;
            for (int j = 1; j < p; j++) x.data[i * p + j] = r.nextGaussian();
        }
        Mat y = random(r, genes, n);
        for (int g = 0; g < genes; g += 7) y.data[g * n + g % n] = Double.NaN; // some genes miss a sample
        OlsFit fit = backend().olsSharedDesign(x, y);
        for (int g = 0; g < genes; g++) {
            int gg = g;
            int[] obs = IntStream.range(0, n).filter(i -> !Double.isNaN(y.data[gg * n + i])).toArray();
            Mat xo = x.selectRows(obs);
            double[] yo = new double[obs.length];
            for (int k = 0; k < obs.length; k++) yo[k] = y.data[g * n + obs[k]];
            double[] beta = normalEquations(xo, yo);
            double rss = 0;
            for (int k = 0; k < obs.length; k++) {
                double e = yo[k];
                for (int j = 0; j < p; j++) e -= xo.get(k, j) * beta[j];
                rss += e * e;
            }
            for (int j = 0; j < p; j++) assertEquals(beta[j], fit.beta(g, j), 1e-10 * (1 + Math.abs(beta[j])), "beta " + g + "," + j);
            assertEquals(rss, fit.rss[g], 1e-10 * rss, "rss " + g);
            assertEquals(obs.length - p, fit.df[g], "df " + g);
        }
        Mat complete = random(r, genes, n);
        double[][] nested = backend().nestedRss(x, new int[] {1, 3, 5}, complete);
        for (int k = 0; k < 3; k++) {
            int cols = new int[] {1, 3, 5}[k];
            OlsFit sub = backend().olsSharedDesign(x.selectColumns(IntStream.range(0, cols).toArray()), complete);
            for (int g = 0; g < genes; g++) assertEquals(sub.rss[g], nested[k][g], 1e-10 * sub.rss[g],
                    "nested rss " + cols + " cols, gene " + g);
        }
        // the row moments computed once by the caller: the same sums, bit for bit
        double[][] withMoments = backend().nestedRss(x, new int[] {1, 3, 5}, complete, RowMoments.of(complete));
        for (int k = 0; k < 3; k++) assertArrayEquals(nested[k], withMoments[k], 0, "nested rss with row moments, prefix " + k);
    }

    /**
     * Fits of one y against designs given in turn give nestedRss's bits, also with other products run between them (the
     * cpu backend's shared buffers reused) and with y spanning two of the batched fit's row blocks (a nonzero offset).
     */
    @Test
    void nestedRssOfAFixedResponseEqualsNestedRssBitForBit() {
        Random r = new Random(29);
        int n = 600, genes = backend().name().equals("reference") ? 700 : BatchedOls.BLOCK_DOUBLES / n + 1_000; // the oracle is slow
        Mat y = random(r, genes, n);
        RowMoments moments = RowMoments.of(y);
        try (DenseOps.NestedRssFits fits = backend().nestedRssOf(y, moments)) {
            for (int design = 0; design < 3; design++) {
                Mat x = random(r, n, 4 + design);
                for (int i = 0; i < n; i++) x.set(i, 0, 1);
                int[] prefixes = {1, 2 + design, 4 + design};
                double[][] want = backend().nestedRss(x, prefixes, y, moments);
                backend().crossprod(random(r, 2 * genes, 50)); // something else through the backend's buffers
                double[][] got = fits.nestedRss(x, prefixes);
                for (int k = 0; k < prefixes.length; k++) assertArrayEquals(want[k], got[k], 0, "design " + design + ", prefix " + k);
            }
        }
    }

    @Test
    void batchedSpdSolvesAndNotPositiveDefiniteSystems() {
        Random r = new Random(13);
        int batch = 9, p = 6;
        double[] a = new double[batch * p * p], b = new double[batch * p];
        for (int k = 0; k < batch; k++) {
            Mat m = random(r, p + 3, p);
            double[] g = naiveProduct(m, true, m, false)[0];
            System.arraycopy(g, 0, a, k * p * p, p * p);
            for (int j = 0; j < p; j++) b[k * p + j] = r.nextGaussian();
        }
        for (int j = 0; j < p; j++) a[4 * p * p + j * p + j] = -1; // system 4 is not positive definite
        double[] a0 = a.clone(), b0 = b.clone();
        double[] x = backend().solveSpdBatched(a, b, batch, p);
        assertArrayEquals(a0, a, "a untouched");
        assertArrayEquals(b0, b, "b untouched");
        for (int k = 0; k < batch; k++) {
            if (k == 4) {
                for (int j = 0; j < p; j++) assertTrue(Double.isNaN(x[k * p + j]), "not positive definite: NaN");
                continue;
            }
            double[] want = solve(Arrays.copyOfRange(a, k * p * p, (k + 1) * p * p), Arrays.copyOfRange(b, k * p, (k + 1) * p), p);
            for (int j = 0; j < p; j++) assertEquals(want[j], x[k * p + j], 1e-9 * (1 + Math.abs(want[j])), "system " + k);
        }
    }

    @Test
    void eigenpairsAndThinSvdReconstruct() {
        Random r = new Random(14);
        Mat m = random(r, 40, 17);
        Mat s = backend().crossprod(m);
        SymmetricEigen e = backend().symmetricEigen(s);
        double[] values = backend().symmetricEigenvalues(s);
        for (int k = 0; k < 17; k++) {
            if (k > 0) assertTrue(e.values[k] <= e.values[k - 1], "descending");
            assertEquals(e.values[k], values[k], 1e-10 * e.values[0], "values only");
            double[] v = e.vectors.column(k);
            double norm = 0;
            for (int i = 0; i < 17; i++) {
                double sv = 0;
                for (int j = 0; j < 17; j++) sv += s.get(i, j) * v[j];
                assertEquals(e.values[k] * v[i], sv, 1e-9 * e.values[0], "S v = lambda v");
                norm += v[i] * v[i];
            }
            assertEquals(1, norm, 1e-10, "unit eigenvector");
        }
        ThinSvd svd = backend().thinSvd(m, 17);
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 17; j++) {
                double v = 0;
                for (int k = 0; k < 17; k++) v += svd.u.get(i, k) * svd.d[k] * svd.v.get(j, k);
                assertEquals(m.get(i, j), v, 1e-9, "U D V' = A");
            }
        }
    }

    @Test
    void kernelsMatchTheirCpuTwins() {
        Random r = new Random(15);
        // Freedman-Lane counts: the twin is FreedmanLane.countsByGemm on the reference backend
        Mat x = BackendAgreementTest.design(r, 47, 5, false);
        Mat y = BackendAgreementTest.responses(r, x, 120, 0);
        boolean[] all = new boolean[y.rows];
        Arrays.fill(all, true);
        ReferenceBackend ref = new ReferenceBackend();
        FreedmanLane.Problem prob = FreedmanLane.prepare(ref, x, 1, y, all);
        int[] perms = Shuffles.permutations(5, x.rows, 0, 70);
        FreedmanLane.Counts want = FreedmanLane.countsByGemm(ref, prob, perms, 70), got = backend().freedmanLaneCounts(prob, perms, 70);
        assertArrayEquals(want.exceed, got.exceed, "exceedances");
        assertArrayEquals(want.stepDown, got.stepDown, "step-down counts");
        // batched NNLS: the twin is Lawson-Hanson per mixture
        int m = 60, k = 5, samples = 11;
        double[] sig = new double[m * k], mix = new double[samples * m];
        for (int i = 0; i < sig.length; i++) sig[i] = Math.abs(r.nextGaussian()) * 10;
        for (int i = 0; i < mix.length; i++) mix[i] = Math.abs(r.nextGaussian()) * 20;
        double[] nn = backend().nnlsBatched(sig, m, k, mix, samples);
        for (int j = 0; j < samples; j++) {
            double[] one = Nnls.solve(sig, m, k, Arrays.copyOfRange(mix, j * m, (j + 1) * m));
            for (int c = 0; c < k; c++) assertEquals(one[c], nn[j * k + c], 1e-9 * (1 + Math.abs(one[c])), "nnls mixture " + j);
        }
        // the Gibbs sampler: same Philox streams, same draws
        int genes = 7, n = 30, kk = 3;
        double[] w = new double[n * kk], yy = new double[genes * n], mu0 = new double[genes * kk];
        for (int i = 0; i < n; i++) {
            double tot = 0;
            for (int c = 0; c < kk; c++) tot += w[i * kk + c] = 0.2 + r.nextDouble();
            for (int c = 0; c < kk; c++) w[i * kk + c] /= tot;
        }
        for (int i = 0; i < yy.length; i++) yy[i] = 5 + r.nextGaussian();
        for (int i = 0; i < mu0.length; i++) mu0[i] = 4 + r.nextDouble();
        CellTypeImputation.Settings s = new CellTypeImputation.Settings();
        s.iterations = 60;
        s.burnin = 10;
        CellTypeImputation.Result twin = CellTypeImputation.gibbs(yy, genes, n, w, kk, mu0, s), dev = backend().gibbsImpute(yy, genes, n,
                w, kk, mu0, s);
        for (int g = 0; g < genes; g++) {
            assertEquals(twin.reason()[g], dev.reason()[g]);
            for (int e = 0; e < n * kk; e++) assertEquals(twin.imputed()[g][e], dev.imputed()[g][e],
                    1e-9 * (1 + Math.abs(twin.imputed()[g][e])));
        }
    }
}
