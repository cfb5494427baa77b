package org.cohortex.impute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.cohortex.Log;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.Scale;
import org.cohortex.sim.CohortSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streamed imputation ({@link ImputationEngine#write}: gene blocks, files written side by side) against the whole one
 * ({@link ImputationEngine#run}): the same files byte for byte, and the matrices it keeps for the grid equal to the files
 * read back, bit for bit.
 */
class ImputationEngineTest {
    @TempDir
    static Path dir;
    static Path sim;

    @BeforeAll
    static void simulate() {
        sim = dir.resolve("sim");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 23, sim);
    }

    static ImputationRequest request(boolean gibbs, Path out) {
        return new ImputationRequest(sim.resolve("expr/BLA.counts.tsv.gz"), Scale.COUNTS, sim.resolve("truth/regions/BLA.proportions.tsv"),
                sim.resolve("reference/amygdala.counts.tsv.gz"), sim.resolve("reference/amygdala.labels.tsv"),
                ImputationRequest.Prior.REFERENCE, null, 0.5, gibbs, 30, 10, 7, out);
    }

    @Test
    void blocksWriteTheWholeRunsFilesAndKeepWhatTheyReadBackAs() throws IOException {
        for (boolean gibbs : new boolean[] {false, true}) {
            Path whole = dir.resolve("whole-" + gibbs), blocks = dir.resolve("blocks-" + gibbs);
            ImputationEngine.Imputed im = ImputationEngine.run(request(gibbs, whole), CellTypeImputation::gibbs, Log.WARNINGS);
            int genes = im.genes().length;
            // 37 genes a block: many blocks, the last one partial
            assertTrue(genes % 37 != 0 && genes > 10 * 37, genes + " genes");
            ImputationEngine.Written w = ImputationEngine.write(request(gibbs, blocks), null, CellTypeImputation::gibbs, Log.WARNINGS,
                    Long.MAX_VALUE, 37);
            assertEquals(im.cellTypes(), w.cellTypes());
            List<String> names;
            try (Stream<Path> s = Files.list(whole)) {
                names = s.map(p -> p.getFileName().toString()).sorted().toList();
            }
            assertEquals(im.cellTypes().size() + 1, names.size(), names.toString());
            for (String f : names) assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(blocks.resolve(f)), f);
            try (Stream<Path> s = Files.list(blocks)) {
                assertEquals(names, s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
            }
            for (int t = 0; t < w.cellTypes().size(); t++) {
                ExpressionMatrix read = MatrixReader.read(blocks.resolve(w.cellTypes().get(t) + ".tsv.gz"));
                ExpressionMatrix kept = w.matrices().get(t);
                assertArrayEquals(read.genes, kept.genes);
                assertArrayEquals(read.samples, kept.samples);
                for (int j = 0; j < read.values.data.length; j++) {
                    if (Double.doubleToRawLongBits(read.values.data[j]) != Double.doubleToRawLongBits(kept.values.data[j])) {
                        throw new AssertionError(w.cellTypes().get(t) + " value " + j + ": read " + read.values.data[j] + ", kept "
                                + kept.values.data[j]);
                    }
                }
            }
        }
        long one = 8L * 1500 * 60; // far below one imputed type of this cohort
        assertNull(ImputationEngine.write(request(false, dir.resolve("small-budget")), null, CellTypeImputation::gibbs, Log.WARNINGS,
                one, 64).matrices(), "not kept beyond the budget");
    }

    @Test
    void aFileNotCommittedLeavesTheTargetAsItWas() throws IOException {
        Path target = dir.resolve("atomic/m.tsv.gz");
        AtomicFile.writeString(target, "before\n");
        byte[] before = Files.readAllBytes(target);
        assertThrows(IllegalStateException.class, () -> {
            try (AtomicFile.Pending p = AtomicFile.open(target)) {
                p.writer().write("half a matrix");
                throw new IllegalStateException("killed");
            }
        });
        assertArrayEquals(before, Files.readAllBytes(target));
        try (Stream<Path> s = Files.list(target.getParent())) {
            assertEquals(List.of("m.tsv.gz"), s.map(p -> p.getFileName().toString()).toList(), "the temporary file is gone");
        }
    }
}
