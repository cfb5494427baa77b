package org.cohortex.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.Test;

class MultipleTestingTest {
    @Test
    void matchesRsPAdjustWithNasAndTies() {
        List<Map<String, String>> rows = Fixtures.table(Fixtures.path("lm/expected_p_adjust.tsv"));
        double[] p = rows.stream().mapToDouble(r -> Fixtures.num(r.get("p"))).toArray();
        double[] bonf = MultipleTesting.bonferroni(p), bh = MultipleTesting.benjaminiHochberg(p);
        for (int i = 0; i < p.length; i++) {
            double wb = Fixtures.num(rows.get(i).get("bonferroni")), wq = Fixtures.num(rows.get(i).get("bh"));
            assertTrue(Fixtures.close(bonf[i], wb, 1e-14, 0), "bonferroni[" + i + "] " + bonf[i] + " vs " + wb);
            assertTrue(Fixtures.close(bh[i], wq, 1e-14, 0), "BH[" + i + "] " + bh[i] + " vs " + wq);
        }
    }
}
