package org.cohortex.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.descriptive.moment.Variance;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CohortSimulatorTest {
    @TempDir
    static Path tmp;
    static Path a;

    @BeforeAll
    static void simulate() throws Exception {
        a = tmp.resolve("a");
        onThreads(2, () -> CohortSimulator.run(CohortSimulator.Preset.SMALL, 42, a));
    }

    /** Runs the task on a pool of {@code threads} workers; parallel streams inside use that pool. */
    static void onThreads(int threads, Runnable task) throws Exception {
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(task).get();
        } finally {
            pool.shutdown();
        }
    }

    static Map<String, String> digests(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                m.put(dir.relativize(p).toString(), HexFormat.of().formatHex(d));
            }
        }
        return m;
    }

    @Test
    void sameSeedGivesSameBytesOnOneAndTwoThreadsAndAnotherSeedDiffers() throws Exception {
        Path b = tmp.resolve("b"), c = tmp.resolve("c");
        onThreads(1, () -> CohortSimulator.run(CohortSimulator.Preset.SMALL, 42, b));
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 43, c);
        Map<String, String> da = digests(a), db = digests(b), dc = digests(c);
        assertTrue(da.size() > 40, "all outputs present: " + da.keySet());
        assertEquals(da, db);
        assertFalse(da.get("expr/BLA.counts.tsv.gz").equals(dc.get("expr/BLA.counts.tsv.gz")));
        assertFalse(da.get("reference/amygdala.counts.tsv.gz").equals(dc.get("reference/amygdala.counts.tsv.gz")));
    }

    @Test
    void shapesAndCountsAreRealistic() {
        PhenotypeTable p = PhenotypeReader.read(a.resolve("pheno.tsv"), "donor_id", Set.of());
        assertEquals(80, p.sampleCount());
        assertTrue(p.columnNames().size() >= 160, "160+ phenotype variables, got " + p.columnNames().size());
        for (String region : CohortSimulator.REGIONS) {
            ExpressionMatrix m = MatrixReader.read(a.resolve("expr/" + region + ".counts.tsv.gz"));
            assertEquals(1500, m.geneCount());
            assertTrue(m.sampleCount() > 70 && m.sampleCount() <= 80, region + " samples " + m.sampleCount());
            double[] lib = new double[m.sampleCount()];
            for (int g = 0; g < m.geneCount(); g++) {
                for (int j = 0; j < m.sampleCount(); j++) {
                    double v = m.values.get(g, j);
                    assertTrue(v >= 0 && v == Math.rint(v), "counts are non-negative integers");
                    lib[j] += v;
                }
            }
            double min = Arrays.stream(lib).min().orElseThrow(), max = Arrays.stream(lib).max().orElseThrow();
            assertTrue(max / min > 1.5, "library sizes vary: " + min + ".." + max);
            assertTrue(min > 5e6, "tens of millions of reads per sample");
            for (String s : m.samples) assertTrue(p.row(s) >= 0, "every expression sample is a donor of the phenotype table");
        }
    }

    @Test
    void donorsHaveThePapersShape() {
        Donors d = new Donors(CohortSimulator.Preset.PAPER, 7);
        int females = 0;
        for (boolean f : d.female) if (f) females++;
        assertEquals(115, females);
        assertEquals(46.75, Arrays.stream(d.age).average().orElseThrow(), 2.5);
        PhenotypeTable t = d.table;
        // opioid check (paper Methods): fentanyl correlates with most other lifetime opioids, not with oxymorphone
        int correlated = 0;
        for (String o : Donors.OTHER_OPIOIDS) if (pearsonP(t, "lifetime_fentanyl", "lifetime_" + o) < 0.05) correlated++;
        assertTrue(correlated >= 8, "fentanyl correlated with " + correlated + "/10 other opioids");
        assertTrue(pearsonP(t, "lifetime_fentanyl", "lifetime_oxymorphone") > 0.05, "oxymorphone independent of fentanyl");
        // missingness over 50% exists; collinear groups exist
        int over50 = 0;
        for (String c : t.columnNames()) if (t.column(c).missingCount() > 0.5 * t.sampleCount()) over50++;
        assertTrue(over50 >= 5, "columns with > 50% missing: " + over50);
        assertTrue(Math.abs(pearson(t, "weight_kg", "weight_lb")) > 0.999);
        assertTrue(Math.abs(pearson(t, "age", "age_months")) > 0.999);
    }

    @Test
    void plantedEffectsShowInTheTrueCellTypeExpressionWithTheirSign() throws IOException {
        PhenotypeTable p = PhenotypeReader.read(a.resolve("pheno.tsv"), "donor_id", Set.of());
        int checked = 0;
        List<Map<String, String>> truth = Fixtures.table(a.resolve("truth/degs.tsv"));
        Map<String, Integer> traitsPerGene = new HashMap<>();
        for (Map<String, String> e : truth) traitsPerGene.merge(e.get("region") + "/" + e.get("cell_type") + "/" + e.get("gene"), 1,
                Integer::sum);
        for (Map<String, String> e : truth) {
            if (!e.get("trait").equals("chronic_pain") || e.get("cell_type").equals("bulk")) continue;
            // genes planted for two correlated traits (e.g. migraine overlap) mix both effects in a raw difference
            if (traitsPerGene.get(e.get("region") + "/" + e.get("cell_type") + "/" + e.get("gene")) > 1) continue;
            Path f = a.resolve("truth/regions/" + e.get("region") + "." + e.get("cell_type") + ".log2expr.tsv.gz");
            ExpressionMatrix m = MatrixReader.read(f);
            int g = Arrays.asList(m.genes).indexOf(e.get("gene"));
            assertTrue(g >= 0, "true expression written for planted gene " + e);
            double caseSum = 0, ctrlSum = 0;
            int cases = 0, ctrls = 0;
            for (int j = 0; j < m.sampleCount(); j++) {
                double y = p.column("chronic_pain").numeric[p.row(m.samples[j])];
                if (y == 1) { caseSum += m.values.get(g, j); cases++; } else { ctrlSum += m.values.get(g, j); ctrls++; }
            }
            double diff = caseSum / cases - ctrlSum / ctrls, fc = Double.parseDouble(e.get("log2fc"));
            assertEquals(Math.signum(fc), Math.signum(diff), "sign of " + e);
            assertEquals(fc, diff, 0.6, "size of " + e);
            checked++;
        }
        assertTrue(checked >= 3, "checked " + checked + " planted effects");
    }

    @Test
    void theTraitOverlapsAreThoseOfThePaper() {
        Map<String, Map<String, Double>> sets = new HashMap<>();
        for (Map<String, String> e : Fixtures.table(a.resolve("truth/degs.tsv"))) {
            sets.computeIfAbsent(e.get("trait") + "|" + e.get("region") + "|" + e.get("cell_type"), k -> new HashMap<>())
                    .put(e.get("gene"), Double.parseDouble(e.get("log2fc")));
        }
        Map<String, Double> cpBlaMicro = sets.get("chronic_pain|BLA|microglia");
        assertTrue(cpBlaMicro.size() >= 20, "chronic pain acts mainly in BLA microglia");
        for (Map.Entry<String, Map<String, Double>> s : sets.entrySet()) {
            if (s.getKey().startsWith("chronic_pain") && !s.getKey().equals("chronic_pain|BLA|microglia")) {
                assertTrue(s.getValue().size() < cpBlaMicro.size(), "BLA microglia is the largest chronic-pain set");
            }
        }
        Map<String, Double> oxy = sets.get("lifetime_oxymorphone|BLA|microglia");
        int shared = 0;
        for (Map.Entry<String, Double> e : oxy.entrySet()) {
            if (cpBlaMicro.containsKey(e.getKey())) {
                shared++;
                assertEquals(Math.signum(cpBlaMicro.get(e.getKey())), Math.signum(e.getValue()), "concordant sign");
            }
        }
        assertTrue(shared >= 2, "oxymorphone overlaps chronic pain in BLA microglia");
        Set<String> cpAll = new HashSet<>(), fen = new HashSet<>();
        sets.forEach((k, v) -> {
            if (k.startsWith("chronic_pain")) cpAll.addAll(v.keySet());
            if (k.startsWith("lifetime_fentanyl")) fen.addAll(v.keySet());
        });
        assertFalse(fen.isEmpty());
        fen.retainAll(cpAll);
        assertTrue(fen.isEmpty(), "fentanyl shares nothing with chronic pain");
        Set<String> mig = new HashSet<>(sets.get("migraine|MeA|microglia").keySet());
        mig.retainAll(sets.get("chronic_pain|MeA|microglia").keySet());
        assertTrue(mig.size() >= 1 && mig.size() < sets.get("migraine|MeA|microglia").size() / 2,
                "a small migraine/chronic-pain overlap in MeA microglia");
        assertTrue(sets.containsKey("mcp_prs|dACC|oligodendrocyte"), "genetic risk acts in dACC oligodendrocytes");
    }

    @Test
    void proportionsGeneSetsAndReferencePanels() throws IOException {
        ExpressionMatrix w = MatrixReader.read(a.resolve("truth/regions/BLA.proportions.tsv"));
        // proportions file: donors x cell types
        int micro = Arrays.asList(w.samples).indexOf("microglia");
        double mean = 0;
        for (int i = 0; i < w.geneCount(); i++) {
            double s = 0;
            for (int c = 0; c < w.sampleCount(); c++) s += w.values.get(i, c);
            assertEquals(1.0, s, 1e-5);
            mean += w.values.get(i, micro) / w.geneCount();
        }
        assertTrue(mean > 0.02 && mean < 0.1, "microglia a small share: " + mean);
        assertEquals(7, w.sampleCount(), "amygdala panel has OPCs");
        assertEquals(6, MatrixReader.read(a.resolve("truth/regions/dACC.proportions.tsv")).sampleCount());

        List<String> gmt = Files.readAllLines(a.resolve("genesets/simulated.gmt"));
        assertTrue(gmt.size() > 300);
        Set<String> cp = new HashSet<>();
        for (Map<String, String> e : Fixtures.table(a.resolve("truth/degs.tsv"))) {
            if (e.get("trait").equals("chronic_pain") && e.get("region").equals("BLA")
                    && e.get("cell_type").equals("microglia")) cp.add(e.get("gene"));
        }
        List<String> hyp = new ArrayList<>(List.of(gmt.get(0).split("\t")));
        assertEquals("SIM_HYPOXIA", hyp.get(0));
        long inCp = hyp.stream().skip(2).filter(cp::contains).count();
        assertTrue(inCp >= 0.25 * cp.size(), "hypoxia set enriched for chronic-pain genes: " + inCp + " of " + cp.size());

        ExpressionMatrix ref = MatrixReader.read(a.resolve("reference/amygdala.counts.tsv.gz"));
        List<Map<String, String>> labels = Fixtures.table(a.resolve("reference/amygdala.labels.tsv"));
        assertEquals(ref.sampleCount(), labels.size());
        assertEquals(7, labels.stream().map(l -> l.get("cell_type")).distinct().count());
        ExpressionMatrix sig = MatrixReader.read(a.resolve("reference/cortex.signature.tsv"));
        assertEquals(6, sig.sampleCount());
        assertTrue(sig.geneCount() >= 6 * 15 * 0.8, "markers for every cell type");
        assertTrue(Files.readString(a.resolve("cohort.yaml")).contains("BLA:\n    counts: expr/BLA.counts.tsv.gz\n    panel: amygdala"));
    }

    @Test
    void referenceLabelsNameTheDonorOfEveryCell() throws IOException {
        for (String panel : new String[] {"cortex", "amygdala"}) {
            List<String> lines = Files.readAllLines(a.resolve("reference/" + panel + ".labels.tsv"));
            assertEquals("cell\tcell_type\tdonor", lines.get(0));
            ExpressionMatrix ref = MatrixReader.read(a.resolve("reference/" + panel + ".counts.tsv.gz"));
            assertEquals(lines.size() - 1, ref.sampleCount());
            Map<String, Integer> cells = new TreeMap<>(), micro = new TreeMap<>();
            Map<String, Set<String>> types = new HashMap<>();
            for (int c = 1; c < lines.size(); c++) {
                String[] f = lines.get(c).split("\t");
                assertEquals(ref.samples[c - 1], f[0], "labels in the order of the count columns");
                cells.merge(f[2], 1, Integer::sum);
                micro.merge(f[2], f[1].equals("microglia") ? 1 : 0, Integer::sum);
                types.computeIfAbsent(f[2], k -> new HashSet<>()).add(f[1]);
            }
            assertEquals(12, cells.size(), panel + ": the small preset's 12 reference donors");
            for (Map.Entry<String, Integer> d : cells.entrySet()) {
                assertEquals(60, d.getValue(), "cells of " + d.getKey());
                assertTrue(d.getKey().startsWith(panel + "_donor"));
                assertTrue(types.get(d.getKey()).size() >= 4, "a donor contributes most cell types: " + types.get(d.getKey()));
            }
            int total = micro.values().stream().mapToInt(Integer::intValue).sum();
            assertEquals(0.055, total / (12 * 60.0), 0.025, panel + ": microglia about 5-6% of nuclei");
            assertTrue(new HashSet<>(micro.values()).size() >= 3, "donors differ in their numbers of microglia: " + micro);
        }
    }

    /** Sigma_g in truth/ is the simulated one, and the cohort's true cell-type expression carries it. */
    @Test
    void trueCellTypeExpressionCarriesSigmaWithADonorPartSharedByRegions() throws IOException {
        GeneModel gm = new GeneModel(1500, 42);
        CellTypeCovariance cov = new CellTypeCovariance(gm, 42);
        ExpressionMatrix t = MatrixReader.read(a.resolve("truth/celltype_covariance.tsv.gz"));
        assertEquals(1500, t.geneCount());
        assertEquals(List.of("sd_astrocyte", "sd_endothelial"), List.of(t.samples).subList(0, 2));
        assertEquals("cor_astrocyte_endothelial", t.samples[7]);
        assertEquals(7 + 21, t.sampleCount());
        for (int g = 0; g < 1500; g += 37) {
            assertEquals(cov.sd[g * 7 + CohortSimulator.MICRO], t.values.get(g, CohortSimulator.MICRO), 0);
            assertEquals(cov.cor[g * 49 + 1], t.values.get(g, 7), 0);
        }
        assertTrue(Files.readString(a.resolve("truth/celltype_model.json")).contains("\"reference_donors_per_panel\" : 12"));
        // microglia minus astrocyte removes what every type shares (confounders); among genes without
        // planted effects its variance is Sigma_g's, and two regions of a donor correlate by 0.75
        Set<String> planted = new HashSet<>();
        for (Map<String, String> e : Fixtures.table(a.resolve("truth/degs.tsv"))) planted.add(e.get("gene"));
        ExpressionMatrix[] m = new ExpressionMatrix[4];
        String[] files = {"BLA.microglia", "BLA.astrocyte", "MeA.microglia", "MeA.astrocyte"};
        for (int f = 0; f < 4; f++) m[f] = MatrixReader.read(a.resolve("truth/regions/" + files[f] + ".log2expr.tsv.gz"));
        List<String> meaSamples = List.of(m[2].samples);
        double varRatio = 0, crossRegion = 0;
        int genes = 0;
        for (int g = 0; g < m[0].geneCount(); g++) {
            if (planted.contains(m[0].genes[g])) continue;
            List<double[]> pairs = new ArrayList<>();
            for (int j = 0; j < m[0].sampleCount(); j++) {
                int jm = meaSamples.indexOf(m[0].samples[j]);
                if (jm < 0) continue;
                pairs.add(new double[] {m[0].values.get(g, j) - m[1].values.get(g, j), m[2].values.get(g, jm) - m[3].values.get(g, jm)});
            }
            double[][] xy = pairs.toArray(new double[0][]);
            double expected = Math.pow(cov.sd[g * 7 + CohortSimulator.MICRO], 2) + Math.pow(cov.sd[g * 7 + CohortSimulator.ASTRO], 2)
                    - 2 * cov.covariance(g, CohortSimulator.MICRO, CohortSimulator.ASTRO);
            varRatio += Math.log(new Variance().evaluate(column(xy, 0)) / expected);
            crossRegion += new PearsonsCorrelation(xy).getCorrelationMatrix().getEntry(0, 1);
            genes++;
        }
        assertTrue(genes > 1000);
        assertEquals(0, varRatio / genes, 0.05, "variance of microglia - astrocyte vs Sigma_g (log ratio)");
        assertEquals(CellTypeCovariance.DONOR_SHARED, crossRegion / genes, 0.04, "BLA-MeA correlation of a donor's deviations");
    }

    static double[] column(double[][] xy, int c) {
        double[] v = new double[xy.length];
        for (int i = 0; i < xy.length; i++) v[i] = xy[i][c];
        return v;
    }

    /** A marker's bulk CPM follows its type's proportion across samples: the bulk is a linear mixture. */
    @Test
    void bulkMarkersFollowTheirCellTypesProportion() {
        GeneModel gm = new GeneModel(1500, 42);
        int[] types = CohortSimulator.cellTypesOf("amygdala");
        ExpressionMatrix bulk = MatrixReader.read(a.resolve("expr/BLA.counts.tsv.gz"));
        ExpressionMatrix w = MatrixReader.read(a.resolve("truth/regions/BLA.proportions.tsv"));
        List<String> propSamples = List.of(w.genes);
        int n = bulk.sampleCount();
        double[] lib = new double[n];
        for (int g = 0; g < bulk.geneCount(); g++) for (int j = 0; j < n; j++) lib[j] += bulk.values.get(g, j);
        for (int type : new int[] {CohortSimulator.MICRO, CohortSimulator.EXC, CohortSimulator.OLIGO}) {
            int col = List.of(w.samples).indexOf(CohortSimulator.CELL_TYPES[type]);
            Integer[] order = IntStream.range(0, gm.genes).boxed().toArray(Integer[]::new);
            final int t = type;
            Arrays.sort(order, (x, y) -> Double.compare(ReferencePanel.specificity(gm, y, types, t),
                    ReferencePanel.specificity(gm, x, types, t)));
            double[][] xy = new double[n][2];
            for (int j = 0; j < n; j++) {
                for (int r = 0; r < 10; r++) xy[j][0] += Math.log((bulk.values.get(order[r], j) + 0.5) / lib[j] * 1e6) / 10;
                xy[j][1] = Math.log(w.values.get(propSamples.indexOf(bulk.samples[j]), col));
            }
            double r = new PearsonsCorrelation(xy).getCorrelationMatrix().getEntry(0, 1);
            assertTrue(r > 0.7, CohortSimulator.CELL_TYPES[type] + " markers vs its proportion: r = " + r);
        }
    }

    @Test
    void genotypesAreValidPlinkWithThePlantedTraps() throws IOException {
        byte[] bed = Files.readAllBytes(a.resolve("genotypes/cohort.bed"));
        List<String> bim = Files.readAllLines(a.resolve("genotypes/cohort.bim"));
        List<String> fam = Files.readAllLines(a.resolve("genotypes/cohort.fam"));
        assertEquals(80, fam.size());
        assertArrayEquals(new byte[] {0x6c, 0x1b, 0x01}, Arrays.copyOf(bed, 3), "SNP-major magic");
        assertEquals(3 + (long) bim.size() * ((80 + 3) / 4), bed.length, "size = 3 + SNPs x ceil(samples/4)");
        // decode chrX: genetic males are hemizygous (no heterozygous calls) -> the planted sex mismatches
        String json = Files.readString(a.resolve("truth/genotype_traps.json"));
        int firstX = -1;
        for (int j = 0; j < bim.size(); j++) if (bim.get(j).startsWith("X\t")) { firstX = j; break; }
        assertTrue(firstX > 0, "chrX present");
        int per = (80 + 3) / 4;
        for (int i = 0; i < 80; i++) {
            String[] f = fam.get(i).split(" ");
            int hets = 0, calls = 0;
            for (int j = firstX; j < bim.size(); j++) {
                int code = (bed[3 + j * per + (i >> 2)] >> ((i & 3) * 2)) & 3;
                if (code != 1) calls++;
                if (code == 2) hets++;
            }
            boolean reportedMale = f[4].equals("1"), geneticMale = hets < 0.01 * calls;
            boolean mismatch = reportedMale != geneticMale;
            assertEquals(mismatch, json.contains("\"" + f[1] + "\"") && sexMismatchList(json).contains(f[1]), "sex of " + f[1]);
        }
        // GWAS sumstats: header and the QC traps are present
        List<String> gw = new ArrayList<>();
        Path gwas = a.resolve("gwas/mcp_sumstats.tsv.gz");
        try (var in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gwas))))) {
            in.lines().forEach(gw::add);
        }
        assertEquals("SNP\tCHR\tBP\tA1\tA2\tBETA\tSE\tP\tMAF\tINFO", gw.get(0));
        Map<String, String[]> bimById = new HashMap<>();
        for (String l : bim) { String[] f = l.split("\t"); bimById.put(f[1], f); }
        int ambiguous = 0, lowMaf = 0, lowInfo = 0, flipped = 0, swapped = 0, dupRows = 0;
        Set<String> seen = new HashSet<>();
        for (String l : gw.subList(1, gw.size())) {
            String[] f = l.split("\t");
            if (!seen.add(f[0])) dupRows++;
            if (Gwas.complement(f[3]).equals(f[4])) ambiguous++;
            if (Double.parseDouble(f[8]) < 0.01) lowMaf++;
            if (Double.parseDouble(f[9]) < 0.8) lowInfo++;
            String[] b = bimById.get(f[0]);
            if (b == null || Gwas.complement(b[4]).equals(b[5])) continue;
            if (f[3].equals(b[5]) && f[4].equals(b[4])) swapped++;
            else if (f[3].equals(Gwas.complement(b[4])) || f[3].equals(Gwas.complement(b[5]))) flipped++;
        }
        for (int[] c : new int[][] {{ambiguous, 100}, {lowMaf, 50}, {lowInfo, 50}, {flipped, 20}, {swapped, 50}, {dupRows, 1}}) {
            assertTrue(c[0] >= c[1], "trap count " + c[0] + " >= " + c[1]);
        }
        // the PRS trait tracks the true genetic value
        List<Map<String, String>> gv = Fixtures.table(a.resolve("truth/genetic_value.tsv"));
        double[][] xy = gv.stream().map(m -> new double[] {Double.parseDouble(m.get("genetic_value")),
                Double.parseDouble(m.get("mcp_prs"))}).toArray(double[][]::new);
        double r = new PearsonsCorrelation(xy).getCorrelationMatrix().getEntry(0, 1);
        assertTrue(r > 0.3, "PRS vs genetic value r = " + r);
    }

    static String sexMismatchList(String json) {
        int i = json.indexOf("\"sex_mismatch\"");
        return json.substring(i, json.indexOf(']', i));
    }

    static double[][] pair(PhenotypeTable t, String x, String y) {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < t.sampleCount(); i++) {
            double a = t.column(x).numeric[i], b = t.column(y).numeric[i];
            if (!Double.isNaN(a) && !Double.isNaN(b)) rows.add(new double[] {a, b});
        }
        return rows.toArray(new double[0][]);
    }

    static double pearson(PhenotypeTable t, String x, String y) {
        return new PearsonsCorrelation(pair(t, x, y)).getCorrelationMatrix().getEntry(0, 1);
    }

    static double pearsonP(PhenotypeTable t, String x, String y) {
        return new PearsonsCorrelation(pair(t, x, y)).getCorrelationPValues().getEntry(0, 1);
    }
}
