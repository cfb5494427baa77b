package org.cohortex.counts;

import java.util.HashMap;
import java.util.Map;

import org.cohortex.linalg.Mat;
import org.cohortex.testutil.Tsv;

/** One simulated shape of make_limma_fixture.R: counts, design and edgeR/limma's results. */
final class ShapeFixture {
    final String name;
    final int genes, n;
    final double[] counts;
    final Mat design;
    final Tsv samples, perGene, logCpm, weights;
    final Map<String, Double> scalars = new HashMap<>();

    private ShapeFixture(String name) {
        this.name = name;
        Tsv c = Tsv.read("limma/" + name + "_counts.tsv.gz");
        genes = c.rows.size();
        n = c.header.length - 1;
        counts = c.matrix(1);
        Tsv d = Tsv.read("limma/" + name + "_design.tsv");
        design = new Mat(n, d.header.length - 1, d.matrix(1));
        samples = Tsv.read("limma/" + name + "_samples.tsv");
        perGene = Tsv.read("limma/" + name + "_genes.tsv.gz");
        logCpm = Tsv.read("limma/" + name + "_logcpm.tsv.gz");
        weights = Tsv.read("limma/" + name + "_weights.tsv.gz");
        Tsv s = Tsv.read("limma/" + name + "_scalars.tsv");
        String[] k = s.strings("name");
        double[] v = s.numbers("value");
        for (int i = 0; i < k.length; i++) scalars.put(k[i], v[i]);
    }

    static ShapeFixture load(String name) { return new ShapeFixture(name); }

    boolean[] kept() {
        String[] k = perGene.strings("kept");
        boolean[] b = new boolean[k.length];
        for (int i = 0; i < k.length; i++) b[i] = k[i].equals("TRUE");
        return b;
    }

    /** A per-gene column of the fixture restricted to the kept genes. */
    double[] keptColumn(String col) {
        boolean[] kept = kept();
        double[] all = perGene.numbers(col);
        int m = 0;
        for (boolean b : kept) if (b) m++;
        double[] out = new double[m];
        for (int g = 0, i = 0; g < all.length; g++) if (kept[g]) out[i++] = all[g];
        return out;
    }

    /** Rows of a genes x n result (ours, kept genes) that the fixture's sub-sampled matrix holds, by gene name. */
    double[] rowsOf(double[] ours, Tsv matrix) {
        String[] ids = perGene.strings("gene");
        boolean[] kept = kept();
        Map<String, Integer> keptRow = new HashMap<>();
        for (int g = 0, i = 0; g < ids.length; g++) if (kept[g]) keptRow.put(ids[g], i++);
        String[] want = matrix.strings("gene");
        double[] out = new double[want.length * n];
        for (int r = 0; r < want.length; r++) System.arraycopy(ours, keptRow.get(want[r]) * n, out, r * n, n);
        return out;
    }

    double[] keptCounts() {
        boolean[] kept = kept();
        int m = 0;
        for (boolean b : kept) if (b) m++;
        double[] sub = new double[m * n];
        for (int g = 0, i = 0; g < genes; g++) if (kept[g]) System.arraycopy(counts, g * n, sub, (i++) * n, n);
        return sub;
    }

    int keptCount() {
        int m = 0;
        for (boolean b : kept()) if (b) m++;
        return m;
    }
}
