package org.cohortex.prs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.SymmetricEigen;
import org.cohortex.stats.CanonicalCorrelation;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `prs qc` / `prs score` on a .fam with a case/control status, missing phenotypes and (in one copy)
 * non-founders, against plink 1.9 / plink2 / R (fixtures/prs/casecontrol/make-fixture.sh): every list
 * identical, the two GRMs to 1e-12 of plink's full-precision matrices, eigenvalues to 1e-9 of R's on
 * plink2's GRM, the R2 table to 1e-6 of R's glm.
 */
class PrsCaseControlParityTest {
    @TempDir
    static Path tmp;
    static Path fx, plink, qc, score, cohort;
    static final PrsPipeline.QcSettings SETTINGS = settings(false);

    static PrsPipeline.QcSettings settings(boolean hweAll) {
        PrsPipeline.QcSettings d = PrsPipeline.QcSettings.paper();
        return new PrsPipeline.QcSettings(new GenotypeQc.Settings(0.01, 0.05, 0.05, 1e-2, hweAll), 200, 25, 0.25, 3, 0.2, 0.8, 0.125, 20,
                d.sumstats());
    }

    @BeforeAll
    static void runPipeline() throws IOException {
        fx = Fixtures.path("prs/casecontrol");
        plink = fx.resolve("plink");
        cohort = fileset("cohort.fam", "cohort");
        qc = tmp.resolve("qc");
        score = tmp.resolve("score");
        try (ComputeBackend b = Backends.create("cpu", 2)) {
            PrsPipeline.qc(cohort, fx.resolve("../sumstats.tsv.gz"), SETTINGS, b, qc);
            PrsPipeline.score(cohort, qc, PhenotypeReader.read(fx.resolve("../pheno.tsv"), null, Set.of()), "chronic_pain",
                    PrsPipeline.ScoreSettings.prsice(), b, score);
        }
    }

    /** The parent fixture's .bed/.bim with this fixture's .fam, under one prefix. */
    static Path fileset(String fam, String name) throws IOException {
        Path p = tmp.resolve(name);
        Files.copy(fx.resolve("../cohort.bed"), Path.of(p + ".bed"));
        Files.copy(fx.resolve("../cohort.bim"), Path.of(p + ".bim"));
        Files.copy(fx.resolve(fam), Path.of(p + ".fam"));
        return p;
    }

