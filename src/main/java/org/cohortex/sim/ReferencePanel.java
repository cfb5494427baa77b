package org.cohortex.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.cohortex.UserException;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.MatrixWriter;
import org.cohortex.random.KeyedStreams;
import org.cohortex.random.Variates;

/**
 * A multi-donor single-cell reference panel (cortex: 6 types; amygdala: 7 with OPCs), from the same
 * population as the cohort: each reference donor j has cell-type proportions ~ Dirichlet(40 x the
 * panel's mean proportions) (the mean of its two regions'), its cells' types drawn from them (so a
 * few microglia nuclei per donor), a sequencing depth factor exp(0.25 z), and its own cell-type
 * deviation vector ~ N_K(0, Sigma_g) per gene ({@link CellTypeCovariance}) around the gene model's
 * profile plus the panel's mean regional offset; no trait effects and no cohort confounders (the
 * reference is another study). Each cell: UMI library 2500 x depth x exp(0.4 z); counts ~ NB(library
 * x 1e-6 x 2^(log2 expression + 0.3 z_cell), 0.2). Written genes x cells with a labels file
 * ({@code cell cell_type donor}) and a signature matrix (mean CPM per type over each type's top
 * marker genes, pooled over donors).
 */
final class ReferencePanel {
    static final double CONCENTRATION = 40, CELL_UMI = 2500, DONOR_DEPTH_SD = 0.25, CELL_DEPTH_SD = 0.4;
    static final double CELL_NOISE_SD = 0.3, CELL_DISPERSION = 0.2;
    /** Random-stream purpose tags: the panel's donors and cells; per gene, the donors' deviations; per gene, the cells. */
    static final long LAYOUT_STREAM = 45, DEVIATION_STREAM = 72, CELL_STREAM = 40;

    final String panel;
    /** Cell types of the panel (indices into {@link CohortSimulator#CELL_TYPES}). */
    final int[] types;
    final String[] donorIds, cellIds;
    /** Per cell: its donor (index into donorIds), its type (index into types), its UMI library size. */
    final int[] donorOf, typeOf;
    final double[] lib;
    private final long seed;
    private final int panelIndex;
    private final GeneModel gm;
    private final CellTypeCovariance cov;
    /** Per gene and panel type: log2 level of the gene model + normaliser + the panel's mean regional offset. */
    private final double[] level;

    private ReferencePanel(long seed, String panel, GeneModel gm, CellTypeCovariance cov, String[] donorIds, int[] donorOf, int[] typeOf,
                           double[] lib) {
        this.seed = seed;
        this.panel = panel;
        this.panelIndex = panel.equals("cortex") ? 0 : 1;
        this.gm = gm;
        this.cov = cov;
        this.types = CohortSimulator.cellTypesOf(panel);
        this.donorIds = donorIds;
        this.donorOf = donorOf;
        this.typeOf = typeOf;
        this.lib = lib;
        cellIds = new String[lib.length];
        for (int c = 0; c < cellIds.length; c++) cellIds[c] = panel + "_cell" + (c + 1);
        double norm = gm.log2Normaliser(panelProportions(panel), types);
        List<Integer> regions = new ArrayList<>();
        for (int x = 0; x < CohortSimulator.REGIONS.length; x++) {
            if (CohortSimulator.panelOf(CohortSimulator.REGIONS[x]).equals(panel)) regions.add(x);
        }
        level = new double[gm.genes * types.length];
        for (int g = 0; g < gm.genes; g++) {
            double offset = 0;
            for (int x : regions) offset += gm.regionOffset[g * CohortSimulator.REGIONS.length + x] / regions.size();
            for (int t = 0; t < types.length; t++) level[g * types.length + t] = gm.cellLog2(g, types[t]) + norm + offset;
        }
    }

    /** The panel's mean proportions: the mean of its regions' ({@link CohortSimulator#meanProportions}). */
    static double[] panelProportions(String panel) {
        List<double[]> of = new ArrayList<>();
        for (String r : CohortSimulator.REGIONS) if (CohortSimulator.panelOf(r).equals(panel)) of.add(CohortSimulator.meanProportions(r));
        double[] p = new double[of.get(0).length];
        for (double[] q : of) for (int k = 0; k < p.length; k++) p[k] += q[k] / of.size();
        return p;
    }

    static ReferencePanel simulate(long seed, String panel, GeneModel gm, CellTypeCovariance cov, int donors, int cellsPerDonor) {
        int[] types = CohortSimulator.cellTypesOf(panel);
        int k = types.length, panelIndex = panel.equals("cortex") ? 0 : 1;
        SplittableRandom r = KeyedStreams.stream(seed, LAYOUT_STREAM, panelIndex);
        double[] mean = panelProportions(panel), alpha = new double[k];
        for (int t = 0; t < k; t++) alpha[t] = CONCENTRATION * mean[t];
        int cells = donors * cellsPerDonor;
        int[] donorOf = new int[cells], typeOf = new int[cells], perType = new int[k];
        double[] lib = new double[cells];
        String[] donorIds = new String[donors];
        int c = 0;
        for (int j = 0; j < donors; j++) {
            donorIds[j] = String.format("%s_donor%02d", panel, j + 1);
            double[] p = Variates.dirichlet(r, alpha);
            double depth = Math.exp(DONOR_DEPTH_SD * r.nextGaussian());
            int[] n = new int[k];
            for (int x = 0; x < cellsPerDonor; x++) n[categorical(r, p)]++;
            for (int t = 0; t < k; t++) {
                for (int x = 0; x < n[t]; x++, c++) {
                    donorOf[c] = j;
                    typeOf[c] = t;
                    lib[c] = CELL_UMI * depth * Math.exp(CELL_DEPTH_SD * r.nextGaussian());
                }
                perType[t] += n[t];
            }
        }
        for (int t = 0; t < k; t++) {
            if (perType[t] == 0) {
                throw new UserException("--reference-donors " + donors + " x --cells-per-donor " + cellsPerDonor + " gives the " + panel
                        + " reference panel no " + CohortSimulator.CELL_TYPES[types[t]] + " cells: raise either");
            }
        }
        return new ReferencePanel(seed, panel, gm, cov, donorIds, donorOf, typeOf, lib);
    }

