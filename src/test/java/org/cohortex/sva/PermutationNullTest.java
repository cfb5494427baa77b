package org.cohortex.sva;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.linalg.Mat;
import org.junit.jupiter.api.Test;

/** num.sv be's permutation null: single-precision shares against exact ones, and the redoing of near comparisons. */
class PermutationNullTest {
    /** Genes x samples with k hidden factors of decreasing strength and a model of intercept and a two-level trait. */
    static Mat[] data(Random r, int m, int n, int k) {
        Mat dat = new Mat(m, n), mod = new Mat(n, 2);
        double[][] h = new double[k][n];
        for (double[] f : h) for (int j = 0; j < n; j++) f[j] = r.nextGaussian();
        for (int g = 0; g < m; g++) {
            double level = 5 + 3 * r.nextDouble();
            for (int j = 0; j < n; j++) dat.data[g * n + j] = level + r.nextGaussian();
            for (int f = 0; f < k; f++) {
                double l = r.nextGaussian() * 2.0 / (1 + 0.3 * f);
                for (int j = 0; j < n; j++) dat.data[g * n + j] += l * h[f][j];
            }
        }
        for (int j = 0; j < n; j++) {
            mod.data[2 * j] = 1;
            mod.data[2 * j + 1] = j % 2;
        }
        return new Mat[] {dat, mod};
    }

    @Test
    void singlePrecisionSharesAreFarWithinTheRedoMargin() {
        for (String kind : new String[] {"reference", "auto"}) {
            try (ComputeBackend b = Backends.create(kind, 2)) {
                Mat[] dm = data(new Random(5), 4_000, 80, 6);
                SurrogateVariables.PermutationNull pn = new SurrogateVariables.PermutationNull(b, dm[0], dm[1], 7);
                int[] all = IntStream.range(0, 12).toArray();
                List<double[]> single = pn.shares(all, true), exact = pn.shares(all, false);
                double worst = 0;
                for (int r = 0; r < all.length; r++) {
                    double[] f = single.get(r), d = exact.get(r);
                    for (int i = 0; i < pn.ndf; i++) worst = Math.max(worst, Math.abs(f[i] - d[i]) / d[i]);
                }
                assertTrue(worst < SurrogateVariables.NEAR / 100, b.name() + ": largest relative error " + worst);
                int counted = SurrogateVariables.PermutationNull.count(all.length, pn.dstat, pn.ndf, (w, sp) -> pn.shares(w, false));
                assertEquals(counted, pn.count(all.length), b.name() + ": the count with every permutation exact");
                assertEquals(6, counted, b.name() + ": the six hidden factors");
            }
        }
    }

    @Test
    void dataBeyondFloatsRangeCountsAsAtItsOwnScale() {
        try (ComputeBackend b = Backends.create("auto", 2)) {
            Mat[] dm = data(new Random(8), 2_000, 50, 3);
            int want = SurrogateVariables.numSvBe(b, dm[0], dm[1], 10, 3);
            assertEquals(3, want);
            for (double scale : new double[] {1e60, 1e-60}) {
                Mat big = dm[0].copy();
                for (int i = 0; i < big.data.length; i++) big.data[i] *= scale;
                SurrogateVariables.PermutationNull pn = new SurrogateVariables.PermutationNull(b, big, dm[1], 3);
                int[] all = IntStream.range(0, 10).toArray();
                List<double[]> single = pn.shares(all, true), exact = pn.shares(all, false);
                for (int r = 0; r < all.length; r++) {
                    for (int i = 0; i < pn.ndf; i++) {
                        double d = exact.get(r)[i];
                        assertEquals(d, single.get(r)[i], d * SurrogateVariables.NEAR / 100, "scale " + scale + ", permutation " + r);
                    }
                }
                assertEquals(want, pn.count(10), "scale " + scale);
            }
        }
    }

