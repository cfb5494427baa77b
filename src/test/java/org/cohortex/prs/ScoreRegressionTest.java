package org.cohortex.prs;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScoreRegressionTest {
    @Test
    void aScoreThatSeparatesTheClassesIsReportedNotACrash() {
        int n = 40;
        double[] y = new double[n], score = new double[n];
        double[][] pc = new double[1][n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            score[i] = y[i] == 1 ? 1 + 0.01 * i : -1 - 0.01 * i; // perfect separation
            pc[0][i] = Math.sin(i);
        }
        assertThrows(ScoreRegression.SeparationException.class, () -> ScoreRegression.fit(y, pc, score, true));
        // overlapping classes still fit
        score[0] = 5;
        score[1] = -5;
        double r2 = ScoreRegression.fit(y, pc, score, true).r2();
        assertTrue(r2 > 0.1 && r2 < 1, "R2 " + r2);
    }
}
