package org.cohortex.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.cohortex.testutil.Tsv;
import org.junit.jupiter.api.Test;

/**
 * limma::squeezeVar / fitFDist against R (make_limma_fixture.R): finite and infinite prior df, with
 * and without the spline trend, df varying by gene, few distinct covariate values (splinedf capped),
 * zero variances.
 */
class EmpiricalBayesTest {
    @Test
    void squeezeVarMatchesLimma() {
        Tsv t = Tsv.read("limma/squeeze.tsv.gz");
        double[] id = t.numbers("case"), var = t.numbers("var"), df = t.numbers("df"), cov = t.numbers("covariate");
        double[] dfPrior = t.numbers("df_prior"), varPrior = t.numbers("var_prior"), varPost = t.numbers("var_post");
        int cases = 0, infinite = 0;
        for (int from = 0; from < id.length; ) {
            int to = from;
            while (to < id.length && id[to] == id[from]) to++;
            double[] c = Double.isNaN(cov[from]) ? null : Arrays.copyOfRange(cov, from, to);
            EmpiricalBayes.Squeezed s = EmpiricalBayes.squeezeVar(Arrays.copyOfRange(var, from, to), Arrays.copyOfRange(df, from, to), c);
            String what = "squeezeVar case " + (int) id[from];
            if (Double.isInfinite(dfPrior[from])) {
                assertEquals(Double.POSITIVE_INFINITY, s.dfPrior(), what);
                infinite++;
            } else {
                Tsv.assertClose(what + " df.prior", new double[] {s.dfPrior()}, new double[] {dfPrior[from]}, 1e-8, 0);
            }
            Tsv.assertClose(what + " var.prior", s.varPrior(), Arrays.copyOfRange(varPrior, from, to), 1e-8, 0);
            Tsv.assertClose(what + " var.post", s.varPost(), Arrays.copyOfRange(varPost, from, to), 1e-8, 0);
            cases++;
            from = to;
        }
        assertEquals(7, cases);
        assertEquals(2, infinite);
    }

    @Test
    void moderatedTCapsTheTotalDfAtThePooledDf() {
        double[] sigma = {1, 1.0001, 0.9999, 1.00005}, df = {2, 2, 2, 2};
        EmpiricalBayes.Moderation m = EmpiricalBayes.moderate(sigma, df, null);
        assertEquals(Double.POSITIVE_INFINITY, m.dfPrior());
        for (double d : m.dfTotal()) assertEquals(8, d, 0);
        double[] t = m.t(new double[] {1, 2, 3, 4}, new double[] {0.5, 0.5, 0.5, 0.5});
        assertTrue(t[1] == 4 / Math.sqrt(m.s2Post()[1]));
    }
}
