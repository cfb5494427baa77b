package org.cohortex.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.cohortex.UserException;
import org.cohortex.linalg.Mat;
import org.junit.jupiter.api.Test;

/** Library sizes of counts checked in blocks on all cores: the error still names the first bad value in file order. */
class ScaleTest {
    private static ExpressionMatrix counts(int genes, int n, SplittableRandom r) {
        String[] g = new String[genes], s = new String[n];
        for (int i = 0; i < genes; i++) g[i] = "G" + i;
        for (int j = 0; j < n; j++) s[j] = "S" + j;
        Mat v = new Mat(genes, n);
        for (int i = 0; i < v.data.length; i++) v.data[i] = r.nextInt(500);
        return new ExpressionMatrix(g, s, v);
    }

    @Test
    void theFirstBadValueInFileOrderIsNamedWhereverTheBlocksEnd() {
        SplittableRandom r = new SplittableRandom(8);
        int genes = 3_000, n = 97; // 291,000 values: five blocks
        for (int rep = 0; rep < 12; rep++) {
            ExpressionMatrix m = counts(genes, n, r);
            int first = r.nextInt(m.values.data.length - 1), later = first + 1 + r.nextInt(m.values.data.length - first - 1);
            m.values.data[later] = Double.NaN;
            m.values.data[first] = rep % 2 == 0 ? -1 : Double.NaN;
            UserException e = assertThrows(UserException.class, () -> Scale.countLibrarySizes(m, "x.tsv"));
            String want = "gene 'G" + first / n + "', sample 'S" + first % n + "'";
            assertTrue(e.getMessage().contains(want), e.getMessage() + " should name " + want);
            // the DE engine's check without the sums: the same message
            assertEquals(e.getMessage(), assertThrows(UserException.class, () -> Scale.requireCounts(m, "x.tsv")).getMessage());
        }
    }

    @Test
    void librarySizesAreTheColumnSumsInRowOrder() {
        SplittableRandom r = new SplittableRandom(9);
        ExpressionMatrix m = counts(2_000, 61, r);
        for (int i = 0; i < m.values.data.length; i += 7) m.values.data[i] = r.nextDouble() * 1e-3; // sums that round
        double[] want = new double[61];
        for (int g = 0; g < 2_000; g++) for (int j = 0; j < 61; j++) want[j] += m.values.data[g * 61 + j];
        assertArrayEquals(want, Scale.countLibrarySizes(m, "x.tsv"), 0);
    }
}
