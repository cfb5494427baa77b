package org.cohortex.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.cohortex.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhenotypeReaderTest {
    @TempDir
    Path dir;

    Path write(String content) throws IOException {
        Path p = dir.resolve("p.tsv");
        Files.writeString(p, content);
        return p;
    }

    @Test
    void typesColumnsAndHonoursMissingAndForcedCategorical() throws IOException {
        Path p = write("age\tid\tsex\tbatch\n40\tA\tF\t1\nNA\tB\tM\t2\n51.5\tC\t\t1\n");
        PhenotypeTable t = PhenotypeReader.read(p, "id", Set.of("batch"));
        assertEquals(3, t.sampleCount());
        assertEquals(1, t.row("B"));
        assertEquals(PhenotypeTable.Type.NUMERIC, t.column("age").type);
        assertTrue(Double.isNaN(t.column("age").numeric[1]));
        assertEquals(PhenotypeTable.Type.CATEGORICAL, t.column("sex").type);
        assertNull(t.column("sex").levels[2]);
        assertEquals(PhenotypeTable.Type.CATEGORICAL, t.column("batch").type);
        assertEquals("2", t.column("batch").levels[1]);
    }

    @Test
    void errorsNameFileLineAndColumn() throws IOException {
        assertTrue(assertThrows(UserException.class, () -> PhenotypeReader.read(write("id\ta\nX\t1\nX\t2\n"), null, Set.of()))
                .getMessage().contains("sample id 'X' appears twice (lines 2 and 3)"));
        assertTrue(assertThrows(UserException.class, () -> PhenotypeReader.read(write("id\ta\nX\t1\t5\n"), null, Set.of()))
                .getMessage().contains("line 2: 3 fields, but the header has 2 columns"));
        assertTrue(assertThrows(UserException.class, () -> PhenotypeReader.read(write("id\ta\tid\nX\t1\t2\n"), null, Set.of()))
                .getMessage().contains("column name 'id' appears twice"));
        assertTrue(assertThrows(UserException.class, () -> PhenotypeReader.read(write("id\ta\nX\t1\n"), "sample", Set.of()))
                .getMessage().contains("no sample-id column named 'sample'"));
        PhenotypeTable t = PhenotypeReader.read(write("id\tAge\nX\t1\n"), null, Set.of());
        assertTrue(assertThrows(UserException.class, () -> t.column("age")).getMessage().contains("did you mean 'Age'"));
    }

    @Test
    void aTableReadAgainIsParsedAgainOnlyWhenItsBytesOrArgumentsChanged() throws IOException {
        Path p = write("id\tage\tbatch\nA\t40\t1\nB\t41\t2\n");
        PhenotypeTable first = PhenotypeReader.read(p, "id", Set.of());
        assertSame(first, PhenotypeReader.read(p, "id", Set.of()), "unchanged bytes, same arguments: the parsed table");
        assertNotSame(first, PhenotypeReader.read(p, "id", Set.of("batch")), "other arguments: parsed with them");
        assertEquals(PhenotypeTable.Type.CATEGORICAL, PhenotypeReader.read(p, "id", Set.of("batch")).column("batch").type);
        // the same length, one digit changed, rewritten at once (a file system's timestamps may not tell the versions apart)
        Files.writeString(p, "id\tage\tbatch\nA\t40\t1\nB\t47\t2\n");
        PhenotypeTable second = PhenotypeReader.read(p, "id", Set.of());
        assertNotSame(first, second);
        assertEquals(47, second.column("age").numeric[1]);
        assertEquals(41, first.column("age").numeric[1], "a table already handed out is not changed");
        Path copy = dir.resolve("q.tsv");
        Files.copy(p, copy);
        assertEquals(copy.toString(), PhenotypeReader.read(copy, "id", Set.of()).source, "another path: its own table, named by it");
    }
}
