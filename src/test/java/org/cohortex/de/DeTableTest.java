package org.cohortex.de;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.cohortex.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeTableTest {
    @TempDir
    Path dir;

    @Test
    void readsWhatWriteWroteBitForBitWithNaAndWindowsLineEnds() throws Exception {
        Random rnd = new Random(5);
        int n = 500;
        String[] genes = new String[n];
        double[][] c = new double[7][n];
        for (int g = 0; g < n; g++) {
            genes[g] = "G" + g;
            for (double[] col : c) col[g] = rnd.nextInt(20) == 0 ? Double.NaN : Math.scalb(rnd.nextGaussian(), rnd.nextInt(80) - 60);
        }
        Path f = dir.resolve("de.tsv");
        DeTable.write(f, genes, c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
        DeTable t = DeTable.read(f);
        assertArrayEquals(genes, t.genes());
        for (int k = 0; k < 7; k++) assertArrayEquals(c[k], t.column(DeTable.COLUMNS[k + 1]), 0.0, DeTable.COLUMNS[k + 1]);
        // the same table with CRLF line ends and a blank line reads the same
        Path crlf = dir.resolve("crlf.tsv");
        Files.writeString(crlf, Files.readString(f).replace("\n", "\r\n") + "\r\n");
        DeTable u = DeTable.read(crlf);
        assertArrayEquals(genes, u.genes());
        for (int k = 0; k < 7; k++) assertArrayEquals(c[k], u.column(DeTable.COLUMNS[k + 1]), 0.0);
    }

    @Test
    void badFieldsAreNamedByLineAndColumn() throws Exception {
        String head = "gene\tbeta\tp\n";
        assertTrue(message(head + "A\t1\t0.5\nB\t2\t\n").endsWith("line 3, column 'p': '' is not a number"));
        assertTrue(message(head + "A\t1\t0.5\nB\t 2f\t0.1\n").endsWith("line 3, column 'beta': ' 2f' is not a number"));
        assertTrue(message(head + "A\t1\t0.5\nB\tInf\t0.1\n").endsWith("line 3, column 'beta': 'Inf' is not a number"));
        assertTrue(message(head + "A\t1\n").endsWith("line 2: 2 fields, the header has 3"));
        assertTrue(message("id\tbeta\nA\t1\n").endsWith("the first column must be 'gene', found 'id'"));
        assertTrue(message("").endsWith("empty (expected a de.tsv header)"));
        Path f = dir.resolve("ok.tsv");
        Files.writeString(f, head + "A\tNA\t1e-300\n");
        DeTable t = DeTable.read(f);
        assertTrue(Double.isNaN(t.column("beta")[0]));
        assertEquals(1e-300, t.column("p")[0], 0.0);
    }

    @Test
    void aSharedReadsScopeParsesEachFileOnceUntilItChanges() throws Exception {
        Path f = dir.resolve("de.tsv");
        Files.writeString(f, "gene\tbeta\tp\nA\t1\t0.5\n");
        assertNotSame(DeTable.read(f), DeTable.read(f));
        DeTable first;
        try (DeTable.SharedReads s = DeTable.shareReads()) {
            first = DeTable.read(f);
            assertSame(first, DeTable.read(dir.resolve(".").resolve("de.tsv")));
            Files.writeString(f, "gene\tbeta\tp\nA\t1\t0.5\nB\t2\t0.25\n");
            DeTable changed = DeTable.read(f);
            assertNotSame(first, changed);
            assertEquals(2, changed.size());
        }
        assertNotSame(DeTable.read(f), DeTable.read(f));
    }

    private String message(String content) throws Exception {
        Path f = Files.createTempFile(dir, "bad", ".tsv");
        Files.writeString(f, content);
        return assertThrows(UserException.class, () -> DeTable.read(f)).getMessage();
    }
}
