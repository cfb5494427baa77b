package org.cohortex.counts;

import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.testutil.Tsv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** voom's log-CPM and precision weights against limma on the filtered, TMM-normalised shapes. */
class VoomTest {
    static ComputeBackend backend;

    @BeforeAll
    static void open() { backend = Backends.create("auto", 2); }

    @AfterAll
    static void close() { backend.close(); }

    @ParameterizedTest
    @ValueSource(strings = {"s1", "s2", "s3"})
    void logCpmAndWeightsMatchLimma(String shape) {
        ShapeFixture f = ShapeFixture.load(shape);
        int m = f.keptCount();
        double[] eff = LogCpm.effective(f.samples.numbers("lib_size"), f.samples.numbers("norm_factor"));
        Voom.Result v = Voom.compute(backend, f.keptCounts(), m, f.n, f.design, eff);
        // log-CPM crosses zero: relative error with a floor of 1
        Tsv.assertClose(shape + " voom log-CPM", f.rowsOf(v.logCpm().data, f.logCpm), f.logCpm.matrix(1), 1e-8, 1);
        Tsv.assertClose(shape + " voom weights", f.rowsOf(v.weights().data, f.weights), f.weights.matrix(1), 1e-8, 0);
    }
}
