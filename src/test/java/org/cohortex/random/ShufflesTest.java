package org.cohortex.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The shuffled copy against the in-place shuffle on the SplittableRandom of the same key: the same permutation. */
class ShufflesTest {
    @Test
    void shuffledCopyIsTheShuffleOnTheKeysStream() {
        SplittableRandom r = new SplittableRandom(41);
        for (int rep = 0; rep < 3_000; rep++) {
            int n = rep < 2_000 ? rep % 41 : 1 + r.nextInt(1_200);
            long key = rep % 3 == 0 ? KeyedStreams.key(r.nextLong(), rep, r.nextInt()) : r.nextLong();
            double[] src = new double[n + 7];
            for (int i = 0; i < src.length; i++) src[i] = r.nextGaussian();
            double[] want = new double[n + 5], got = new double[n + 5];
            System.arraycopy(src, 3, want, 2, n);
            Shuffles.shuffle(want, 2, n, new SplittableRandom(key));
            Shuffles.shuffledCopy(src, 3, got, 2, n, key);
            assertArrayEquals(want, got, 0, "n " + n + ", key " + key);
        }
    }

    @Test
    void theFloatCopyPermutesAsTheDoubleOne() {
        SplittableRandom r = new SplittableRandom(43);
        for (int rep = 0; rep < 1_000; rep++) {
            int n = rep < 300 ? rep % 37 : 1 + r.nextInt(900);
            long key = r.nextLong();
            double[] src = new double[n + 4];
            float[] single = new float[n + 4];
            for (int i = 0; i < src.length; i++) single[i] = (float) (src[i] = i + 0.25); // distinct, exact in float
            double[] want = new double[n + 1];
            float[] got = new float[n + 1];
            Shuffles.shuffledCopy(src, 4 - 1, want, 1, n, key);
            Shuffles.shuffledCopy(single, 4 - 1, got, 1, n, key);
            for (int i = 0; i < n + 1; i++) {
                if (want[i] != got[i]) throw new AssertionError("n " + n + ", key " + key + ", at " + i + ": " + want[i] + " vs " + got[i]);
            }
        }
    }
}
