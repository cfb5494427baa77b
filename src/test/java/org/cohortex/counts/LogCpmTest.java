package org.cohortex.counts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.cohortex.stats.Log2;
import org.junit.jupiter.api.Test;

/** voom's log2-CPM with the shared logarithms of small counts equals the formula applied value by value, bit for bit. */
class LogCpmTest {
    @Test
    void everyValueIsTheFormulasOwn() {
        SplittableRandom r = new SplittableRandom(31);
        for (int rep = 0; rep < 6; rep++) {
            int genes = r.nextInt(1, 700), n = r.nextInt(1, 70);
            double[] counts = new double[genes * n], lib = new double[n];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = switch (r.nextInt(6)) {
                    case 0 -> 0;
                    case 1 -> r.nextInt(1_023, 1_026); // around the table's end
                    case 2 -> Math.floor(Math.exp(12 * r.nextDouble())); // large counts
                    case 3 -> r.nextInt(40) + 0.25; // not a whole number (scaled input)
                    default -> r.nextInt(60);
                };
            }
            for (int j = 0; j < n; j++) lib[j] = 1e5 + 1e6 * r.nextDouble();
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
