package org.cohortex.de;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import org.cohortex.Log;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.backend.CpuBackend;
import org.cohortex.backend.ReferenceBackend;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.random.Shuffles;
import org.junit.jupiter.api.Test;

/**
 * Freedman-Lane through the batched GEMM formulation against the textbook procedure (permute the
 * reduced model's residuals, add back its fitted values, refit the full model per permutation with
 * the reference backend), exceedance counts and step-down max-T counts compared exactly.
 */
class FreedmanLaneTest {
    static final int TRAIT = 2;

    /** intercept, a covariate, the trait (binary), another covariate, a 3-level factor. */
    static Mat design(Random r, int n) {
        int p = 6;
        Mat x = new Mat(n, p);
        for (int i = 0; i < n; i++) {
            int level = r.nextInt(3);
            double[] row = {1, r.nextGaussian() * 3 + 40, r.nextDouble() < 0.35 ? 1 : 0, r.nextGaussian(), level == 1 ? 1 : 0,
                    level == 2 ? 1 : 0};
            System.arraycopy(row, 0, x.data, i * p, p);
        }
        return x;
    }

    /** Genes with covariate effects; the first {@code effects} also depend on the trait. */
    static Mat responses(Random r, Mat x, int genes, int effects) {
        int n = x.rows, p = x.cols;
        Mat y = new Mat(genes, n);
        for (int g = 0; g < genes; g++) {
            double b1 = r.nextGaussian() * 0.05, b3 = r.nextGaussian(), bt = g < effects ? 1.5 + r.nextDouble() : 0,
                    sd = Math.exp(r.nextGaussian() * 0.3);
            for (int i = 0; i < n; i++) {
                y.data[g * n + i] = 6 + b1 * x.data[i * p + 1] + b3 * x.data[i * p + 3] + bt * x.data[i * p + TRAIT]
                        + 0.4 * x.data[i * p + 4] + sd * r.nextGaussian();
            }
        }
        return y;
    }

    static boolean[] all(int genes) {
        boolean[] b = new boolean[genes];
        Arrays.fill(b, true);
        return b;
    }

    /** The literal procedure, one refit of every gene per permutation. */
    static FreedmanLane.Counts oracle(Mat x, Mat y, int[] perms, int count, FreedmanLane.Problem prob) {
        ComputeBackend ref = new ReferenceBackend();
        int n = x.rows, p = x.cols, genes = y.rows;
        int[] zc = new int[p - 1];
        for (int c = 0, k = 0; c < p; c++) if (c != TRAIT) zc[k++] = c;
        Mat z = x.selectColumns(zc);
        OlsFit reduced = ref.olsSharedDesign(z, y);
        Mat fitted = new Mat(genes, n), resid = new Mat(genes, n);
        for (int g = 0; g < genes; g++) {
            for (int i = 0; i < n; i++) {
                double f = 0;
                for (int j = 0; j < p - 1; j++) f += z.data[i * (p - 1) + j] * reduced.beta(g, j);
                fitted.data[g * n + i] = f;
                resid.data[g * n + i] = y.data[g * n + i] - f;
            }
        }
        FreedmanLane.Counts out = new FreedmanLane.Counts(genes);
        double[] absStar = new double[genes];
        for (int b = 0; b < count; b++) {
            Mat ys = new Mat(genes, n);
            for (int g = 0; g < genes; g++) {
                for (int i = 0; i < n; i++) ys.data[g * n + i] = fitted.data[g * n + i] + resid.data[g * n + perms[b * n + i]];
            }
            OlsFit full = ref.olsSharedDesign(x, ys);
            for (int g = 0; g < genes; g++) absStar[g] = Math.abs(full.beta(g, TRAIT) / full.se(g, TRAIT));
            FreedmanLane.accumulate(absStar, 1, prob, out);
        }
        return out;
    }

    @Test
    void gemmFormulationEqualsRefittingEveryPermutation() {
        Random r = new Random(11);
        Mat x = design(r, 37);
        Mat y = responses(r, x, 45, 5);
        ComputeBackend ref = new ReferenceBackend();
        FreedmanLane.Problem prob = FreedmanLane.prepare(ref, x, TRAIT, y, all(y.rows));
        // the observed t of the formulation is the OLS t
        OlsFit fit = ref.olsSharedDesign(x, y);
        for (int g = 0; g < y.rows; g++) {
            double t = fit.beta(g, TRAIT) / fit.se(g, TRAIT);
            assertEquals(t, prob.t[g], 1e-9 * Math.max(1, Math.abs(t)), "t of gene " + g);
        }
        int count = 150;
        int[] perms = Shuffles.permutations(7, x.rows, 0, count);
        FreedmanLane.Counts viaGemm = FreedmanLane.countsByGemm(ref, prob, perms, count);
        FreedmanLane.Counts literal = oracle(x, y, perms, count, prob);
        assertArrayEquals(literal.exceed, viaGemm.exceed);
        assertArrayEquals(literal.stepDown, viaGemm.stepDown);
        // planted genes are never beaten; null genes are
        for (int g = 0; g < 5; g++) assertEquals(0, viaGemm.exceed[g], "planted gene " + g);
        assertTrue(Arrays.stream(viaGemm.exceed).skip(5).sum() > 45L * count / 4, "null genes should be exceeded often");
    }

