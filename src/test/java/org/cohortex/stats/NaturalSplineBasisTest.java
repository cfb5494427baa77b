package org.cohortex.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cohortex.linalg.Mat;
import org.cohortex.linalg.QrDecomposition;
import org.cohortex.testutil.Tsv;
import org.junit.jupiter.api.Test;

/** Our basis spans exactly the columns of R's splines::ns(x, df, intercept = TRUE) (df 2..4, tied x). */
class NaturalSplineBasisTest {
    @Test
    void spansTheSameSpaceAsRsNs() {
        Tsv t = Tsv.read("limma/ns.tsv");
        double[] dfCol = t.numbers("df"), i = t.numbers("i"), j = t.numbers("j"), x = t.numbers("x"), v = t.numbers("value");
        for (int df = 2; df <= 4; df++) {
            int n = 0;
            for (int r = 0; r < dfCol.length; r++) if (dfCol[r] == df) n = Math.max(n, (int) i[r]);
            double[] xs = new double[n], rBasis = new double[n * df];
            for (int r = 0; r < dfCol.length; r++) {
                if (dfCol[r] != df) continue;
                xs[(int) i[r] - 1] = x[r];
                rBasis[((int) i[r] - 1) * df + (int) j[r] - 1] = v[r];
            }
            double[] ours = NaturalSplineBasis.basis(xs, df);
            Mat q = new QrDecomposition(new Mat(n, df, ours)).q();
            assertEquals(df, q.cols);
            double worst = 0;
            for (int c = 0; c < df; c++) { // residual of R's column c after projection on our span
                double[] proj = new double[df];
                for (int a = 0; a < n; a++) for (int k = 0; k < df; k++) proj[k] += q.data[a * df + k] * rBasis[a * df + c];
                double res = 0, norm = 0;
                for (int a = 0; a < n; a++) {
                    double fit = 0;
                    for (int k = 0; k < df; k++) fit += q.data[a * df + k] * proj[k];
                    res += (rBasis[a * df + c] - fit) * (rBasis[a * df + c] - fit);
                    norm += rBasis[a * df + c] * rBasis[a * df + c];
                }
                worst = Math.max(worst, Math.sqrt(res / norm));
            }
            System.out.printf("agreement ns df %d: largest relative residual of R's columns on our span %.3g%n", df, worst);
            assertTrue(worst < 1e-12, "df " + df + ": R's ns column outside our span by " + worst);
        }
    }
}
