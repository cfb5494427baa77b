package org.cohortex.counts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cohortex.linalg.Mat;
import org.cohortex.testutil.Tsv;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * edgeR's filterByExpr(y, design) on the simulated shapes: the same kept set, including genes built
 * to have CPM exactly at the cut-off in exactly MinSampleSize samples (E1), one sample short (E2),
 * one count above (E3), totals 14/15/16 (T14-16), all-zero and mostly-zero genes; s3 has
 * MinSampleSize 30 > large.n.
 */
class FilterByExprTest {
    @ParameterizedTest
    @ValueSource(strings = {"s1", "s2", "s3"})
    void keepsExactlyWhatEdgeRKeeps(String shape) {
        ShapeFixture f = ShapeFixture.load(shape);
        boolean[] keep = FilterByExpr.keep(f.counts, f.genes, f.n, f.design);
        assertArrayEquals(f.kept(), keep, shape + ": kept set");
        Tsv.assertClose(shape + " MinSampleSize", new double[] {FilterByExpr.minSampleSize(f.design, FilterByExpr.DEFAULTS)},
                new double[] {f.scalars.get("min_sample_size")}, 1e-13, 0);
        assertEquals(f.scalars.get("kept"), f.keptCount(), 0);
        double[] lib = FilterByExpr.columnSums(f.keptCounts(), f.keptCount(), f.n);
        assertArrayEquals(f.samples.numbers("lib_size"), lib, 0, shape + ": library sizes after filtering");
    }

    @Test
    void groupDesignNeedsTheSmallestGroupAndLargeGroupsAreModerated() {
        // hat values of an intercept + 2-group design are 1/size of the sample's group
        double[] d = new double[14 * 2];
        for (int i = 0; i < 14; i++) { d[i * 2] = 1; d[i * 2 + 1] = i < 4 ? 1 : 0; }
        assertEquals(4, FilterByExpr.minSampleSize(new Mat(14, 2, d), FilterByExpr.DEFAULTS), 1e-12);
        double[] e = new double[40 * 2];
        for (int i = 0; i < 40; i++) { e[i * 2] = 1; e[i * 2 + 1] = i < 20 ? 1 : 0; }
        assertEquals(10 + 10 * 0.7, FilterByExpr.minSampleSize(new Mat(40, 2, e), FilterByExpr.DEFAULTS), 1e-12);
    }
}
