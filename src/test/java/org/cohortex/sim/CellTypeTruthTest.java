package org.cohortex.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.cohortex.UserException;
import org.cohortex.linalg.CholeskyDecomposition;
import org.junit.jupiter.api.Test;

/** The cell-type layer of the simulated truth: Sigma_g, the multi-donor reference, the planted counts. */
class CellTypeTruthTest {
    static final int K = CellTypeCovariance.K;

    @Test
    void correlationsAreDrawnAroundThePatternAndSdsAroundTheTypeMedians() {
        GeneModel gm = new GeneModel(4000, 5);
        CellTypeCovariance cov = new CellTypeCovariance(gm, 5);
        double[] pattern = CellTypeCovariance.pattern();
        double[] mean = new double[K * K], jitter = new double[K * K];
        for (int g = 0; g < gm.genes; g++) {
            double[] a = Arrays.copyOfRange(cov.cor, g * K * K, (g + 1) * K * K);
            assertTrue(CholeskyDecomposition.factor(a, 0, K), "R_g positive definite for gene " + g);
            for (int x = 0; x < K * K; x++) {
                mean[x] += cov.cor[g * K * K + x] / gm.genes;
                jitter[x] += Math.pow(cov.cor[g * K * K + x] - pattern[x], 2) / gm.genes;
            }
        }
        for (int i = 0; i < K; i++) {
            for (int j = 0; j < K; j++) {
                assertEquals(pattern[i * K + j], mean[i * K + j], 0.02, "mean correlation " + i + "," + j);
                double sd = Math.sqrt(jitter[i * K + j]);
                if (i != j) assertTrue(sd > 0.1 && sd < 0.3, "per-gene jitter " + i + "," + j + ": " + sd);
            }
        }
        // SDs: log-normal around the type's median (boosted for lowly expressed genes), microglia the most variable
        double[] median = new double[K];
        for (int k = 0; k < K; k++) {
            List<Double> high = new ArrayList<>();
            for (int g = 0; g < gm.genes; g++) if (gm.cellLog2(g, k) > 6) high.add(cov.sd[g * K + k]);
            median[k] = high.stream().sorted().toList().get(high.size() / 2);
            assertEquals(CellTypeCovariance.SD_MEDIAN[k], median[k], 0.1 * CellTypeCovariance.SD_MEDIAN[k], "median SD of " + k);
        }
        assertTrue(median[CohortSimulator.MICRO] > median[CohortSimulator.EXC] * 1.4, "microglia more variable than excitatory neurons");
        double low = 0, high = 0;
        int nl = 0, nh = 0;
        for (int g = 0; g < gm.genes; g++) {
            for (int k = 0; k < K; k++) {
                double l = gm.cellLog2(g, k), v = Math.log(cov.sd[g * K + k] / CellTypeCovariance.SD_MEDIAN[k]);
                if (l < 0) { low += v; nl++; } else if (l > 6) { high += v; nh++; }
            }
        }
        assertTrue(low / nl - high / nh > 0.25, "lowly expressed genes vary more: " + low / nl + " vs " + high / nh);
    }

