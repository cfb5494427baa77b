package org.cohortex.prs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryStatisticsTest {
    @TempDir
    Path dir;

    /** A target of three variants rs1-rs3 (A/G, C/T, A/C) and one sample; genotypes do not matter here. */
    PlinkFileset target() throws IOException {
        Path p = dir.resolve("t");
        Files.writeString(Path.of(p + ".fam"), "F1 I1 0 0 1 -9\n");
        Files.writeString(Path.of(p + ".bim"), "1\trs1\t0\t100\tA\tG\n1\trs2\t0\t200\tC\tT\n1\trs3\t0\t300\tA\tC\n");
        Files.write(Path.of(p + ".bed"), new byte[] {0x6c, 0x1b, 0x01, 0, 0, 0});
        return PlinkFileset.open(p);
    }

    static SummaryStatistics.Row row(String id, String a1, String a2, double beta, double info, int line) {
        return new SummaryStatistics.Row(id, "1", 100, a1, a2, beta, 0.01, 0.3, info, line);
    }

    /** rs1 twice (the first copy would fail INFO), rs2 once but swapped, rs3 twice. */
    static final List<SummaryStatistics.Row> ROWS = List.of(row("rs1", "A", "G", 0.5, 0.5, 2), row("rs2", "T", "C", 0.2, 0.9, 3),
            row("rs3", "A", "C", 0.1, 0.9, 4), row("rs1", "A", "G", 0.4, 0.9, 5), row("rs3", "C", "A", 0.3, 0.9, 6));

    @Test
    void duplicatedIdsLoseEveryCopyAsPrsice2OrKeepTheFirst() throws IOException {
        try (PlinkFileset fs = target()) {
            int[] all = {0, 1, 2};
            var prsice = SummaryStatistics.qc(ROWS, fs, all, SummaryStatistics.Settings.paper());
            // every copy of rs1 and rs3 goes, whatever the other filters would have said of one copy
            assertEquals(List.of("rs1", "rs3", "rs1", "rs3"), prsice.removed().get("duplicate"));
            assertEquals(List.of("rs2"), prsice.matched().stream().map(SummaryStatistics.Matched::id).toList());
            assertEquals(-0.2, prsice.matched().get(0).beta(), 0);
            assertArrayEquals(new int[] {0, 2, 3, 4}, prsice.removedRows());
            assertEquals(4, prsice.counts().get("duplicate"));
            var keepFirst = new SummaryStatistics.Settings(0.01, 0.8, SummaryStatistics.Duplicates.KEEP_FIRST);
            var first = SummaryStatistics.qc(ROWS, fs, all, keepFirst);
            // the first rs1 row fails INFO, its second copy is a duplicate: rs1 is lost either way; rs3 keeps its first row
            assertEquals(List.of("rs1", "rs3"), first.removed().get("duplicate"));
            assertEquals(List.of("rs1"), first.removed().get("low_info"));
            assertEquals(List.of("rs2", "rs3"), first.matched().stream().map(SummaryStatistics.Matched::id).toList());
            assertEquals(0.1, first.matched().get(1).beta(), 0);
            assertArrayEquals(new int[] {0, 3, 4}, first.removedRows());
        }
    }

    @Test
    void duplicateRulesAreNamedByTheirLabels() {
        assertEquals(SummaryStatistics.Duplicates.EXCLUDE_ALL, SummaryStatistics.Duplicates.of("exclude-all"));
        assertEquals(SummaryStatistics.Duplicates.KEEP_FIRST, SummaryStatistics.Duplicates.of("keep-first"));
        assertEquals(null, SummaryStatistics.Duplicates.of("first"));
    }
}
