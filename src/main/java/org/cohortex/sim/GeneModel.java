package org.cohortex.sim;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.cohortex.random.KeyedStreams;

/**
 * Per-gene parameters shared by all regions: base expression, cell-type profiles (with markers),
 * dispersion, and the loadings of the confounders on each gene.
 */
final class GeneModel {
    static final int C = CohortSimulator.CELL_TYPES.length;
    static final int BATCHES = 8;

    final int genes;
    /** Base log2 expression (CPM-like scale). */
    final double[] mean;
    /** genes x C: log2 deviation of each cell type from the base. */
    final double[] cell;
    final double[] dispersion;
    final double[] rinLoad, pmiLoad, phLoad, hidden1Load, hidden2Load, dissectionLoad;
    /** genes x BATCHES. */
    final double[] batchEffect;
    /** genes x regions: small regional offsets. */
    final double[] regionOffset;

    GeneModel(int genes, long seed) {
        this.genes = genes;
        mean = new double[genes];
        cell = new double[genes * C];
        dispersion = new double[genes];
        rinLoad = new double[genes];
        pmiLoad = new double[genes];
        phLoad = new double[genes];
        hidden1Load = new double[genes];
        hidden2Load = new double[genes];
        dissectionLoad = new double[genes];
        batchEffect = new double[genes * BATCHES];
        regionOffset = new double[genes * CohortSimulator.REGIONS.length];
        for (int g = 0; g < genes; g++) {
            SplittableRandom r = KeyedStreams.stream(seed, 2, g);
            mean[g] = 3.5 + 2.2 * r.nextGaussian();
            int marker = r.nextDouble() < 0.2 ? r.nextInt(C) : -1; // ~3% of genes are markers of each type
            for (int c = 0; c < C; c++) {
                double d = 0.6 * r.nextGaussian();
                if (marker >= 0) d = c == marker ? 2.5 + 2.5 * r.nextDouble() : -1.5 * r.nextDouble();
                cell[g * C + c] = d;
            }
            dispersion[g] = 0.03 * Math.exp(0.5 * r.nextGaussian()) + 0.6 / (1 + Math.pow(2, mean[g]));
            rinLoad[g] = 0.12 * r.nextGaussian();
            pmiLoad[g] = 0.08 * r.nextGaussian();
            phLoad[g] = 0.10 * r.nextGaussian();
            hidden1Load[g] = 0.35 * r.nextGaussian();
            hidden2Load[g] = 0.25 * r.nextGaussian();
            dissectionLoad[g] = 0.15 * r.nextGaussian();
            for (int b = 0; b < BATCHES; b++) batchEffect[g * BATCHES + b] = 0.15 * r.nextGaussian();
            for (int k = 0; k < CohortSimulator.REGIONS.length; k++) regionOffset[g * CohortSimulator.REGIONS.length
                    + k] = 0.2 * r.nextGaussian();
        }
    }

    static String id(int g) { return String.format("SIMG%05d", g + 1); }

    static String[] ids(int genes) {
        String[] s = new String[genes];
        for (int g = 0; g < genes; g++) s[g] = id(g);
        return s;
    }

    double cellLog2(int g, int c) { return mean[g] + cell[g * C + c]; }

    double quantileOfCell(int c, double q) {
        double[] v = new double[genes];
        for (int g = 0; g < genes; g++) v[g] = cellLog2(g, c);
        Arrays.sort(v);
        return v[(int) Math.min(genes - 1, Math.floor(q * genes))];
    }

    /** log2 scale factor that makes the mean tissue profile of a region sum to 1e6 (CPM). */
    double log2Normaliser(double[] proportions, int[] cellTypes) {
        double s = 0;
        for (int g = 0; g < genes; g++) {
            for (int k = 0; k < cellTypes.length; k++) s += proportions[k] * Math.pow(2, cellLog2(g, cellTypes[k]));
        }
        return Math.log(1e6 / s) / Math.log(2);
    }
}