    /**
     * The observed shares from P G P (the start irw-sva shares with be) against those of the residuals' own Gram: equal to
     * far below any gap a permutation's share leaves, with a large mean in every gene (G's largest eigenvalue ~100x the
     * residuals'), and the same count; irw-sva from that start is irw-sva.
     */
    @Test
    void theResidualEigenproblemIrwStartsFromServesBe() {
        for (String kind : new String[] {"reference", "auto"}) {
            try (ComputeBackend b = Backends.create(kind, 2)) {
                Mat[] dm = data(new Random(11), 3_000, 60, 4);
                for (int i = 0; i < dm[0].data.length; i++) dm[0].data[i] += 20;
                var start = SurrogateVariables.residualEigen(b, dm[0], dm[1]);
                var own = new SurrogateVariables.PermutationNull(b, dm[0], dm[1], 5);
                var shared = new SurrogateVariables.PermutationNull(b, dm[0], dm[1], 5, start.values);
                for (int i = 0; i < own.ndf; i++) {
                    assertEquals(own.dstat[i], shared.dstat[i], 1e-9 * own.dstat[i], b.name() + ": share " + (i + 1));
                }
                assertEquals(4, own.count(20), b.name());
                assertEquals(4, shared.count(20), b.name());
                assertEquals(4, SurrogateVariables.numSvBeOfComplete(b, dm[0], dm[1], 20, 5, start), b.name());
                Mat mod0 = dm[1].selectColumns(new int[] {0});
                Mat a = SurrogateVariables.irwOfComplete(b, dm[0], dm[1], mod0, 4, 5, null).sv;
                Mat c = SurrogateVariables.irwOfComplete(b, dm[0], dm[1], mod0, 4, 5, start).sv;
                assertArrayEquals(a.data, c.data, 0, b.name() + ": irw-sva from the shared start");
            }
        }
    }

    /** Shares of 20 permutations: single precision from {@code single}, exact from {@code exact}; exact requests recorded. */
    static final class Fake implements SurrogateVariables.PermutationNull.Shares {
        final double[][] single, exact;
        final List<int[]> requests = new ArrayList<>();

        Fake(double[][] single, double[][] exact) {
            this.single = single;
            this.exact = exact;
        }

        @Override
        public List<double[]> of(int[] which, boolean singlePrecision) {
            if (!singlePrecision) requests.add(which.clone());
            List<double[]> out = new ArrayList<>();
            for (int r : which) out.add((singlePrecision ? single : exact)[r].clone());
            return out;
        }
    }

    static double[][] copies(double[] row, int count) {
        double[][] out = new double[count][];
        for (int r = 0; r < count; r++) out[r] = row.clone();
        return out;
    }

    @Test
    void comparisonsNearTheObservedShareAreRedoneExact() {
        double[] dstat = {0.4, 0.2, 0.1, 0.01};
        double[][] single = copies(new double[] {0.1, 0.1, 0.05, 0.02}, 20), exact = copies(new double[] {0.1, 0.1, 0.05, 0.02}, 20);
        Fake none = new Fake(single, exact);
        assertEquals(3, SurrogateVariables.PermutationNull.count(20, dstat, 4, none), "component 4 exceeded by every permutation");
        assertEquals(0, none.requests.size(), "nothing near: nothing redone");

        // three permutations just below the observed third share in single precision, at it exactly: p = 3 / 20 > 0.1
        for (int r : new int[] {2, 9, 17}) {
            single[r][2] = 0.1 * (1 - SurrogateVariables.NEAR / 10);
            exact[r][2] = 0.1;
        }
        Fake flips = new Fake(single, exact);
        assertEquals(2, SurrogateVariables.PermutationNull.count(20, dstat, 4, flips), "the exact shares decide");
        assertEquals(1, flips.requests.size());
        assertArrayEquals(new int[] {2, 9, 17}, flips.requests.get(0));

        // near but on the same side exactly: redone, count unchanged
        for (int r : new int[] {2, 9, 17}) exact[r][2] = 0.1 * (1 - SurrogateVariables.NEAR / 20);
        Fake same = new Fake(single, exact);
        assertEquals(3, SurrogateVariables.PermutationNull.count(20, dstat, 4, same));
        assertArrayEquals(new int[] {2, 9, 17}, same.requests.get(0));

        // a redo that raises the count brings later components in: permutations 1-3 near at component 4, then 5 at 5
        double[] dstat5 = {0.4, 0.2, 0.1, 0.05, 0.01};
        double[][] s5 = copies(new double[] {0.1, 0.1, 0.05, 0.03, 0.001}, 20), e5 = copies(new double[] {0.1, 0.1, 0.05, 0.03, 0.001}, 20);
        for (int r = 0; r < 3; r++) {
            s5[r][3] = 0.05;
            e5[r][3] = 0.04;
        }
        s5[4][4] = 0.01 * (1 + SurrogateVariables.NEAR / 10); // near at component 5, decisive only once component 4 passes
        Fake chain = new Fake(s5, e5);
        assertEquals(5, SurrogateVariables.PermutationNull.count(20, dstat5, 5, chain), "component 4 passes exactly, then 5");
        assertEquals(2, chain.requests.size(), "two rounds: " + chain.requests.stream().map(Arrays::toString).toList());
        assertArrayEquals(new int[] {0, 1, 2}, chain.requests.get(0));
        assertArrayEquals(new int[] {4}, chain.requests.get(1));
    }
}