    @Test
    void cpuBackendAgreesWithReferenceAndIsIndependentOfChunking() {
        assumeTrue(CpuBackend.isAvailable(), "OpenBLAS not loadable here");
        Random r = new Random(5);
        Mat x = design(r, 120);
        Mat y = responses(r, x, 700, 20);
        try (ComputeBackend cpu = new CpuBackend(2)) {
            ComputeBackend ref = new ReferenceBackend();
            FreedmanLane.Problem pc = FreedmanLane.prepare(cpu, x, TRAIT, y, all(y.rows));
            FreedmanLane.Problem pr = FreedmanLane.prepare(ref, x, TRAIT, y, all(y.rows));
            for (int g = 0; g < y.rows; g++) assertEquals(pr.t[g], pc.t[g], 1e-9 * Math.max(1, Math.abs(pr.t[g])));
            int[] index = IntStream.range(0, y.rows).toArray();
            FreedmanLane.Result a = FreedmanLane.run(cpu, pc, index, y.rows, 300, 3, Log.WARNINGS);
            FreedmanLane.Result b = FreedmanLane.run(ref, pr, index, y.rows, 300, 3, Log.WARNINGS);
            assertArrayEquals(b.pPerm(), a.pPerm());
            assertArrayEquals(b.pMaxT(), a.pMaxT());
            // the cpu path's gene blocks (97 genes, not a divisor of 700) give the reference's counts
            int[] drawn = Shuffles.permutations(3, x.rows, 0, 300);
            FreedmanLane.Counts want = FreedmanLane.countsByGemm(ref, pr, drawn, 300);
            for (int cDoubles : new int[] {1 << 22, 64 * pc.p() * 97}) {
                FreedmanLane.Counts got = ((CpuBackend) cpu).freedmanLaneCounts(pc, drawn, 300, cDoubles);
                assertArrayEquals(want.exceed, got.exceed, "exceedances, C of " + cDoubles);
                assertArrayEquals(want.stepDown, got.stepDown, "step-down counts, C of " + cDoubles);
            }
            // permutations drawn in two pieces are the same as in one
            int[] whole = Shuffles.permutations(3, x.rows, 0, 300);
            int[] tail = Shuffles.permutations(3, x.rows, 170, 130);
            assertArrayEquals(Arrays.copyOfRange(whole, 170 * x.rows, 300 * x.rows), tail);
            // max-T adjusted p: >= the per-gene p, monotone in |t|, and the planted genes survive
            for (int g = 0; g < y.rows; g++) assertTrue(a.pMaxT()[g] >= a.pPerm()[g] - 1e-15);
            for (int j = 1; j < pc.order.length; j++) assertTrue(a.pMaxT()[pc.order[j]] >= a.pMaxT()[pc.order[j - 1]]);
            long survivors = Arrays.stream(a.pMaxT()).filter(v -> v < 0.05).count();
            assertTrue(survivors >= 15 && survivors <= 22, "max-T survivors " + survivors);
            assertEquals(1.0 / 301, a.pPerm()[0], 1e-15);
        }
    }

    @Test
    void nullPValuesAreUniformAndMaxTControlsFamilywiseError() {
        Random r = new Random(99);
        Mat x = design(r, 60);
        Mat y = responses(r, x, 400, 0);
        ComputeBackend ref = new ReferenceBackend();
        FreedmanLane.Problem prob = FreedmanLane.prepare(ref, x, TRAIT, y, all(y.rows));
        int[] index = IntStream.range(0, y.rows).toArray();
        FreedmanLane.Result res = FreedmanLane.run(ref, prob, index, y.rows, 199, 1, Log.WARNINGS);
        long below = Arrays.stream(res.pPerm()).filter(v -> v <= 0.1).count();
        assertTrue(below > 20 && below < 65, "null p <= 0.1 for " + below + " of 400 genes (expected ~40)");
        assertTrue(Arrays.stream(res.pMaxT()).min().getAsDouble() > 0.05, "no gene survives max-T under the null here");
    }

    @Test
    void permutationsArePermutationsAndUnbiased() {
        int n = 7, count = 14_000;
        int[] perms = Shuffles.permutations(42, n, 0, count);
        long[][] position = new long[n][n];
        for (int b = 0; b < count; b++) {
            boolean[] seen = new boolean[n];
            for (int i = 0; i < n; i++) {
                int v = perms[b * n + i];
                assertTrue(!seen[v]);
                seen[v] = true;
                position[i][v]++;
            }
        }
        // each sample lands in each position with probability 1/7: chi-square over 49 cells, df 42
        double chi = 0, e = count / (double) n;
        for (long[] row : position) for (long c : row) chi += (c - e) * (c - e) / e;
        assertTrue(chi < 75, "chi-square " + chi + " (df 42; 99.9% quantile ~77)");
    }
}
