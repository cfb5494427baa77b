package org.cohortex.sva;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.cohortex.UserException;
import org.cohortex.linalg.Mat;
import org.junit.jupiter.api.Test;

/** SVA's completeness check runs in row blocks on all cores and still reports the first gene row with a missing value. */
class RequireCompleteTest {
    @Test
    void theFirstGeneWithAMissingValueIsNamed() {
        SplittableRandom r = new SplittableRandom(2);
        int genes = 5_000, n = 37;
        Mat dat = new Mat(genes, n);
        for (int i = 0; i < dat.data.length; i++) dat.data[i] = r.nextGaussian();
        assertDoesNotThrow(() -> SurrogateVariables.requireComplete(dat));
        for (int rep = 0; rep < 10; rep++) {
            Mat d = dat.copy();
            int first = r.nextInt(genes - 1), later = first + 1 + r.nextInt(genes - first - 1);
            d.data[later * n + r.nextInt(n)] = Double.NaN;
            d.data[first * n + r.nextInt(n)] = Double.NaN;
            UserException e = assertThrows(UserException.class, () -> SurrogateVariables.requireComplete(d));
            assertTrue(e.getMessage().contains("gene row " + (first + 1) + " "), e.getMessage());
        }
    }
}
