package org.cohortex.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.cohortex.io.AtomicFile;
import org.cohortex.io.MatrixWriter;
import org.cohortex.random.KeyedStreams;
import org.cohortex.random.Variates;

/**
 * A single-cell reference panel (cortex: 6 types; amygdala: 7 with OPCs): UMI counts of cells drawn
 * from the same cell-type profiles, written genes x cells like an expression matrix, with a labels
 * file; and a signature matrix (mean CPM per type over each type's top marker genes).
 */
final class ReferencePanel {
    private ReferencePanel() {}

    static void write(CohortSimulator.Preset preset, long seed, String panel, GeneModel gm, Path out) {
        int[] types = CohortSimulator.cellTypesOf(panel);
        int panelIndex = panel.equals("cortex") ? 0 : 1;
        int per = preset.cellsPerType, cells = per * types.length;
        SplittableRandom r = KeyedStreams.stream(seed, 45, panelIndex);
        String[] cellIds = new String[cells];
        int[] label = new int[cells];
        double[] lib = new double[cells];
        for (int c = 0; c < cells; c++) {
            label[c] = c / per;
            cellIds[c] = panel + "_cell" + (c + 1);
            lib[c] = 2500 * Math.exp(0.4 * r.nextGaussian());
        }
        double[] meanProp = new double[types.length];
        Arrays.fill(meanProp, 1.0 / types.length);
        double norm = gm.log2Normaliser(meanProp, types);
        double[] counts = new double[gm.genes * cells];
        IntStream.range(0, gm.genes).parallel().forEach(g -> {
            SplittableRandom rg = KeyedStreams.stream(seed, 40 + panelIndex, g);
            for (int c = 0; c < cells; c++) {
                double mu = lib[c] * 1e-6 * Math.pow(2, gm.cellLog2(g, types[label[c]]) + norm + 0.3 * rg.nextGaussian());
                counts[g * cells + c] = Variates.negativeBinomial(rg, mu, 0.2);
            }
        });
        Path dir = out.resolve("reference");
        MatrixWriter.write(dir.resolve(panel + ".counts.tsv.gz"), "gene", GeneModel.ids(gm.genes), cellIds, counts);
        AtomicFile.write(dir.resolve(panel + ".labels.tsv"), w -> {
            StringBuilder sb = new StringBuilder("cell\tcell_type\n");
            for (int c = 0; c < cells; c++) sb.append(cellIds[c]).append('\t').append(CohortSimulator.CELL_TYPES[types[label[c]]])
                    .append('\n');
            w.write(sb.toString());
        });

        // signature: top markers of each type by log-fold change over the next-highest type
        int markers = Math.max(15, preset.count(50));
        TreeSet<Integer> rows = new TreeSet<>();
        for (int t = 0; t < types.length; t++) {
            final int tt = t;
            Integer[] order = IntStream.range(0, gm.genes).boxed().toArray(Integer[]::new);
            Arrays.sort(order, (a, b) -> Double.compare(specificity(gm, b, types, tt), specificity(gm, a, types, tt)));
            rows.addAll(Arrays.asList(order).subList(0, markers));
        }
        List<Integer> sig = new ArrayList<>(rows);
        double[] cpm = new double[sig.size() * types.length];
        for (int s = 0; s < sig.size(); s++) {
            int g = sig.get(s);
            for (int c = 0; c < cells; c++) cpm[s * types.length + label[c]] += counts[g * cells + c] / lib[c] * 1e6 / per;
        }
        String[] names = new String[types.length];
        for (int t = 0; t < types.length; t++) names[t] = CohortSimulator.CELL_TYPES[types[t]];
        String[] ids = sig.stream().map(GeneModel::id).toArray(String[]::new);
        MatrixWriter.write(dir.resolve(panel + ".signature.tsv"), "gene", ids, names, cpm);
    }

    static double specificity(GeneModel gm, int g, int[] types, int t) {
        double own = gm.cellLog2(g, types[t]), other = Double.NEGATIVE_INFINITY;
        for (int u = 0; u < types.length; u++) if (u != t) other = Math.max(other, gm.cellLog2(g, types[u]));
        return gm.mean[g] < 2 ? Double.NEGATIVE_INFINITY : own - other;
    }
}
