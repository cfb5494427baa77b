package org.cohortex.counts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.cohortex.stats.Log2;
import org.junit.jupiter.api.Test;

/**
 * voom's log2-CPM from the count table ({@link CountLog2}: sums of logarithms, rounded once) equals the formula applied
 * value by value, bit for bit.
 */
class LogCpmTest {
    @Test
    void everyValueIsTheFormulasOwn() {
        SplittableRandom r = new SplittableRandom(31);
        for (int rep = 0; rep < 8; rep++) {
            int genes = r.nextInt(1, 1500), n = r.nextInt(1, 70);
            double[] counts = new double[genes * n], lib = new double[n];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = switch (r.nextInt(8)) {
                    case 0 -> 0;
                    case 1 -> r.nextInt(1_023, 1_026);
                    case 2 -> Math.floor(Math.exp(17 * r.nextDouble())); // large counts, up to 2.4e7
                    case 3 -> r.nextInt(40) + 0.25; // not a whole number (scaled input)
                    case 4 -> r.nextInt(65_534, 65_538); // around the table's end
                    default -> r.nextInt(60);
                };
            }
            for (int j = 0; j < n; j++) lib[j] = rep % 2 == 0 ? 1e5 + 1e6 * r.nextDouble() : Math.exp(r.nextDouble(3, 23));
            double[] got = LogCpm.voom(counts, genes, n, lib);
            for (int g = 0; g < genes; g++) {
                for (int j = 0; j < n; j++) {
                    double want = Log2.log2((counts[g * n + j] + 0.5) / (lib[j] + 1) * 1e6);
                    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got[g * n + j]),
                            "gene " + g + ", sample " + j + ", count " + counts[g * n + j]);
                }
            }
        }
    }
}
