package org.cohortex.prs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.apache.commons.math3.special.Gamma;
import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.linalg.Mat;
import org.cohortex.stats.CanonicalCorrelation;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `prs qc` and `prs score` against plink 1.9 / plink2 / R on the small simulated cohort
 * (fixtures/prs/make-fixture.sh): every kept list identical, values to the stated tolerances.
 */
class PrsPlinkParityTest {
    @TempDir
    static Path tmp;
    static Path fx, qc, score;

    @BeforeAll
    static void runPipeline() {
        fx = Fixtures.path("prs");
        qc = tmp.resolve("qc");
        score = tmp.resolve("score");
        try (ComputeBackend b = Backends.create("cpu", 2)) {
            PrsPipeline.qc(fx.resolve("cohort"), fx.resolve("sumstats.tsv.gz"), PrsPipeline.QcSettings.paper(), b, qc);
            PrsPipeline.score(fx.resolve("cohort"), qc, PhenotypeReader.read(fx.resolve("pheno.tsv"), null, Set.of()), "chronic_pain",
                    PrsPipeline.ScoreSettings.prsice(), b, score);
        }
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

    @Test
    void variantQcKeepsExactlyPlinksVariants() throws IOException {
        assertEquals(lines(fx.resolve("plink/qc.snplist")), lines(qc.resolve("variants.qc.txt")));
        // duplicate ids plink was told to exclude are the ones we found
        assertEquals(new TreeSet<>(lines(fx.resolve("plink/dupids.txt"))), new TreeSet<>(lines(qc.resolve("removed/duplicate_ids.txt"))));
        assertEquals(2, lines(qc.resolve("removed/sample_call_rate.txt")).size());
    }

    @Test
    void hweExactPValuesMatchPlink() throws IOException {
        Map<String, Double> plink = new HashMap<>();
        for (String l : lines(fx.resolve("plink/hardy.tsv"))) {
            String[] f = l.split("\t");
            plink.put(f[0], Double.parseDouble(f[1]));
        }
        // recompute ours on the same samples (after --mind) for every autosomal variant plink tested
        try (PlinkFileset fs = PlinkFileset.open(fx.resolve("cohort"))) {
            Set<String> kept = new LinkedHashSet<>(column(fx.resolve("plink/qc.fam"), 1, false));
            int[] samples = IntStream.range(0, fs.n()).filter(i -> kept.contains(fs.samples.get(i).iid())).toArray();
            int[] vars = IntStream.range(0, fs.m())
                    .filter(j -> fs.variants.get(j).autosome() && plink.containsKey(fs.variants.get(j).id())).toArray();
            AlleleCounts c = new AlleleCounts();
            boolean[] male = GenotypeQc.maleMask(fs, samples);
            int[] checked = {0};
            fs.stream(vars, samples, (pos, g) -> {
                c.count(g, male, false);
                double ours = HardyWeinberg.exactP(c.het, c.hom1, c.hom2);
                double theirs = plink.get(fs.variants.get(vars[pos]).id());
                // plink prints 4 significant digits
                assertEquals(theirs, ours, Math.max(1e-300, 6e-4 * theirs), fs.variants.get(vars[pos]).id());
                checked[0]++;
            });
            assertTrue(checked[0] > 7000, "checked " + checked[0]);
        }
    }

    @Test
    void hweExactTestEqualsTheDefinition() {
        // P(het = h | n, rare allele count) = n! / (hom1! h! hom2!) 2^h nA! nB! / (2n)!, summed over tables no more probable
        int[][] cases = {{57, 14, 9}, {0, 40, 10}, {1, 0, 0}, {3, 100, 1}, {200, 400, 0}, {21, 30, 29}, {2, 2, 2}};
        for (int[] c : cases) {
            int het = c[0], hom1 = c[1], hom2 = c[2], n = het + hom1 + hom2;
            int nA = 2 * hom1 + het, nB = 2 * hom2 + het;
            double obs = logProb(het, n, nA, nB), p = 0;
            for (int h = nA % 2; h <= Math.min(nA, nB); h += 2) {
                double lp = logProb(h, n, nA, nB);
                if (lp <= obs + 1e-12) p += Math.exp(lp);
            }
            assertEquals(Math.min(1, p), HardyWeinberg.exactP(het, hom1, hom2), 1e-12 * Math.max(1, p), Arrays.toString(c));
        }
    }

    private static double logProb(int h, int n, int nA, int nB) {
        int a = (nA - h) / 2, b = (nB - h) / 2;
        return lf(n) - lf(a) - lf(h) - lf(b) + h * Math.log(2) + lf(nA) + lf(nB) - lf(2 * n);
    }

    private static double lf(int k) { return Gamma.logGamma(k + 1.0); }

    @Test
    void ldPruningKeepsExactlyPlinksPruneIn() throws IOException {
        assertEquals(lines(fx.resolve("plink/qc.prune.in")), lines(qc.resolve("prune.in")));
    }

    @Test
    void heterozygosityMatchesPlinkAndTheFormula() throws IOException {
        var ours = Fixtures.table(qc.resolve("het.tsv"));
        var exact = Fixtures.table(fx.resolve("plink/het.exact.tsv"));
        List<String> plinkF = column(fx.resolve("plink/qc.het"), 5, true), plinkO = column(fx.resolve("plink/qc.het"), 2, true);
        assertEquals(exact.size(), ours.size());
        for (int k = 0; k < ours.size(); k++) {
            assertEquals(exact.get(k).get("IID"), ours.get(k).get("IID"));
            assertEquals(exact.get(k).get("O"), ours.get(k).get("O_HOM"));
            assertEquals(plinkO.get(k), ours.get(k).get("O_HOM"));
            assertEquals(Double.parseDouble(exact.get(k).get("E")), Double.parseDouble(ours.get(k).get("E_HOM")), 1e-6);
            assertEquals(Double.parseDouble(exact.get(k).get("F")), Double.parseDouble(ours.get(k).get("F")), 1e-9);
            assertEquals(Double.parseDouble(plinkF.get(k)), Double.parseDouble(ours.get(k).get("F")), 6e-5);
        }
        // the samples kept after the 3-SD rule are plink+R's
        Set<String> removed = new TreeSet<>(column(qc.resolve("removed/heterozygosity.txt"), 1, false));
        Set<String> expected = new TreeSet<>(column(fx.resolve("plink/qc.fam"), 1, false));
        expected.removeAll(column(fx.resolve("plink/het.valid"), 1, false));
        assertEquals(expected, removed);
    }

    @Test
    void sexCheckMatchesPlink() throws IOException {
        var ours = Fixtures.table(qc.resolve("sexcheck.tsv"));
        List<String> l = lines(fx.resolve("plink/qc.sexcheck"));
        assertEquals(l.size() - 1, ours.size());
        for (int k = 0; k < ours.size(); k++) {
            String[] f = l.get(k + 1).split("\\s+");
            assertEquals(f[1], ours.get(k).get("IID"));
            assertEquals(f[4], ours.get(k).get("STATUS"), f[1]);
            double want = Double.parseDouble(f[5]);
            assertEquals(want, Double.parseDouble(ours.get(k).get("F")), 6e-5 * Math.max(1, Math.abs(want)), f[1]);
        }
    }

    @Test
    void relationshipMatrixEqualsItsDefinitionOnBothMissingPairPaths() {
        try (PlinkFileset fs = PlinkFileset.open(fx.resolve("cohort")); ComputeBackend b = Backends.create("cpu", 2)) {
            int[] variants = IntStream.range(0, fs.m()).filter(v -> !fs.variants.get(v).x() && v % 3 == 0).toArray();
            int[] samples = IntStream.range(0, fs.n()).toArray();
            Mat sparse = GeneticRelationship.compute(fs, variants, samples, b);
            Mat bits = GeneticRelationship.compute(fs, variants, samples, b, 0); // the bitset popcounts from the first pair
            for (int i = 0; i < sparse.data.length; i++) assertEquals(bits.data[i], sparse.data[i], 1e-12 * Math.abs(bits.data[i]) + 1e-15);
            // A_jk = sum over variants called in both of (x_j - 2p)(x_k - 2p) / (2p(1 - p)), p over everyone called, divided
            // by the variants called in both, monomorphic ones included (they add 0)
            int n = samples.length;
            double[] num = new double[n * n];
            int[] cnt = new int[n * n];
            int[] special = {0, 0};
            fs.stream(variants, samples, (pos, g) -> {
                long sum = 0;
                int c = 0;
                for (byte v : g) if (v >= 0) { sum += v; c++; }
                if (c == 0) return;
                double p = sum / (2.0 * c);
                boolean mono = p <= 0 || p >= 1;
                double var = 2 * p * (1 - p);
                for (int j = 0; j < n; j++) {
                    if (g[j] < 0) { special[0]++; continue; }
                    for (int k = 0; k < n; k++) {
                        if (g[k] < 0) continue;
                        if (!mono) num[j * n + k] += (g[j] - 2 * p) * (g[k] - 2 * p) / var;
                        cnt[j * n + k]++;
                    }
                }
                if (mono) special[1]++;
            });
            assertTrue(special[0] > 0 && special[1] > 0, "missing calls and monomorphic variants: " + Arrays.toString(special));
            for (int j = 0; j < n; j++) for (int k = 0; k < n; k++) {
                double want = num[j * n + k] / cnt[j * n + k];
                assertEquals(want, sparse.get(j, k), 1e-10 * Math.max(1, Math.abs(want)), "GRM(" + j + "," + k + ")");
            }
        }
    }

    @Test
    void relatednessAndPcaMatchPlink() throws IOException {
        List<String> rel = new ArrayList<>();
        for (String s : lines(fx.resolve("plink/qc.rel.id"))) rel.add(s.replaceAll("\\s+", "\t"));
        assertEquals(rel, lines(qc.resolve("samples.qc.txt")));
        var ours = Fixtures.table(qc.resolve("pcs.tsv"));
        List<String> pl = lines(fx.resolve("plink/qc.eigenvec"));
        int n = ours.size(), k = 20;
        Mat a = new Mat(n, k), b = new Mat(n, k);
        for (int i = 0; i < n; i++) {
            String[] f = pl.get(i + 1).split("\\s+");
            assertEquals(f[1], ours.get(i).get("IID"));
            for (int c = 0; c < k; c++) {
                a.set(i, c, Double.parseDouble(ours.get(i).get("PC" + (c + 1))));
                b.set(i, c, Double.parseDouble(f[c + 2]));
            }
        }
        double[] cc = CanonicalCorrelation.of(a, b);
        for (double v : cc) assertTrue(v > 0.99999, "canonical correlations " + Arrays.toString(cc));
        // eigenvalues as plink2 prints them (6 significant digits)
        List<String> want = lines(fx.resolve("plink/qc.eigenval")), got = lines(qc.resolve("pcs.eigenval.txt"));
        for (int c = 0; c < k; c++) {
            double w = Double.parseDouble(want.get(c));
            assertEquals(w, Double.parseDouble(got.get(c)), 5e-6 * w, "eigenvalue " + (c + 1));
        }
        // the leading PCs individually, up to sign
        for (int c = 0; c < 3; c++) {
            double dot = 0;
            for (int i = 0; i < n; i++) dot += a.get(i, c) * b.get(i, c);
            assertTrue(Math.abs(dot) > 0.999, "PC" + (c + 1) + " |dot| " + Math.abs(dot));
        }
    }

    @Test
    void summaryStatisticsQcMatchesTheIndependentRImplementation() throws IOException {
        var r = Fixtures.table(fx.resolve("plink/matched.tsv"));
        var ours = Fixtures.table(qc.resolve("sumstats.matched.tsv"));
        Map<String, Double> rb = new HashMap<>();
        for (var row : r) rb.put(row.get("SNP"), Double.parseDouble(row.get("BETA")));
        assertEquals(rb.size(), ours.size());
        int swapped = 0, flipped = 0;
        for (var row : ours) {
            Double want = rb.get(row.get("SNP"));
            assertTrue(want != null, row.get("SNP"));
            assertEquals(want, Double.parseDouble(row.get("BETA_A1")), 1e-9 * Math.max(1, Math.abs(want)));
            if (row.get("MATCH").contains("swapped")) swapped++;
            if (row.get("MATCH").contains("flipped")) flipped++;
        }
        assertTrue(swapped > 100 && flipped > 50, "swapped " + swapped + ", flipped " + flipped);
    }

    @Test
    void clumpingKeepsExactlyPlinksIndexVariants() throws IOException {
        assertEquals(new TreeSet<>(lines(fx.resolve("plink/clumped.snps"))), new TreeSet<>(column(score.resolve("clumped.tsv"), 0, true)));
    }

    @Test
    void scoresMatchPlink2AndFullPrecisionR() throws IOException {
        var ours = Fixtures.table(score.resolve("scores.tsv"));
        var exact = Fixtures.table(fx.resolve("plink/scores.exact.tsv"));
        String[] th = {"5e-08", "1e-05", "0.001", "0.01", "0.05", "0.1", "0.5", "1"};
        assertEquals(exact.size(), ours.size());
        for (int i = 0; i < ours.size(); i++) {
            assertEquals(exact.get(i).get("IID"), ours.get(i).get("IID"));
            for (String t : th) {
                double want = Double.parseDouble(exact.get(i).get("sum_" + (t.equals("5e-08") ? "5e-08" : t)).trim());
                assertEquals(want, Double.parseDouble(ours.get(i).get("sum_" + t)), 1e-9 * Math.max(1, Math.abs(want)), t);
            }
        }
        for (String t : th) {
            List<String> l = lines(fx.resolve("plink/score.t" + t + ".sscore"));
            for (int i = 0; i < ours.size(); i++) {
                String[] f = l.get(i + 1).split("\\s+");
                double want = Double.parseDouble(f[5]);
                assertEquals(want, Double.parseDouble(ours.get(i).get("sum_" + t)), 1e-5 * Math.max(1, Math.abs(want)), "plink2 " + t);
            }
        }
    }

    @Test
    void r2TableMatchesRGlmOnTheSameScoresAndPcs() throws IOException {
        // our regression fed plink2's scores and PCs must give R's Nagelkerke R2 and p (1e-6)
        var r = Fixtures.table(fx.resolve("plink/r2.tsv"));
        var ph = PhenotypeReader.read(fx.resolve("pheno.tsv"), null, Set.of());
        List<String> pcl = lines(fx.resolve("plink/qc.eigenvec"));
        for (var row : r) {
            List<String> sl = lines(fx.resolve("plink/score.t" + row.get("threshold") + ".sscore"));
            int n = sl.size() - 1;
            List<Double> y = new ArrayList<>(), s = new ArrayList<>();
            List<double[]> pcs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String[] f = sl.get(i + 1).split("\\s+"), p = pcl.get(i + 1).split("\\s+");
                assertEquals(f[1], p[1]);
                double v = ph.column("chronic_pain").numeric[ph.row(f[1])];
                if (Double.isNaN(v)) continue;
                y.add(v);
                s.add(Double.parseDouble(f[5]));
                double[] pc = new double[20];
                for (int c = 0; c < 20; c++) pc[c] = Double.parseDouble(p[c + 2]);
                pcs.add(pc);
            }
            int m = y.size();
            assertEquals(Integer.parseInt(row.get("n")), m);
            double[] yy = y.stream().mapToDouble(Double::doubleValue).toArray(), ss = s.stream().mapToDouble(Double::doubleValue).toArray();
            double[][] cov = new double[20][m];
            for (int i = 0; i < m; i++) for (int c = 0; c < 20; c++) cov[c][i] = pcs.get(i)[c];
            var full = ScoreRegression.fit(yy, cov, ss, true);
            var nul = ScoreRegression.fit(yy, cov, null, true);
            assertEquals(Double.parseDouble(row.get("r2_full")), full.r2(), 1e-6, row.get("threshold"));
            assertEquals(Double.parseDouble(row.get("r2_null")), nul.r2(), 1e-6);
            assertEquals(Double.parseDouble(row.get("p")), full.p(), 1e-6, row.get("threshold"));
        }
        // and our own table (own PCs and scores) is within 1e-5 of R's: the PC subspaces agree
        var ours = Fixtures.table(score.resolve("r2.tsv"));
        for (int k = 0; k < r.size(); k++) {
            assertEquals(r.get(k).get("threshold"), ours.get(k).get("threshold"));
            assertEquals(Double.parseDouble(r.get(k).get("r2_full")), Double.parseDouble(ours.get(k).get("r2_full")), 1e-5);
        }
    }
}