    /**
     * MIND's get_prior formulas on a 150-donor panel of 1,200 cells per donor: per donor and type the mean counts over its
     * cells, log2(CPM + 1); across donors the SDs and correlations approach Sigma_g where the
     * pseudo-bulk is deep enough for counting noise to be small.
     */
    @Test
    void referencePseudoBulkCovarianceApproachesSigma() {
        GeneModel gm = new GeneModel(300, 9);
        CellTypeCovariance cov = new CellTypeCovariance(gm, 9);
        ReferencePanel p = ReferencePanel.simulate(9, "amygdala", gm, cov, 150, 1200);
        int donors = p.donorIds.length, k = p.types.length, cells = p.cells();
        double[] counts = p.counts();
        double[] sum = new double[gm.genes * donors * k]; // [gene][donor][type] summed counts
        int[] n = new int[donors * k];
        for (int c = 0; c < cells; c++) n[p.donorOf[c] * k + p.typeOf[c]]++;
        for (int g = 0; g < gm.genes; g++) {
            for (int c = 0; c < cells; c++) sum[(g * donors + p.donorOf[c]) * k + p.typeOf[c]] += counts[g * cells + c];
        }
        double[][] pb = pseudoBulk(sum, n, gm.genes, donors, k);
        // (gene, type) pairs with at least 500 UMI per donor on average: counting noise well under Sigma_g (whose SDs are
        // about 0.15 log2 units, so a shallower pseudo-bulk would measure mostly counting noise)
        boolean[] deep = new boolean[gm.genes * k];
        List<double[]> sds = new ArrayList<>();
        for (int g = 0; g < gm.genes; g++) {
            for (int t = 0; t < k; t++) {
                double total = 0;
                for (int j = 0; j < donors; j++) total += sum[(g * donors + j) * k + t] / donors;
                deep[g * k + t] = total >= 500;
                double[] x = pb[g * k + t];
                if (deep[g * k + t]) sds.add(new double[] {Math.sqrt(covariance(x, x)), cov.sd[g * K + p.types[t]]});
            }
        }
        assertTrue(sds.size() > 0.25 * gm.genes * k, "deep pairs " + sds.size());
        double r = new PearsonsCorrelation(sds.toArray(new double[0][])).getCorrelationMatrix().getEntry(0, 1);
        assertTrue(r > 0.9, "estimated vs true SDs: r = " + r);
        double ratio = 0;
        for (double[] s : sds) ratio += Math.log(s[0] / s[1]) / sds.size();
        // counting and cell-level noise add variance: estimates somewhat above the truth, never below
        assertTrue(ratio > 0 && ratio < Math.log(1.25), "estimated / true SD, geometric mean: " + Math.exp(ratio));
        // per type pair, over the genes deep in both: the mean estimated correlation follows the mean
        // of the true R_g (attenuated by the noise above); the covariance, which independent noise
        // leaves unbiased, matches: mean of cov_est / (sd_a sd_b) ~ mean R_g
        List<double[]> pattern = new ArrayList<>();
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                double est = 0, scaled = 0, truth = 0;
                int m = 0;
                for (int g = 0; g < gm.genes; g++) {
                    if (!deep[g * k + a] || !deep[g * k + b]) continue;
                    double[] x = pb[g * k + a], y = pb[g * k + b];
                    double c = covariance(x, y);
                    est += c / Math.sqrt(covariance(x, x) * covariance(y, y));
                    scaled += c / (cov.sd[g * K + p.types[a]] * cov.sd[g * K + p.types[b]]);
                    truth += cov.cor[g * K * K + p.types[a] * K + p.types[b]];
                    m++;
                }
                assertTrue(m >= 30, "genes deep in types " + a + "," + b + ": " + m);
                assertEquals(truth / m, scaled / m, 0.06, "mean scaled covariance of types " + a + "," + b);
                assertTrue(est / m > 0.5 * truth / m && est / m < truth / m + 0.03,
                        "mean correlation of types " + a + "," + b + ": " + est / m + " vs " + truth / m);
                pattern.add(new double[] {est / m, truth / m});
            }
        }
        double rp = new PearsonsCorrelation(pattern.toArray(new double[0][])).getCorrelationMatrix().getEntry(0, 1);
        assertTrue(rp > 0.9, "the estimated correlation pattern follows the drawn one: r = " + rp);
    }

    /** log2(CPM + 1) of the mean counts per donor and type (CPM over the genes of each donor-type column); [gene * k + type][donor]. */
    static double[][] pseudoBulk(double[] sum, int[] n, int genes, int donors, int k) {
        double[] lib = new double[donors * k];
        for (int g = 0; g < genes; g++) for (int x = 0; x < donors * k; x++) lib[x] += sum[g * donors * k + x];
        double[][] pb = new double[genes * k][donors];
        for (int g = 0; g < genes; g++) {
            for (int j = 0; j < donors; j++) {
                for (int t = 0; t < k; t++) {
                    int x = j * k + t;
                    pb[g * k + t][j] = n[x] == 0 ? Double.NaN : Math.log(sum[g * donors * k + x] / lib[x] * 1e6 + 1) / Math.log(2);
                }
            }
        }
        return pb;
    }

    /** Pairwise-complete sample covariance (n - 1). */
    static double covariance(double[] x, double[] y) {
        double mx = 0, my = 0;
        int m = 0;
        for (int j = 0; j < x.length; j++) if (!Double.isNaN(x[j]) && !Double.isNaN(y[j])) { mx += x[j]; my += y[j]; m++; }
        mx /= m;
        my /= m;
        double s = 0;
        for (int j = 0; j < x.length; j++) if (!Double.isNaN(x[j]) && !Double.isNaN(y[j])) s += (x[j] - mx) * (y[j] - my);
        return s / (m - 1);
    }

    @Test
    void referenceDonorsGetCellsInTheirOwnProportions() {
        GeneModel gm = new GeneModel(200, 3);
        ReferencePanel p = ReferencePanel.simulate(3, "amygdala", gm, new CellTypeCovariance(gm, 3), 20, 120);
        assertEquals(20 * 120, p.cells());
        int[][] n = new int[20][p.types.length];
        for (int c = 0; c < p.cells(); c++) n[p.donorOf[c]][p.typeOf[c]]++;
        int micro = Arrays.asList(Arrays.stream(p.types).boxed().toArray()).indexOf(CohortSimulator.MICRO);
        double share = 0;
        int min = Integer.MAX_VALUE, max = 0;
        for (int[] d : n) {
            share += d[micro] / 120.0 / 20;
            min = Math.min(min, d[micro]);
            max = Math.max(max, d[micro]);
        }
        assertEquals(0.06, share, 0.02, "microglia about 5-6% of nuclei");
        assertTrue(max - min >= 5, "donors differ in their microglia counts: " + min + ".." + max);
    }

    @Test
    void impossiblePanelSizesAreRefusedNamingTheOptions() {
        UserException e = assertThrows(UserException.class, () -> new CohortSimulator.Settings(1, 0, 120));
        assertTrue(e.getMessage().contains("--reference-donors 0"), e.getMessage());
        e = assertThrows(UserException.class, () -> new CohortSimulator.Settings(1, 20, 0));
        assertTrue(e.getMessage().contains("--cells-per-donor 0"), e.getMessage());
        GeneModel gm = new GeneModel(50, 1);
        e = assertThrows(UserException.class, () -> ReferencePanel.simulate(1, "amygdala", gm, new CellTypeCovariance(gm, 1), 1, 3));
        assertTrue(e.getMessage().contains("--reference-donors 1 x --cells-per-donor 3") && e.getMessage().contains("amygdala"),
                e.getMessage());
    }

    /** The paper preset's planted counts, exactly as README "The simulated cohort" lists them, at any seed. */
    @Test
    void thePaperPresetPlantsTheReadmeCounts() {
        Map<String, Integer> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("chronic_pain BLA microglia", 400), Map.entry("chronic_pain BLA endothelial", 15),
                Map.entry("chronic_pain BLA astrocyte", 20), Map.entry("chronic_pain MeA microglia", 40),
                Map.entry("chronic_pain MeA endothelial", 10), Map.entry("chronic_pain dACC oligodendrocyte", 10),
                Map.entry("chronic_pain dACC bulk", 3), Map.entry("migraine MeA microglia", 150),
                Map.entry("migraine MeA endothelial", 80), Map.entry("lifetime_oxymorphone BLA microglia", 25),
                Map.entry("lifetime_oxymorphone BLA endothelial", 5), Map.entry("lifetime_fentanyl DLPFC excitatory", 15),
                Map.entry("lifetime_fentanyl BLA inhibitory", 5), Map.entry("mcp_prs dACC oligodendrocyte", 60)));
        for (long seed : new long[] {20240520, 7}) {
            GeneModel gm = new GeneModel(CohortSimulator.Preset.PAPER.genes, seed);
            List<Effect> effects = CohortSimulator.plantEffects(CohortSimulator.Preset.PAPER, seed, gm, 1.0);
            Map<String, Integer> got = new TreeMap<>();
            for (Effect e : effects) got.merge(e.trait() + " " + e.region() + " " + e.cellType(), 1, Integer::sum);
            assertEquals(expected, got, "seed " + seed);
            int shared = 0;
            for (Effect e : effects) {
                if (e.trait().equals("migraine") && e.cellType().equals("microglia")) {
                    for (Effect f : effects) {
                        if (f.trait().equals("chronic_pain") && f.region().equals("MeA") && f.gene() == e.gene()) shared++;
                    }
                }
            }
            assertEquals(10, shared, "migraine shares 10 MeA microglia genes with chronic pain");
            int[] truth = CohortSimulator.truthGenes(gm.genes, effects);
            List<Integer> written = Arrays.stream(truth).boxed().toList();
            for (Effect e : effects) assertTrue(written.contains(e.gene()), "true expression written for planted gene " + e.gene());
            for (int g = 0; g < 1000; g++) assertTrue(written.contains(g), "null gene " + g);
            for (int i = 1; i < truth.length; i++) assertTrue(truth[i] > truth[i - 1], "ascending");
        }
    }
}
