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
 * + biological noise; bulk = proportion-weighted sum on the linear scale; counts ~ NB(library
 * size x bulk, gene dispersion).
 */
final class RegionSimulator {
    private RegionSimulator() {}

    static Map<String, Object> simulate(CohortSimulator.Preset preset, long seed, int regionIndex, Donors d, GeneModel gm,
                                        List<Effect> effects, Path out) {
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
        Map<String, double[]> traitValues = new LinkedHashMap<>();
        traitValues.put("chronic_pain", Donors.toDouble(d.chronicPain));
        traitValues.put("migraine", Donors.toDouble(d.migraine));
        traitValues.put("lifetime_fentanyl", Donors.toDouble(d.fentanyl));
        traitValues.put("lifetime_oxymorphone", Donors.toDouble(d.oxymorphone));
        traitValues.put("mcp_prs", d.prs);

        double[] conf = new double[n * 6];
        int[] batch = new int[n];
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
        // true cell-type expression: every gene for the small preset (tests), the first 500 for paper
        int truthGenes = gm.genes <= 2000 ? gm.genes : 500;
        double[] counts = new double[gm.genes * n];
        double[] truth = new double[k * truthGenes * n]; // [cell][gene][sample] log2 expression
        int regions = CohortSimulator.REGIONS.length;
        IntStream.range(0, gm.genes).parallel().forEach(g -> {
            SplittableRandom rg = KeyedStreams.stream(seed, 30 + regionIndex, g);
            List<Effect> eff = byGene.getOrDefault(g, List.of());
            double[] cellEffect = new double[k];
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
                double bulk = 0;
                for (int c = 0; c < k; c++) {
                    double l2 = gm.cellLog2(g, types[c]) + shared + cellEffect[c] + 0.2 * rg.nextGaussian();
                    if (g < truthGenes) truth[(c * truthGenes + g) * n + s] = Math.round(l2 * 1e4) / 1e4;
                    bulk += w[s * k + c] * Math.pow(2, l2);
                }
                counts[g * n + s] = Variates.negativeBinomial(rg, lib[s] * 1e-6 * bulk, gm.dispersion[g]);
            }
        });
        String[] geneIds = GeneModel.ids(gm.genes);
        MatrixWriter.write(out.resolve("expr").resolve(region + ".counts.tsv.gz"), "gene", geneIds, samples, counts);
        Path t = out.resolve("truth").resolve("regions");
        String[] cellNames = new String[k];
        for (int c = 0; c < k; c++) cellNames[c] = CohortSimulator.CELL_TYPES[types[c]];
        MatrixWriter.write(t.resolve(region + ".proportions.tsv"), "donor_id", samples, cellNames, w);
        MatrixWriter.write(t.resolve(region + ".dissection.tsv"), "donor_id", samples, new String[] {"dissection"}, dissection);
        for (int c = 0; c < k; c++) {
            double[] block = Arrays.copyOfRange(truth, c * truthGenes * n, (c + 1) * truthGenes * n);
            MatrixWriter.write(t.resolve(region + "." + cellNames[c] + ".log2expr.tsv.gz"), "gene",
                    Arrays.copyOf(geneIds, truthGenes), samples, block);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("samples", n);
        meta.put("cell_types", Arrays.asList(cellNames));
        return meta;
    }
}
