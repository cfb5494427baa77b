package org.cohortex.counts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.cohortex.stats.Log2;
import org.cohortex.stats.RSummary;
import org.cohortex.testutil.Tsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** edgeR's calcNormFactors(method = "TMM") against R. */
class TmmNormalizationTest {
    @ParameterizedTest
    @ValueSource(strings = {"s1", "s2", "s3"})
    void factorsAfterFilteringAndOnAllGenesWithZeroRows(String shape) {
        ShapeFixture f = ShapeFixture.load(shape);
        double[] sub = f.keptCounts();
        int m = f.keptCount();
        double[] nf = TmmNormalization.factors(sub, m, f.n, FilterByExpr.columnSums(sub, m, f.n));
        Tsv.assertClose(shape + " TMM (filtered)", nf, f.samples.numbers("norm_factor"), 1e-8, 0);
        double[] all = TmmNormalization.factors(f.counts, f.genes, f.n, FilterByExpr.columnSums(f.counts, f.genes, f.n));
        Tsv.assertClose(shape + " TMM (all genes)", all, f.samples.numbers("norm_factor_unfiltered"), 1e-8, 0);
    }

    /** Ties (rank trimming with average ranks), zero rows, upper quartiles all zero, identical samples. */
    @Test
    void smallMatricesFullOfTies() {
        Tsv t = Tsv.read("limma/tmm_ties.tsv.gz");
        double[] id = t.numbers("case"), gene = t.numbers("gene"), sample = t.numbers("sample"), count = t.numbers("count");
        double[] factor = t.numbers("factor");
        for (int from = 0; from < id.length; ) {
            int to = from;
            while (to < id.length && id[to] == id[from]) to++;
            int genes = 0, n = 0;
            for (int i = from; i < to; i++) { genes = Math.max(genes, (int) gene[i]); n = Math.max(n, (int) sample[i]); }
            double[] c = new double[genes * n], want = new double[n];
            for (int i = from; i < to; i++) {
                c[((int) gene[i] - 1) * n + (int) sample[i] - 1] = count[i];
                want[(int) sample[i] - 1] = factor[i];
            }
            double[] got = TmmNormalization.factors(c, genes, n, FilterByExpr.columnSums(c, genes, n));
            Tsv.assertClose("TMM ties case " + (int) id[from], got, want, 1e-8, 0);
            from = to;
        }
    }

    /**
     * Every M and A that TMM trims and averages is Log2.log2 of R's rounded quotients, bit for bit: the sums of the count
     * table's logarithms ({@link CountLog2}) and their fallbacks (a sample equal to the reference: every M is 0).
     */
    @Test
    void logRatiosAreLog2OfTheRoundedQuotients() {
        SplittableRandom r = new SplittableRandom(23);
        for (int rep = 0; rep < 10; rep++) {
            int genes = r.nextInt(1, 4000);
            double[] ref = mixedCounts(genes, r), obs = rep == 0 ? ref.clone() : mixedCounts(genes, r);
            double nR = Arrays.stream(ref).sum() + 1, nO = rep == 0 ? nR : rep % 3 == 0 ? Math.exp(r.nextDouble(2, 30))
                    : Arrays.stream(obs).sum() + r.nextInt(3);
            TmmNormalization.Reference reference = new TmmNormalization.Reference(ref, nR);
            double[] logR = new double[genes], absE = new double[genes];
            int[] gene = new int[genes];
            int m = TmmNormalization.logRatios(obs, nO, reference, TmmNormalization.DEFAULTS, logR, absE, gene);
            int k = 0;
            for (int i = 0; i < genes; i++) {
                double o = obs[i] / nO, lr = Log2.log2(o / (ref[i] / nR)), ae = (Log2.log2(o) + Log2.log2(ref[i] / nR)) / 2;
                if (!Double.isFinite(lr) || !Double.isFinite(ae)) continue;
                String at = "rep " + rep + ", gene " + i + ", counts " + obs[i] + " / " + ref[i];
                assertEquals(i, gene[k], at);
                assertEquals(Double.doubleToRawLongBits(lr), Double.doubleToRawLongBits(logR[k]), at + ": M");
                assertEquals(Double.doubleToRawLongBits(ae), Double.doubleToRawLongBits(absE[k]), at + ": A");
                k++;
            }
            assertEquals(k, m, "rep " + rep);
        }
    }

    /** Zeros, small counts, counts around 1,024 and around the count table's end (2^16), large ones, fractions. */
    private static double[] mixedCounts(int genes, SplittableRandom r) {
        double[] c = new double[genes];
        for (int i = 0; i < genes; i++) {
            c[i] = switch (r.nextInt(7)) {
                case 0 -> 0;
                case 1 -> r.nextInt(1_022, 1_027);
                case 2 -> r.nextInt(65_533, 65_539);
                case 3 -> Math.floor(Math.exp(17 * r.nextDouble()));
                case 4 -> r.nextInt(30) + 0.5;
                default -> r.nextInt(1, 80);
            };
        }
        return c;
    }

