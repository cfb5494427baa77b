package org.cohortex.prs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample sets and chromosome rules of plink 1.9's --mind --geno --hwe --maf on a hand-made
 * fileset. The expected lists are what plink 1.9.26 printed for these files (`plink --bfile t
 * --allow-no-sex --mind 0.25 --geno 0.05 --hwe 0.05 [include-nonctrl] --maf 0.2 --write-snplist`).
 */
class GenotypeQcTest {
    @TempDir
    Path dir;

    static final int[] SEX = {1, 1, 1, 1, 2, 2, 2, 0};
    static final String[] VARIANTS = {"24 y1", "24 y2", "26 mt1", "1 a1", "23 x1"};
    /** A1 counts, -1 missing: chrY called in males only; MT and a1 all heterozygous; x1 het in every non-male. */
    static final int[][] GENOTYPES = {
        {2, 0, 2, 0, -1, -1, -1, -1},
        {2, -1, 2, 0, -1, -1, -1, -1},
        {1, 1, 1, 1, 1, 1, 1, 1},
        {1, 1, 1, 1, 1, 1, 1, 1},
        {2, 2, 0, 0, 1, 1, 1, 1},
    };

    /** 8 samples (S1-S4 male, S5-S7 female, S8 unknown sex), .fam column 6 as given. */
    Path write(String[] status) throws IOException {
        Path p = dir.resolve("t");
        StringBuilder fam = new StringBuilder(), bim = new StringBuilder();
        for (int i = 0; i < 8; i++) fam.append("S").append(i + 1).append(" S").append(i + 1).append(" 0 0 ").append(SEX[i]).append(' ')
                .append(status[i]).append('\n');
        for (int k = 0; k < VARIANTS.length; k++) {
            String[] v = VARIANTS[k].split(" ");
            bim.append(v[0]).append('\t').append(v[1]).append("\t0\t").append(1000 * (k + 1)).append("\tA\tG\n");
        }
        Files.writeString(Path.of(p + ".fam"), fam);
        Files.writeString(Path.of(p + ".bim"), bim);
        byte[] bed = new byte[3 + 2 * VARIANTS.length];
        bed[0] = 0x6c;
        bed[1] = 0x1b;
        bed[2] = 1;
        for (int k = 0; k < VARIANTS.length; k++) {
            for (int i = 0; i < 8; i++) {
                int x = GENOTYPES[k][i], code = x < 0 ? 1 : x == 2 ? 0 : x == 1 ? 2 : 3;
                bed[3 + 2 * k + i / 4] |= (byte) (code << (2 * (i % 4)));
            }
        }
        Files.write(Path.of(p + ".bed"), bed);
        return p;
    }

    static final String[] CASE_CONTROL = {"2", "1", "1", "1", "2", "1", "1", "1"};

    GenotypeQc.Result run(String[] status, boolean hweAll) throws IOException {
        try (PlinkFileset fs = PlinkFileset.open(write(status))) {
            return GenotypeQc.run(fs, IntStream.range(0, 8).toArray(), new GenotypeQc.Settings(0.2, 0.05, 0.25, 0.05, hweAll));
        }
    }

    static List<String> ids(GenotypeQc.Result r) {
        List<String> out = new ArrayList<>();
        for (int j : r.variants()) out.add(VARIANTS[j].split(" ")[1]);
        return out;
    }

    @Test
    void chromosomeRulesAndControlsOnlyHweAsPlink19() throws IOException {
        GenotypeQc.Result r = run(CASE_CONTROL, false);
        // nobody fails --mind: females' missing chrY calls do not count; y2 fails --geno (3 of 4 males called),
        // y1 passes (every male called); MT is not HWE-tested; a1 passes in the 6 controls (p 0.091)
        assertEquals(8, r.samples().length);
        assertEquals(List.of("y1", "mt1", "a1", "x1"), ids(r));
        assertEquals(1, r.steps().get(2).removed().length);
        String hwe = r.steps().get(3).criterion();
        assertEquals("Hardy-Weinberg exact p < 0.05 in the 6 control founders (.fam case/control status); chrX: the 3 of them not male",
                hwe);
        // include-nonctrl: a1 fails in all 8 (p 0.025)
        GenotypeQc.Result all = run(CASE_CONTROL, true);
        assertEquals(List.of("y1", "mt1", "x1"), ids(all));
        assertTrue(all.steps().get(3).criterion().contains("in all 8 founders (--hwe-all-samples); chrX: the 4 of them not male"));
    }

    @Test
    void withoutControlsHweTestsEveryFounder() throws IOException {
        // all cases, or a quantitative column 6: plink 1.9 falls back to every founder
        GenotypeQc.Result cases = run(new String[] {"2", "2", "2", "2", "2", "2", "2", "-9"}, false);
        assertEquals(List.of("y1", "mt1", "x1"), ids(cases));
        assertTrue(cases.steps().get(3).criterion().contains("all 8 founders (no control among them)"), cases.steps().get(3).criterion());
        GenotypeQc.Result quantitative = run(new String[] {"1", "1.5", "1", "1", "2", "1", "1", "1"}, false);
        assertEquals(List.of("y1", "mt1", "x1"), ids(quantitative));
        assertTrue(quantitative.steps().get(3).criterion().contains("(no case/control status in the .fam)"));
    }

    @Test
    void famColumnSixIsCaseControlByPlink19sRule() throws IOException {
        for (String v : new String[] {"0", "1", "2", "-9", "-9.0", "NA", "x", "-"}) assertTrue(PlinkFileset.caseControlValue(v), v);
        for (String v : new String[] {"1.0", "3", "2.5", "01", "nan", "-8", "1e0"}) assertFalse(PlinkFileset.caseControlValue(v), v);
        try (PlinkFileset fs = PlinkFileset.open(write(new String[] {"2", "1", "0", "-9", "NA", "1", "1", "2"}))) {
            assertTrue(fs.caseControl);
            int[] status = fs.samples.stream().mapToInt(PlinkFileset.Sample::status).toArray();
            assertEquals(List.of(2, 1, 0, 0, 0, 1, 1, 2), IntStream.of(status).boxed().toList());
        }
        try (PlinkFileset fs = PlinkFileset.open(write(new String[] {"2", "1", "0", "-9", "NA", "1", "1", "2.5"}))) {
            assertFalse(fs.caseControl);
            assertTrue(fs.samples.stream().allMatch(s -> s.status() == 0));
        }
    }
}