    static int categorical(SplittableRandom r, double[] p) {
        double u = r.nextDouble(), s = 0;
        for (int t = 0; t < p.length - 1; t++) if (u < (s += p[t])) return t;
        return p.length - 1;
    }

    int cells() { return lib.length; }

    /**
     * Gene g's UMI counts of every cell into {@code out[off .. off+cells)}, from streams keyed by
     * (seed, panel, gene) only, so a gene's row is the same whenever and on whichever thread it is
     * made. Costs donors x K normals, then cells x (1 normal + 1 NB).
     */
    void countsOf(int g, double[] out, int off) {
        int donors = donorIds.length, kk = CellTypeCovariance.K, k = types.length;
        SplittableRandom rd = KeyedStreams.stream(seed, DEVIATION_STREAM, panelIndex, g);
        double[] dev = new double[donors * kk], z = new double[kk];
        for (int j = 0; j < donors; j++) cov.draw(g, rd, 1, dev, j * kk, z);
        SplittableRandom rg = KeyedStreams.stream(seed, CELL_STREAM + panelIndex, g);
        for (int c = 0; c < lib.length; c++) {
            int t = typeOf[c];
            double l2 = level[g * k + t] + dev[donorOf[c] * kk + types[t]] + CELL_NOISE_SD * rg.nextGaussian();
            out[off + c] = Variates.negativeBinomial(rg, lib[c] * 1e-6 * Math.pow(2, l2), CELL_DISPERSION);
        }
    }

    /** The whole genes x cells count matrix in memory (for small gene models: tests). */
    double[] counts() {
        int cells = lib.length;
        double[] counts = new double[gm.genes * cells];
        IntStream.range(0, gm.genes).parallel().forEach(g -> countsOf(g, counts, g * cells));
        return counts;
    }

    /**
     * Writes reference/&lt;panel&gt;.counts.tsv.gz, .labels.tsv and .signature.tsv (markers per type).
     * The counts are made and formatted in blocks of genes (each block in parallel, on the caller's
     * pool; only compression is serial), so memory stays at one block whatever the panel's size.
     */
    void write(Path out, int markers) {
        int cells = lib.length;
        Path dir = out.resolve("reference");
        AtomicFile.write(dir.resolve(panel + ".counts.tsv.gz"), w -> {
            StringBuilder head = new StringBuilder("gene");
            for (String id : cellIds) head.append('\t').append(id);
            w.append(head).append('\n');
            int block = Math.max(1, Math.min(512, (1 << 22) / cells));
            String[] rows = new String[block];
            for (int g0 = 0; g0 < gm.genes; g0 += block) {
                int from = g0, to = Math.min(gm.genes, g0 + block);
                IntStream.range(from, to).parallel().forEach(g -> rows[g - from] = row(g));
                for (int g = from; g < to; g++) w.append(rows[g - from]);
            }
        });
        AtomicFile.write(dir.resolve(panel + ".labels.tsv"), w -> {
            StringBuilder sb = new StringBuilder("cell\tcell_type\tdonor\n");
            for (int c = 0; c < cells; c++) {
                sb.append(cellIds[c]).append('\t').append(CohortSimulator.CELL_TYPES[types[typeOf[c]]]).append('\t')
                        .append(donorIds[donorOf[c]]).append('\n');
            }
            w.write(sb.toString());
        });
        writeSignature(dir, markers);
    }

    /** Gene g's line of the counts file: id, then its count in every cell, tab-separated. */
    private String row(int g) {
        int cells = lib.length;
        double[] v = new double[cells];
        countsOf(g, v, 0);
        StringBuilder sb = new StringBuilder(cells * 3 + 16).append(GeneModel.id(g));
        for (int c = 0; c < cells; c++) sb.append('\t').append((long) v[c]);
        return sb.append('\n').toString();
    }

    /** Mean CPM (per cell, over all donors' cells of the type) of each type's top markers; their rows are made again. */
    private void writeSignature(Path dir, int markers) {
        int cells = lib.length;
        int[] size = new int[types.length];
        for (int c = 0; c < cells; c++) size[typeOf[c]]++;
        // top markers of each type by log-fold change over the next-highest type (in the gene model)
        TreeSet<Integer> rows = new TreeSet<>();
        for (int t = 0; t < types.length; t++) {
            final int tt = t;
            Integer[] order = IntStream.range(0, gm.genes).boxed().toArray(Integer[]::new);
            Arrays.sort(order, (a, b) -> Double.compare(specificity(gm, b, types, tt), specificity(gm, a, types, tt)));
            rows.addAll(Arrays.asList(order).subList(0, markers));
        }
        List<Integer> sig = new ArrayList<>(rows);
        double[] cpm = new double[sig.size() * types.length], row = new double[cells];
        for (int s = 0; s < sig.size(); s++) {
            countsOf(sig.get(s), row, 0);
            for (int c = 0; c < cells; c++) cpm[s * types.length + typeOf[c]] += row[c] / lib[c] * 1e6 / size[typeOf[c]];
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
