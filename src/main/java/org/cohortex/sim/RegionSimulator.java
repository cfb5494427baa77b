package org.cohortex.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.cohortex.io.MatrixWriter;
import org.cohortex.random.KeyedStreams;
import org.cohortex.random.Variates;

/**
 * One region's bulk RNA-seq: per donor Dirichlet cell-type proportions; per gene, donor and cell
 * type a log2 expression = cell-type profile + region offset + confounders (measured: RIN, PMI,
 * pH, batch; hidden: two donor factors and a per-sample dissection factor) + planted trait effects
 * + the sample's cell-type deviation vector ~ N_K(0, Sigma_g) (a donor part shared by the donor's
 * regions plus a region part, {@link CellTypeCovariance}); bulk = proportion-weighted sum on the
 * linear scale; counts ~ NB(library size x bulk, gene dispersion).
 */
final class RegionSimulator {
    private RegionSimulator() {}

    /** Random-stream purpose tag of the donor part of the cell-type deviations (per gene, the same in every region). */
    static final long DONOR_DEVIATION_STREAM = 71;

    /**
     * Simulates and writes one region; the true log2 cell-type expression is written for
     * {@code truthGenes} (ascending gene indices).
     */
    static void simulate(long seed, int regionIndex, Donors d, GeneModel gm, CellTypeCovariance cov, List<Effect> effects,
                         int[] truthGenes, Path out) {
        String region = CohortSimulator.REGIONS[regionIndex];
        int[] types = CohortSimulator.cellTypesOf(CohortSimulator.panelOf(region));
        int k = types.length;
        SplittableRandom r = KeyedStreams.stream(seed, 20, regionIndex);
        // ~3% of donors lack this region, as in a real brain bank
        List<Integer> present = new ArrayList<>();
        for (int i = 0; i < d.n; i++) if (r.nextDouble() >= 0.03) present.add(i);
        int n = present.size();
        String[] samples = new String[n];
        double[] meanProp = CohortSimulator.meanProportions(region);
        double[] alpha = new double[k];
        for (int c = 0; c < k; c++) alpha[c] = 40 * meanProp[c];
        double[] w = new double[n * k], lib = new double[n], dissection = new double[n];
        for (int s = 0; s < n; s++) {
            samples[s] = d.ids[present.get(s)];
            double[] p = Variates.dirichlet(r, alpha);
            for (int c = 0; c < k; c++) w[s * k + c] = Math.round(p[c] * 1e6) / 1e6;
            lib[s] = 30e6 * Math.exp(0.35 * r.nextGaussian());
            dissection[s] = r.nextGaussian();
        }
        double norm = gm.log2Normaliser(meanProp, types);

        // trait value per sample for each trait with effects in this region
        Map<Integer, List<Effect>> byGene = new HashMap<>();
        for (Effect e : effects) if (e.region().equals(region)) byGene.computeIfAbsent(e.gene(), x -> new ArrayList<>()).add(e);
        Map<String, double[]> traitValues = traitValues(d);

        int[] batch = new int[n];
        double[] conf = confounders(d, present, dissection, batch);
        int nt = truthGenes.length;
        int[] truthRow = new int[gm.genes];
        Arrays.fill(truthRow, -1);
        for (int t = 0; t < nt; t++) truthRow[truthGenes[t]] = t;
        double[] counts = new double[gm.genes * n];
        double[] truth = new double[k * nt * n]; // [cell][truth gene][sample] log2 expression
        int regions = CohortSimulator.REGIONS.length;
        double donorScale = Math.sqrt(CellTypeCovariance.DONOR_SHARED), regionScale = Math.sqrt(1 - CellTypeCovariance.DONOR_SHARED);
        IntStream.range(0, gm.genes).parallel().forEach(g -> {
            SplittableRandom rg = KeyedStreams.stream(seed, 30 + regionIndex, g);
            List<Effect> eff = byGene.getOrDefault(g, List.of());
            double[] donorDev = donorDeviations(seed, g, d.n, cov, donorScale);
            double[] cellEffect = new double[k], dev = new double[CellTypeCovariance.K], z = new double[CellTypeCovariance.K];
            for (int s = 0; s < n; s++) {
                int i = present.get(s);
                int o = s * 6;
                double shared = gm.regionOffset[g * regions + regionIndex] + norm
                        + gm.rinLoad[g] * conf[o] + gm.pmiLoad[g] * conf[o + 1] + gm.phLoad[g] * conf[o + 2]
                        + gm.hidden1Load[g] * conf[o + 3] + gm.hidden2Load[g] * conf[o + 4] + gm.dissectionLoad[g] * conf[o + 5]
                        + gm.batchEffect[g * GeneModel.BATCHES + batch[s]];
                Arrays.fill(cellEffect, 0);
                for (Effect e : eff) {
                    double v = traitValues.get(e.trait())[i] * e.log2fc();
                    if (e.cellType().equals("bulk")) for (int c = 0; c < k; c++) cellEffect[c] += v;
                    else for (int c = 0; c < k; c++) if (CohortSimulator.CELL_TYPES[types[c]].equals(e.cellType())) cellEffect[c] += v;
                }
                System.arraycopy(donorDev, i * CellTypeCovariance.K, dev, 0, CellTypeCovariance.K);
                cov.draw(g, rg, regionScale, dev, 0, z);
                double bulk = 0;
                for (int c = 0; c < k; c++) {
                    double l2 = gm.cellLog2(g, types[c]) + shared + cellEffect[c] + dev[types[c]];
                    if (truthRow[g] >= 0) truth[(c * nt + truthRow[g]) * n + s] = Math.round(l2 * 1e4) / 1e4;
                    bulk += w[s * k + c] * Math.pow(2, l2);
                }
                counts[g * n + s] = Variates.negativeBinomial(rg, lib[s] * 1e-6 * bulk, gm.dispersion[g]);
            }
        });
        String[] cellNames = new String[k];
        for (int c = 0; c < k; c++) cellNames[c] = CohortSimulator.CELL_TYPES[types[c]];
        String[] geneIds = GeneModel.ids(gm.genes);
        MatrixWriter.write(out.resolve("expr").resolve(region + ".counts.tsv.gz"), "gene", geneIds, samples, counts);
        Path t = out.resolve("truth").resolve("regions");
        MatrixWriter.write(t.resolve(region + ".proportions.tsv"), "donor_id", samples, cellNames, w);
        MatrixWriter.write(t.resolve(region + ".dissection.tsv"), "donor_id", samples, new String[] {"dissection"}, dissection);
        String[] truthIds = new String[nt];
        for (int x = 0; x < nt; x++) truthIds[x] = geneIds[truthGenes[x]];
        for (int c = 0; c < k; c++) {
            double[] block = Arrays.copyOfRange(truth, c * nt * n, (c + 1) * nt * n);
            MatrixWriter.write(t.resolve(region + "." + cellNames[c] + ".log2expr.tsv.gz"), "gene", truthIds, samples, block);
        }
    }

