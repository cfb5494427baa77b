package org.cohortex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.MatrixWriter;
import org.cohortex.linalg.Mat;
import org.openjdk.jmh.annotations.*;

/**
 * Reading a 20,000 x 300 expression matrix written as R writes it (15 significant digits), plain and gzip; and the same
 * matrix as Python's csv module writes it with QUOTE_ALL (every id and number in double quotes, comma-separated).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReadMatrixBenchmark {
    @Param({"tsv", "tsv.gz", "quoted.csv"})
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
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = Double.parseDouble(String.format(Locale.ROOT, "%.15g", 6 + 2 * r.nextGaussian()));
        }
        file = Files.createTempFile("cohortex-bench", "." + format);
        if (!format.equals("quoted.csv")) {
            MatrixWriter.write(file, new ExpressionMatrix(g, s, m));
            return;
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("\"gene\"");
            for (String id : s) w.write(",\"" + id + "\"");
            w.write("\r\n");
            for (int i = 0; i < genes; i++) {
                StringBuilder sb = new StringBuilder("\"" + g[i] + "\"");
                for (int j = 0; j < n; j++) sb.append(",\"").append(m.data[i * n + j]).append('"');
                w.write(sb.append("\r\n").toString());
            }
        }
    }

    @TearDown
    public void tearDown() throws IOException { Files.deleteIfExists(file); }

    @Benchmark
    public ExpressionMatrix read() { return MatrixReader.read(file); }
}
