package org.cohortex.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.cohortex.linalg.Backends;
import org.cohortex.linalg.ComputeBackend;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.openjdk.jmh.annotations.*;

/**
 * Batched OLS with a shared design: 20,000 genes x 300 samples x 30 design columns (issue 2).
 * Floor: one GEMM of 20,000 x 300 x 30 = 0.36 GFLOP plus reading Y once (48 MB).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OlsBenchmark {
    @Param({"cpu", "reference"})
    public String backend;

    @Param({"20000"})
    public int genes;

    @Param({"300"})
    public int samples;

    @Param({"30"})
    public int columns;

    ComputeBackend b;
    Mat x, y;

    @Setup
    public void setup() {
        b = Backends.create(backend, Runtime.getRuntime().availableProcessors());
        Random r = new Random(1);
        x = new Mat(samples, columns);
        for (int i = 0; i < samples; i++) {
            x.data[i * columns] = 1;
            for (int j = 1; j < columns; j++) x.data[i * columns + j] = r.nextGaussian();
        }
        y = new Mat(genes, samples);
        for (int i = 0; i < y.data.length; i++) y.data[i] = 8 + r.nextGaussian();
    }

    @TearDown
    public void tearDown() { b.close(); }

    @Benchmark
    public OlsFit ols() { return b.olsSharedDesign(x, y); }
}