    /** The trim by value window keeps exactly the values whose average rank is in [lo, hi], ties and signed zeros included. */
    @Test
    void rankWindowKeepsTheValuesWhoseRankIsInside() {
        SplittableRandom r = new SplittableRandom(17);
        for (int rep = 0; rep < 20_000; rep++) {
            int m = 1 + r.nextInt(rep % 10 == 0 ? 400 : 60);
            double[] x = new double[m];
            for (int i = 0; i < m; i++) {
                x[i] = r.nextInt(4) == 0 ? (r.nextBoolean() ? 0.0 : -0.0) : Math.round(r.nextGaussian() * 4) / 4.0; // many ties
            }
            double lo = Math.floor(m * r.nextDouble() * 0.5) + 1, hi = m + 1 - lo + (r.nextInt(3) - 1) * 0.5;
            double[] rank = TmmNormalization.averageRanks(x, m), w = TmmNormalization.rankWindow(x, m, lo, hi);
            for (int i = 0; i < m; i++) {
                boolean byRank = rank[i] >= lo && rank[i] <= hi, byValue = x[i] >= w[0] && x[i] <= w[1];
                assertEquals(byRank, byValue, "x = " + Arrays.toString(x) + ", lo " + lo + ", hi " + hi + ", i " + i);
            }
        }
    }

    /**
     * The same at the sizes where the window's order statistics come from a sampled range of values (above 4,096): heavy
     * ties, signed zeros, and arrays whose sampled positions hold outliers, so that the sampled range misses the rank and
     * the exact fallbacks run.
     */
    @Test
    void rankWindowOnLargeArraysWithTiesAndMisleadingSamples() {
        SplittableRandom r = new SplittableRandom(23);
        for (int rep = 0; rep < 150; rep++) {
            int kind = rep % 5, m = kind == 4 ? 10 * (410 + r.nextInt(3_000)) : 4_097 + r.nextInt(30_000);
            double[] x = new double[m];
            for (int i = 0; i < m; i++) {
                x[i] = switch (kind) {
                    case 0 -> r.nextGaussian();
                    case 1 -> r.nextInt(5) == 0 ? (r.nextBoolean() ? 0.0 : -0.0) : Math.round(r.nextGaussian() * 3) / 4.0;
                    case 2 -> r.nextInt(3); // three values: the ranks land inside huge tie groups
                    case 3 -> (long) i * 1024 % m < 1024 ? 1e6 * (r.nextBoolean() ? 1 : -1) : r.nextGaussian(); // sampled spots
                    default -> i < m / 5 ? 0 : i < 2 * m / 5 ? 1 : 2; // tie groups ending just below lo and starting above hi
                };
            }
            if (kind == 4) shuffle(x, r);
            double lo = rep % 2 == 0 || kind == 4 ? Math.floor(m * 0.3) + 1 : Math.floor(m * r.nextDouble() * 0.5) + 1;
            double hi = m + 1 - lo + (kind == 4 ? 0 : (r.nextInt(3) - 1) * 0.5);
            double[] rank = TmmNormalization.averageRanks(x, m), w = TmmNormalization.rankWindow(x, m, lo, hi, new double[m]);
            for (int i = 0; i < m; i++) {
                boolean byRank = rank[i] >= lo && rank[i] <= hi, byValue = x[i] >= w[0] && x[i] <= w[1];
                assertEquals(byRank, byValue, "kind " + kind + ", m " + m + ", lo " + lo + ", hi " + hi + ", i " + i + ", x " + x[i]);
            }
        }
    }

    private static void shuffle(double[] x, SplittableRandom r) {
        for (int i = x.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }

    @Test
    void averageRanksAsR() {
        double[] r = TmmNormalization.averageRanks(new double[] {3, 1, 3, 2, 3, 1}, 6);
        assertArrayEquals(new double[] {5, 1.5, 5, 3, 5, 1.5}, r, 0, Arrays.toString(r));
    }

    /** The reference column's upper quartile by selection (and any other quantile) is R's quantile type 7, bit for bit. */
    @Test
    void upperQuartileBySelectionIsQuantileSeven() {
        SplittableRandom r = new SplittableRandom(19);
        for (int rep = 0; rep < 5_000; rep++) {
            int n = rep % 50 == 0 ? 4_097 + r.nextInt(20_000) : 1 + r.nextInt(200); // large: selection in a sampled range
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = r.nextInt(3) == 0 ? r.nextInt(5) : Math.floor(Math.exp(r.nextGaussian() * 3));
            double prob = rep % 2 == 0 ? 0.75 : r.nextDouble();
            assertEquals(Double.doubleToLongBits(RSummary.quantile7(x, prob)), Double.doubleToLongBits(RSummary.quantile7Select(x, prob)),
                    prob + " of " + Arrays.toString(x));
        }
    }
}
