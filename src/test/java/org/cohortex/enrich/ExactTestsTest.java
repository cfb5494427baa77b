package org.cohortex.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.cohortex.enrich.ExactTests.Alternative;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.Test;

/** Against R's binom.test, fisher.test, phyper, pbinom and dbinom (fixtures/enrich/make_exact_fixture.R). */
class ExactTestsTest {
    static Alternative alt(String s) {
        return s.equals("greater") ? Alternative.GREATER : s.equals("less") ? Alternative.LESS : Alternative.TWO_SIDED;
    }

    static void assertP(double want, double gotLog, String what) {
        if (want == 0) {
            assertTrue(ExactTests.log10(gotLog) < -300, what + ": R underflowed to 0, we give log10 p = " + ExactTests.log10(gotLog));
            return;
        }
        double got = Math.exp(gotLog);
        assertEquals(want, got, 1e-10 * want, what);
    }

    @Test
    void binomTestMatchesR() {
        List<Map<String, String>> rows = Fixtures.table(Fixtures.path("enrich/expected_binom_test.tsv"));
        assertEquals(120, rows.size());
        for (Map<String, String> r : rows) {
            long x = Long.parseLong(r.get("x")), n = Long.parseLong(r.get("n"));
            double p = Double.parseDouble(r.get("p"));
            assertP(Double.parseDouble(r.get("pvalue")), ExactTests.logBinomTest(x, n, p, alt(r.get("alternative"))), r.toString());
        }
    }

    @Test
    void fisherTestMatchesRIncludingWhereRUnderflows() {
        int zero = 0;
        for (Map<String, String> r : Fixtures.table(Fixtures.path("enrich/expected_fisher_test.tsv"))) {
            double want = Double.parseDouble(r.get("pvalue"));
            if (want == 0) zero++;
            assertP(want, ExactTests.logFisher(Long.parseLong(r.get("a")), Long.parseLong(r.get("b")), Long.parseLong(r.get("c")),
                    Long.parseLong(r.get("d")), alt(r.get("alternative"))), r.toString());
        }
        assertTrue(zero > 0, "the fixture reaches below R's double range");
    }

    @Test
    void hypergeometricAndBinomialTailsMatchRInLogSpace() {
        for (Map<String, String> r : Fixtures.table(Fixtures.path("enrich/expected_phyper_upper.tsv"))) {
            double want = Double.parseDouble(r.get("logp"));
            double got = ExactTests.logHyperUpper(Long.parseLong(r.get("q")), Long.parseLong(r.get("m")), Long.parseLong(r.get("n")),
                    Long.parseLong(r.get("k")));
            assertEquals(want, got, 1e-10 * Math.max(1e-3, Math.abs(want)), r.toString());
        }
        for (Map<String, String> r : Fixtures.table(Fixtures.path("enrich/expected_pbinom.tsv"))) {
            long x = Long.parseLong(r.get("x")), n = Long.parseLong(r.get("n"));
            double p = Double.parseDouble(r.get("p"));
            for (String[] c : new String[][] {{"logupper", "u"}, {"loglower", "l"}, {"logd", "d"}}) {
                double want = Double.parseDouble(r.get(c[0]));
                double got = c[1].equals("u") ? ExactTests.logBinomUpper(x, n, p) : c[1].equals("l") ? ExactTests.logBinomLower(x, n,
                        p) : ExactTests.logDbinom(x, n, p);
                assertEquals(want, got, 1e-10 * Math.max(1e-3, Math.abs(want)), c[0] + " " + r);
            }
        }
    }
}
