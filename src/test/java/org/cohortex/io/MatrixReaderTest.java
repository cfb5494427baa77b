package org.cohortex.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.cohortex.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatrixReaderTest {
    @TempDir
    Path dir;

    Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    String error(Path p) {
        return assertThrows(UserException.class, () -> MatrixReader.read(p)).getMessage();
    }

    @Test
    void readsTsvWithMissingValuesAndCrlf() throws IOException {
        Path p = write("m.tsv", "gene\ts1\ts2\ts3\r\ng1\t1.5\tNA\t-2e-3\r\ng2\t\t7\t0\r\n");
        ExpressionMatrix m = MatrixReader.read(p);
        assertArrayEquals(new String[] {"s1", "s2", "s3"}, m.samples);
        assertArrayEquals(new String[] {"g1", "g2"}, m.genes);
        assertEquals(1.5, m.values.get(0, 0));
        assertTrue(Double.isNaN(m.values.get(0, 1)));
        assertEquals(-2e-3, m.values.get(0, 2));
        assertTrue(Double.isNaN(m.values.get(1, 0)));
        assertEquals(7, m.values.get(1, 1));
    }

    @Test
    void readsQuotedCsvAsRWritesIt() throws IOException {
        Path p = write("m.csv", "\"\",\"A\",\"B\"\n\"ENSG1\",1,2\n\"ENSG2\",3.25,4\n");
        ExpressionMatrix m = MatrixReader.read(p);
        assertArrayEquals(new String[] {"A", "B"}, m.samples);
        assertArrayEquals(new String[] {"ENSG1", "ENSG2"}, m.genes);
        assertEquals(3.25, m.values.get(1, 0));
    }

    @Test
    void readsGzipByMagicBytesAndManyChunksInOrder() throws IOException {
        Random r = new Random(1);
        int genes = 60_000, n = 30;
        double[] want = new double[genes * n];
        StringBuilder sb = new StringBuilder("id");
        for (int j = 0; j < n; j++) sb.append("\tS").append(j);
        sb.append('\n');
        for (int g = 0; g < genes; g++) {
            sb.append("gene").append(g);
            for (int j = 0; j < n; j++) {
                double v = r.nextInt(4) == 0 ? r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20) : Math.round(r.nextDouble() * 1e6) / 1e3;
                want[g * n + j] = v;
                sb.append('\t').append(v);
            }
            sb.append('\n');
        }
        Path p = dir.resolve("big.data"); // no extension: gzip found by magic, tab by header
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(p))) {
            os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        ExpressionMatrix m = MatrixReader.read(p, 2);
        assertEquals(genes, m.geneCount());
        assertEquals("gene59999", m.genes[genes - 1]);
        assertArrayEquals(want, m.values.data, 0.0, "every value parses to exactly Double.parseDouble's result");
    }

    @Test
    void fastPathIsExactForFifteenDigitNumbers() throws Exception {
        Random r = new Random(2);
        for (int i = 0; i < 200_000; i++) {
            String s = String.format(Locale.ROOT, "%.15g", r.nextGaussian() * Math.pow(10, r.nextInt(30) - 15));
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            assertEquals(Double.parseDouble(s), NumberParser.parse(b, 0, b.length), 0.0, s);
        }
    }

    @Test
    void raggedRowsNameTheLineAndGene() throws IOException {
        assertTrue(error(write("a.tsv", "g\ts1\ts2\ng1\t1\t2\ng2\t1\n")).contains("line 3 (gene 'g2'): 1 values, but the header has 2"));
        assertTrue(error(write("b.tsv", "g\ts1\ts2\ng1\t1\t2\t3\n")).contains("line 2 (gene 'g1'): more values than the 2 sample ids"));
    }

    @Test
    void malformedNumbersNameLineColumnGeneAndSample() throws IOException {
        String e = error(write("a.tsv", "g\ts1\ts2\ng1\t1\t2\ng2\t1\tabc\n"));
        assertTrue(e.contains("line 3, column 3 (gene 'g2', sample 's2'): 'abc' is not a number"), e);
        assertTrue(error(write("b.tsv", "g\ts1\ng1\tInf\n")).contains("non-finite value 'Inf'"));
        assertTrue(error(write("c.tsv", "g\ts1\ng1\tNaN\n")).contains("non-finite value 'NaN'"));
        assertTrue(error(write("d.tsv", "g\ts1\ng1\t1e999\n")).contains("overflows"));
    }

    @Test
    void duplicateIdsAreErrorsWithBothLocations() throws IOException {
        assertTrue(error(write("a.tsv", "g\ts1\ts2\ng1\t1\t2\ng1\t3\t4\n")).contains("gene id 'g1' appears twice (lines 2 and 3)"));
        assertTrue(error(write("b.tsv", "g\ts1\ts1\ng1\t1\t2\n")).contains("sample id 's1' appears twice in the header (columns 2 and 3)"));
    }

    @Test
    void emptyAndHeaderOnlyFilesAndMissingFile() throws IOException {
        assertTrue(error(write("a.tsv", "")).contains("the file is empty"));
        assertTrue(error(write("b.tsv", "g\ts1\n")).contains("header but no gene rows"));
        assertTrue(error(write("c.tsv", "g\n")).contains("no sample ids"));
        assertTrue(error(dir.resolve("nope.tsv")).contains("file not found"));
        assertTrue(error(write("d.tsv", "g\ts1\n\t5\n")).contains("line 2: empty gene id"));
    }
}
