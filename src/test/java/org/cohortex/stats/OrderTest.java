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
