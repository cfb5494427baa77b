package org.cohortex.prs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cohortex.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlinkFilesetTest {
    @TempDir
    Path dir;

    /** 5 samples (one partial byte), 2 variants; genotypes as A1 counts, -1 missing. */
    Path write(byte[] magic, int extraBytes) throws IOException {
        Path p = dir.resolve("t");
        Files.writeString(Path.of(p + ".fam"), "F1 I1 0 0 1 -9\nF2 I2 0 0 2 -9\nF3 I3 0 0 1 -9\nF4 I4 0 0 0 -9\nF5 I5 0 0 2 -9\n");
        Files.writeString(Path.of(p + ".bim"), "1\trs1\t0\t100\tA\tG\nX\trs2\t0\t200\tC\tT\n");
        // rs1: 2,1,0,-1,2  -> codes 00,10,11,01,00 ; rs2: 0,0,2,2,1 -> 11,11,00,00,10
        int[][] g = {{2, 1, 0, -1, 2}, {0, 0, 2, 2, 1}};
        byte[] bed = new byte[3 + 2 * 2 + extraBytes];
        System.arraycopy(magic, 0, bed, 0, 3);
        for (int v = 0; v < 2; v++) {
            for (int i = 0; i < 5; i++) {
                int x = g[v][i], code = x < 0 ? 1 : x == 2 ? 0 : x == 1 ? 2 : 3;
                bed[3 + v * 2 + i / 4] |= (byte) (code << (2 * (i % 4)));
            }
        }
        Files.write(Path.of(p + ".bed"), bed);
        return p;
    }

    @Test
    void decodesA1CountsAndMissing() throws IOException {
        Path p = write(new byte[] {0x6c, 0x1b, 0x01}, 0);
        try (PlinkFileset fs = PlinkFileset.open(p)) {
            assertEquals(5, fs.n());
            assertEquals(23, fs.variants.get(1).chr());
            byte[][] got = new byte[2][];
            fs.stream(new int[] {0, 1}, new int[] {0, 1, 2, 3, 4}, (pos, g) -> got[pos] = g.clone());
            assertArrayEquals(new byte[] {2, 1, 0, -1, 2}, got[0]);
            assertArrayEquals(new byte[] {0, 0, 2, 2, 1}, got[1]);
            fs.stream(new int[] {1}, new int[] {4, 0}, (pos, g) -> got[0] = g.clone());
            assertArrayEquals(new byte[] {1, 0}, got[0]);
        }
    }

    @Test
    void rejectsWrongMagicModeAndSize() throws IOException {
        Path p = write(new byte[] {0x6c, 0x1c, 0x01}, 0);
        UserException e = assertThrows(UserException.class, () -> PlinkFileset.open(p));
        assertTrue(e.getMessage().contains("t.bed") && e.getMessage().contains("0x6c 0x1b"), e.getMessage());
        Path q = write(new byte[] {0x6c, 0x1b, 0x00}, 0);
        e = assertThrows(UserException.class, () -> PlinkFileset.open(q));
        assertTrue(e.getMessage().contains("sample-major"), e.getMessage());
        Path r = write(new byte[] {0x6c, 0x1b, 0x01}, 1);
        e = assertThrows(UserException.class, () -> PlinkFileset.open(r));
        assertTrue(e.getMessage().contains("2 variants (.bim) x 5 samples (.fam) need 7"), e.getMessage());
    }

    @Test
    void badBimLineIsNamed() throws IOException {
        Path p = write(new byte[] {0x6c, 0x1b, 0x01}, 0);
        Files.writeString(Path.of(p + ".bim"), "1\trs1\t0\t100\tA\tG\nX\trs2\t0\tabc\tC\tT\n");
        UserException e = assertThrows(UserException.class, () -> PlinkFileset.open(p));
        assertTrue(e.getMessage().contains("t.bim line 2") && e.getMessage().contains("abc"), e.getMessage());
    }
}