    static List<String> lines(Path p) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(p)) if (!l.isBlank()) out.add(l.trim());
        return out;
    }

    static List<String> column(Path p, int col, boolean header) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> l = lines(p);
        for (int k = header ? 1 : 0; k < l.size(); k++) out.add(l.get(k).split("\\s+")[col]);
        return out;
    }

    static List<String> variantIds(PlinkFileset fs, int[] v) {
        List<String> out = new ArrayList<>();
        for (int j : v) out.add(fs.variants.get(j).id());
        return out;
    }

    @Test
    void famStatusIsReadAsPlink19() throws IOException {
        try (PlinkFileset fs = PlinkFileset.open(cohort)) {
            assertTrue(fs.caseControl);
            Map<String, Integer> status = new HashMap<>();
            for (PlinkFileset.Sample s : fs.samples) status.put(s.iid(), s.status());
            // -9, 0 and NA are all missing; 1 control, 2 case
            assertEquals(0, status.get("D005"));
            assertEquals(0, status.get("D010"));
            assertEquals(0, status.get("D015"));
            assertEquals(PlinkFileset.Sample.CASE, status.get("D001"));
            assertEquals(PlinkFileset.Sample.CONTROL, status.get("D003"));
        }
    }

    @Test
    void hweInControlsKeepsExactlyPlinksVariantsAndIncludeNonctrlKeepsItsOwn() throws IOException {
        assertEquals(lines(plink.resolve("qc.snplist")), lines(qc.resolve("variants.qc.txt")));
        assertEquals(column(plink.resolve("qc.fam"), 1, false), column(qc.resolve("het.tsv"), 1, true));
        List<String> qcSteps = lines(qc.resolve("qc_steps.tsv"));
        assertTrue(qcSteps.get(4).contains("in the 51 control founders (.fam case/control status); chrX:"), qcSteps.get(4));
        try (PlinkFileset fs = PlinkFileset.open(cohort)) {
            GenotypeQc.Result all = GenotypeQc.run(fs, IntStream.range(0, fs.n()).toArray(), settings(true).genotype());
            assertEquals(lines(plink.resolve("all.snplist")), variantIds(fs, all.variants()));
            assertNotEquals(lines(plink.resolve("all.snplist")), lines(plink.resolve("qc.snplist")), "the fixture tells the rules apart");
            assertTrue(all.steps().get(3).criterion().contains("in all 79 founders (--hwe-all-samples)"), all.steps().get(3).criterion());
        }
    }

    @Test
    void hweAndMafUseFoundersOnlyAsPlink19() throws IOException {
        Path fam = fileset("families.fam", "families");
        try (PlinkFileset fs = PlinkFileset.open(fam)) {
            GenotypeQc.Result r = GenotypeQc.run(fs, IntStream.range(0, fs.n()).toArray(), SETTINGS.genotype());
            assertEquals(lines(plink.resolve("families.snplist")), variantIds(fs, r.variants()));
            assertNotEquals(lines(plink.resolve("families.snplist")), lines(plink.resolve("qc.snplist")));
            assertTrue(r.steps().get(4).criterion().contains("(in the 73 founders)"), r.steps().get(4).criterion());
        }
    }

    @Test
    void hweExactPValuesInTheControlsMatchPlinksUnaffRows() throws IOException {
        Map<String, Double> want = new HashMap<>();
        for (String l : lines(plink.resolve("hardy.controls.tsv"))) want.put(l.split("\t")[0], Double.parseDouble(l.split("\t")[1]));
        Set<String> kept = new HashSet<>(column(plink.resolve("qc.fam"), 1, false));
        try (PlinkFileset fs = PlinkFileset.open(cohort)) {
            int[] controls = IntStream.range(0, fs.n()).filter(i -> kept.contains(fs.samples.get(i).iid())
                    && fs.samples.get(i).status() == PlinkFileset.Sample.CONTROL).toArray();
            int[] vars = IntStream.range(0, fs.m()).filter(j -> want.containsKey(fs.variants.get(j).id())).toArray();
            boolean[] male = GenotypeQc.maleMask(fs, controls);
            AlleleCounts c = new AlleleCounts();
            int[] checked = {0, 0};
            fs.stream(vars, controls, (pos, g) -> {
                PlinkFileset.Variant v = fs.variants.get(vars[pos]);
                c.count(g, male, v.x());
                double ours = v.x() ? HardyWeinberg.exactP(c.femHet, c.femHom1, c.femHom2) : HardyWeinberg.exactP(c.het, c.hom1, c.hom2);
                double theirs = want.get(v.id());
                assertEquals(theirs, ours, Math.max(1e-300, 6e-4 * theirs), v.id()); // plink prints 4 significant digits
                checked[v.x() ? 1 : 0]++;
            });
            assertTrue(checked[0] > 7000 && checked[1] > 400, Arrays.toString(checked));
        }
    }

    @Test
    void everySampleListIsPlinks() throws IOException {
        assertEquals(lines(plink.resolve("qc.prune.in")), lines(qc.resolve("prune.in")));
        Set<String> hetOut = new TreeSet<>(column(plink.resolve("qc.fam"), 1, false));
        hetOut.removeAll(column(plink.resolve("het.valid"), 1, false));
        assertEquals(hetOut, new TreeSet<>(column(qc.resolve("removed/heterozygosity.txt"), 1, false)));
        Set<String> sexOut = new TreeSet<>(column(plink.resolve("het.valid"), 1, false));
        sexOut.removeAll(column(plink.resolve("sex.valid"), 1, false));
        assertEquals(sexOut, new TreeSet<>(column(qc.resolve("removed/sex_check.txt"), 1, false)));
        List<String> rel = new ArrayList<>();
        for (String s : lines(plink.resolve("qc.rel.id"))) rel.add(s.replaceAll("\\s+", "\t"));
        assertEquals(rel, lines(qc.resolve("samples.qc.txt")));
        assertTrue(lines(qc.resolve("removed/relatedness.txt")).size() > 0);
    }

    /** Full-precision square matrix from plink's --make-rel square bin, with its sample ids. */
    static Mat relBin(String prefix, List<String> ids) throws IOException {
        byte[] b = Files.readAllBytes(plink.resolve(prefix + ".rel.bin"));
        int n = ids.size();
        assertEquals(8L * n * n, b.length);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        Mat m = new Mat(n, n);
        for (int i = 0; i < n * n; i++) m.data[i] = bb.getDouble();
        return m;
    }

    static int[] samples(PlinkFileset fs, List<String> iids) {
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < fs.n(); i++) idx.put(fs.samples.get(i).iid(), i);
        return iids.stream().mapToInt(idx::get).toArray();
    }

    static int[] variants(PlinkFileset fs, List<String> ids) {
        Set<String> want = new HashSet<>(ids);
        return IntStream.range(0, fs.m()).filter(j -> want.contains(fs.variants.get(j).id())).toArray();
    }

    @Test
    void relatednessGrmIsPlink19sAndPcaGrmIsPlink2s() throws IOException {
        try (PlinkFileset fs = PlinkFileset.open(cohort); ComputeBackend b = Backends.create("cpu", 2)) {
            int[] pruned = variants(fs, lines(plink.resolve("qc.prune.in")));
            // plink 1.9 (--rel-cutoff's matrix): off-diagonal entries; its diagonal is a different estimator
            List<String> ids19 = column(plink.resolve("rel19.rel.id"), 1, false);
            Mat want19 = relBin("rel19", ids19), ours19 = GeneticRelationship.compute(fs, pruned, samples(fs, ids19), b);
            for (int j = 0; j < ids19.size(); j++) {
                for (int k = 0; k < j; k++) assertEquals(want19.get(j, k), ours19.get(j, k), 1e-12, ids19.get(j) + " " + ids19.get(k));
            }
            // plink2 (--pca's matrix): every entry
            List<String> ids2 = column(plink.resolve("rel2.rel.id"), 1, true);
            Mat want2 = relBin("rel2", ids2), ours2 = GeneticRelationship.compute(fs, pruned, samples(fs, ids2), b);
            for (int i = 0; i < want2.data.length; i++) assertEquals(want2.data[i], ours2.data[i], 1e-12, "entry " + i);
            // the pairwise denominators matter here: some final samples have missing calls on pruned variants
            int[] fin = samples(fs, ids2);
            int[] miss = new int[1];
            fs.stream(pruned, fin, (pos, g) -> { for (byte x : g) if (x < 0) miss[0]++; });
            assertTrue(miss[0] > 10, "missing calls on the pruned variants in the final samples: " + miss[0]);
            SymmetricEigen eig = b.symmetricEigen(ours2);
            List<String> exact = lines(plink.resolve("eigenval.exact.txt"));
            for (int c = 0; c < 20; c++) assertEquals(Double.parseDouble(exact.get(c)), eig.values[c], 1e-9, "eigenvalue " + (c + 1));
        }
    }

    @Test
    void pcaEigenvaluesAndVectorsArePlink2s() throws IOException {
        List<String> exact = lines(plink.resolve("eigenval.exact.txt")), printed = lines(plink.resolve("qc.eigenval"));
        List<String> ours = lines(qc.resolve("pcs.eigenval.txt"));
        for (int c = 0; c < 20; c++) {
            double e = Double.parseDouble(exact.get(c));
            assertEquals(e, Double.parseDouble(ours.get(c)), 1e-6, "eigenvalue " + (c + 1));
            assertEquals(Double.parseDouble(printed.get(c)), Double.parseDouble(ours.get(c)), 5e-6 * e, "plink2's 6 digits, " + (c + 1));
        }
        var o = Fixtures.table(qc.resolve("pcs.tsv"));
        var r = Fixtures.table(plink.resolve("eigenvec.exact.tsv"));
        int n = o.size();
        Mat a = new Mat(n, 20), b = new Mat(n, 20);
        for (int i = 0; i < n; i++) {
            assertEquals(r.get(i).get("IID"), o.get(i).get("IID"));
            for (int c = 0; c < 20; c++) {
                a.set(i, c, Double.parseDouble(o.get(i).get("PC" + (c + 1))));
                b.set(i, c, Double.parseDouble(r.get(i).get("PC" + (c + 1)).trim()));
            }
        }
        for (double v : CanonicalCorrelation.of(a, b)) assertTrue(v > 1 - 1e-8, "canonical correlation " + v);
    }

    @Test
    void gwasDuplicatesGoEveryCopyAsPrsice2() throws IOException {
        assertEquals(lines(plink.resolve("duplicates.txt")), lines(qc.resolve("removed/sumstats_duplicate.txt")));
        assertEquals(34, lines(qc.resolve("removed/sumstats_duplicate.txt")).size());
        var want = Fixtures.table(plink.resolve("matched.tsv"));
        var ours = Fixtures.table(qc.resolve("sumstats.matched.tsv"));
        Map<String, Double> beta = new HashMap<>();
        for (var row : want) beta.put(row.get("SNP"), Double.parseDouble(row.get("BETA")));
        assertEquals(beta.size(), ours.size());
        // R's strtod may round a decimal 1 ulp off Java's
        for (var row : ours) {
            double b = beta.get(row.get("SNP"));
            assertEquals(b, Double.parseDouble(row.get("BETA_A1")), 1e-15 * Math.abs(b), row.get("SNP"));
        }
    }

    @Test
    void clumpsScoresAndR2TableArePlinksAndRs() throws IOException {
        assertEquals(new TreeSet<>(lines(plink.resolve("clumped.snps"))), new TreeSet<>(column(score.resolve("clumped.tsv"), 0, true)));
        var ours = Fixtures.table(score.resolve("scores.tsv"));
        var exact = Fixtures.table(plink.resolve("scores.exact.tsv"));
        assertEquals(exact.size(), ours.size());
        for (int i = 0; i < ours.size(); i++) {
            assertEquals(exact.get(i).get("IID"), ours.get(i).get("IID"));
            for (String t : new String[] {"5e-08", "1e-05", "0.001", "0.01", "0.05", "0.1", "0.5", "1"}) {
                double want = Double.parseDouble(exact.get(i).get("sum_" + t).trim());
                assertEquals(want, Double.parseDouble(ours.get(i).get("sum_" + t)), 1e-9 * Math.max(1, Math.abs(want)), t);
            }
        }
        var r = Fixtures.table(plink.resolve("r2.tsv"));
        var r2 = Fixtures.table(score.resolve("r2.tsv"));
        String bestR = null;
        double bestInc = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < r.size(); k++) {
            var want = r.get(k);
            var got = r2.get(k);
            assertEquals(want.get("threshold"), got.get("threshold"));
            assertEquals(want.get("n_snps"), got.get("n_snps"));
            assertEquals(want.get("n"), got.get("n_samples"));
            assertEquals(Double.parseDouble(want.get("r2_full")), Double.parseDouble(got.get("r2_full")), 1e-6, want.get("threshold"));
            assertEquals(Double.parseDouble(want.get("r2_null")), Double.parseDouble(got.get("r2_null")), 1e-6);
            double p = Double.parseDouble(want.get("p"));
            assertEquals(p, Double.parseDouble(got.get("p")), 1e-6 * p + 1e-12, want.get("threshold"));
            double inc = Double.parseDouble(want.get("r2_full")) - Double.parseDouble(want.get("r2_null"));
            if (inc > bestInc) {
                bestInc = inc;
                bestR = want.get("threshold");
            }
        }
        assertEquals(1, r2.stream().filter(x -> x.get("best").equals("true")).count());
        assertEquals(bestR, r2.stream().filter(x -> x.get("best").equals("true")).findFirst().get().get("threshold"));
    }
}
