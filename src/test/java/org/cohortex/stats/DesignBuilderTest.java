package org.cohortex.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.cohortex.UserException;
import org.cohortex.io.PhenotypeTable;
import org.junit.jupiter.api.Test;

class DesignBuilderTest {
    static final List<String> S = List.of("a", "b", "c", "d", "e", "f", "g");

    static PhenotypeTable table(PhenotypeTable.Column... cols) {
        return PhenotypeTable.of("pheno.tsv", "id", S, List.of(cols));
    }

    @Test
    void treatmentCodingCompleteCasesAndNames() {
        PhenotypeTable t = table(
                PhenotypeTable.categoricalColumn("status", new String[] {"case", "ctrl", "case", "ctrl", "case", "ctrl", "case"}),
                PhenotypeTable.numericColumn("age", new double[] {30, 40, Double.NaN, 50, 60, 35, 45}),
                PhenotypeTable.categoricalColumn("batch", new String[] {"10", "9", "9", "10", "2", "2", "9"}));
        DesignMatrix d = DesignBuilder.build(S, t, "status", List.of("age", "batch"), null);
        assertEquals(List.of("(Intercept)", "statusctrl", "age", "batch9", "batch10"), d.columns,
                "numeric-looking levels sort numerically; first is reference");
        assertEquals(1, d.traitColumn);
        assertEquals(6, d.n());
        assertEquals("age", d.dropped.get("c"));
        assertEquals(1.0, d.x.get(0, 4)); // sample a: batch 10
        assertEquals(0.0, d.x.get(0, 1)); // sample a: case = reference
    }

    @Test
    void collinearCovariatesAreNamed() {
        PhenotypeTable t = table(
                PhenotypeTable.numericColumn("trait", new double[] {1, 0, 1, 0, 1, 1, 0}),
                PhenotypeTable.numericColumn("x", new double[] {1, 2, 3, 4, 5, 6, 7}),
                PhenotypeTable.numericColumn("x2", new double[] {3, 5, 7, 9, 11, 13, 15}));
        String m = assertThrows(UserException.class, () -> DesignBuilder.build(S, t, "trait", List.of("x", "x2"), null)).getMessage();
        assertTrue(m.contains("column 'x2' is a linear combination of '(Intercept)', 'x'"), m);
    }

    @Test
    void traitProblemsAreClearErrors() {
        PhenotypeTable one = table(PhenotypeTable.categoricalColumn("s", new String[] {"y", "y", "y", "y", "y", null, "y"}));
        assertTrue(assertThrows(UserException.class, () -> DesignBuilder.build(S, one, "s", List.of(),
                null)).getMessage().contains("one level ('y')"));
        double[] nan = new double[7];
        Arrays.fill(nan, Double.NaN);
        PhenotypeTable none = table(PhenotypeTable.numericColumn("t", nan));
        assertTrue(assertThrows(UserException.class, () -> DesignBuilder.build(S, none, "t", List.of(),
                null)).getMessage().contains("missing (NA) for every sample"));
        PhenotypeTable three = table(PhenotypeTable.categoricalColumn("s", new String[] {"a", "b", "c", "a", "b", "c", "a"}));
        assertTrue(assertThrows(UserException.class, () -> DesignBuilder.build(S, three, "s", List.of(),
                null)).getMessage().contains("3 levels"));
        PhenotypeTable ok = table(PhenotypeTable.numericColumn("t", new double[] {1, 2, 3, 4, 5, 6, 7}));
        assertTrue(assertThrows(UserException.class, () -> DesignBuilder.build(S, ok, "t", List.of("nope"),
                null)).getMessage().contains("no column named 'nope'"));
    }
}