    /** Each trait with planted effects, per donor. */
    static Map<String, double[]> traitValues(Donors d) {
        Map<String, double[]> v = new LinkedHashMap<>();
        v.put("chronic_pain", Donors.toDouble(d.chronicPain));
        v.put("migraine", Donors.toDouble(d.migraine));
        v.put("lifetime_fentanyl", Donors.toDouble(d.fentanyl));
        v.put("lifetime_oxymorphone", Donors.toDouble(d.oxymorphone));
        v.put("mcp_prs", d.prs);
        return v;
    }

    /**
     * Per present sample the six confounders acting on expression (samples x 6: RIN, PMI, pH centred
     * and scaled, the two hidden donor factors, dissection) and, into {@code batch}, its batch index.
     */
    static double[] confounders(Donors d, List<Integer> present, double[] dissection, int[] batch) {
        int n = present.size();
        double[] conf = new double[n * 6];
        for (int s = 0; s < n; s++) {
            int i = present.get(s);
            conf[s * 6] = d.rin[i] - 7;
            conf[s * 6 + 1] = (d.pmi[i] - 24) / 12;
            conf[s * 6 + 2] = (d.ph[i] - 6.5) / 0.25;
            conf[s * 6 + 3] = d.hidden[0][i];
            conf[s * 6 + 4] = d.hidden[1][i];
            conf[s * 6 + 5] = dissection[s];
            batch[s] = Integer.parseInt(d.batch[i].substring(1)) - 1;
        }
        return conf;
    }

    /**
     * The donor part of gene g's cell-type deviations, donors x K: sqrt(DONOR_SHARED) N_K(0, Sigma_g)
     * per donor from a stream keyed by gene only, so every region sees the same values.
     */
    static double[] donorDeviations(long seed, int g, int donors, CellTypeCovariance cov, double scale) {
        SplittableRandom r = KeyedStreams.stream(seed, DONOR_DEVIATION_STREAM, g);
        double[] dev = new double[donors * CellTypeCovariance.K], z = new double[CellTypeCovariance.K];
        for (int i = 0; i < donors; i++) cov.draw(g, r, scale, dev, i * CellTypeCovariance.K, z);
        return dev;
    }
}
