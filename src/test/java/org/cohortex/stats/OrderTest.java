package org.cohortex.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class OrderTest {
    /** The boxed stable sort Order replaces. */
    private static int[] boxed(double[] v, int[] idx) {
        Integer[] b = Arrays.stream(idx).boxed().toArray(Integer[]::new);
        Arrays.sort(b, Comparator.comparingDouble(i -> v[i]));
        return Arrays.stream(b).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void sameOrderAsTheStableBoxedSortWithTiesSignedZerosNaNAndInfinities() {
        SplittableRandom r = new SplittableRandom(3);
        double[] pool = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300, -1e-300, Double.MIN_VALUE,
            0.5, 0.5, 1.0};
        for (int rep = 0; rep < 2_000; rep++) {
            int n = r.nextInt(0, 300);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (r.nextInt(4)) {
                    case 0 -> pool[r.nextInt(pool.length)];
                    case 1 -> r.nextInt(5) / 4.0; // many ties
                    default -> r.nextGaussian();
                };
            }
            assertArrayEquals(boxed(v, IntStream.range(0, n).toArray()), Order.ascending(v), "n " + n);
            int[] sub = IntStream.range(0, n).filter(i -> r.nextBoolean()).toArray();
            int[] before = sub.clone();
            assertArrayEquals(boxed(v, sub), Order.ascending(v, sub));
            assertArrayEquals(before, sub, "idx left unchanged");
        }
    }

    @Test
    void radixAndMergeSortsGiveTheSameStableOrderOnLongInputs() {
        SplittableRandom r = new SplittableRandom(4);
        double[] pool = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE};
        for (int rep = 0; rep < 60; rep++) {
            int n = r.nextInt(Order.RADIX_FROM, 40_000);
            int kind = rep % 4;
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (kind) {
                    case 0 -> r.nextDouble(); // p-values: shared top bits
                    case 1 -> r.nextInt(7) / 3.0; // ties only
                    case 2 -> r.nextInt(50) == 0 ? pool[r.nextInt(pool.length)] : r.nextGaussian() * Math.exp(20 * r.nextGaussian());
                    default -> 0.25; // one value: every digit shared
                };
            }
            int[] all = IntStream.range(0, n).toArray();
            int[] radix = Order.ascendingRadix(v, all);
            assertArrayEquals(Order.ascendingMerge(v, all), radix, "kind " + kind + ", n " + n);
            if (rep < 8) assertArrayEquals(boxed(v, all), radix, "boxed, kind " + kind);
            int[] sub = IntStream.range(0, n).filter(i -> r.nextInt(3) > 0).toArray();
            assertArrayEquals(Order.ascendingMerge(v, sub), Order.ascendingRadix(v, sub), "subset, kind " + kind);
        }
    }

    @Test
    void selectGivesTheSortedValueAtEveryRank() {
        SplittableRandom r = new SplittableRandom(5);
        for (int rep = 0; rep < 3_000; rep++) {
            int n = r.nextInt(1, 120);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (r.nextInt(3)) {
                    case 0 -> r.nextBoolean() ? 0.0 : -0.0;
                    case 1 -> r.nextInt(4); // many ties
                    default -> r.nextGaussian();
                };
            }
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            for (int k = 0; k < n; k++) {
                double got = Order.select(v.clone(), n, k);
                assertTrue(got == sorted[k], "rank " + k + " of " + Arrays.toString(v) + ": " + got + " vs " + sorted[k]);
            }
        }
    }
}
