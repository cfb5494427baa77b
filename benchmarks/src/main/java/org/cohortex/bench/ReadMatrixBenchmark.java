package org.cohortex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.MatrixWriter;
import org.cohortex.linalg.Mat;
import org.openjdk.jmh.annotations.*;

/** Reading a 20,000 x 300 expression matrix written as R writes it (15 significant digits), plain and gzip. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReadMatrixBenchmark {
    @Param({"tsv", "tsv.gz"})
    public String format;

    Path file;

    @Setup
    public void setup() throws IOException {
        int genes = 20_000, n = 300;
        Random r = new Random(2);
        String[] g = new String[genes], s = new String[n];
        for (int i = 0; i < genes; i++) g[i] = "ENSG" + (10_000_000 + i);
        for (int j = 0; j < n; j++) s[j] = "donor" + j;
        Mat m = new Mat(genes, n);
        for (int i = 0; i < m.data.length; i++) m.data[i] = Double.parseDouble(String.format(java.util.Locale.ROOT, "%.15g", 6 + 2 * r.nextGaussian()));
        file = Files.createTempFile("cohortex-bench", "." + format);
        MatrixWriter.write(file, new ExpressionMatrix(g, s, m));
    }

    @TearDown
    public void tearDown() throws IOException { Files.deleteIfExists(file); }

    @Benchmark
    public ExpressionMatrix read() { return MatrixReader.read(file); }
}
