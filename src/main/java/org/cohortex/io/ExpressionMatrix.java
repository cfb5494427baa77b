package org.cohortex.io;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

import org.cohortex.linalg.Mat;

/** Genes x samples expression values (NaN = missing), with gene and sample ids. */
public final class ExpressionMatrix {
    public final String[] genes;
    public final String[] samples;
    /** genes x samples, row-major. */
    public final Mat values;

    public ExpressionMatrix(String[] genes, String[] samples, Mat values) {
        if (values.rows != genes.length || values.cols != samples.length) {
            throw new IllegalArgumentException("shape " + values + " vs " + genes.length + " genes x " + samples.length + " samples");
        }
        this.genes = genes;
        this.samples = samples;
        this.values = values;
    }

    public int geneCount() { return genes.length; }

    public int sampleCount() { return samples.length; }

    public Map<String, Integer> sampleIndex() {
        Map<String, Integer> m = new HashMap<>(samples.length * 2);
        for (int i = 0; i < samples.length; i++) m.put(samples[i], i);
        return m;
    }

    /** The rows {@code idx}, in that order. */
    public ExpressionMatrix selectGenes(int[] idx) {
        int n = sampleCount();
        String[] g = new String[idx.length];
        Mat v = new Mat(idx.length, n);
        for (int k = 0; k < idx.length; k++) {
            g[k] = genes[idx[k]];
            System.arraycopy(values.data, idx[k] * n, v.data, k * n, n);
        }
        return new ExpressionMatrix(g, samples, v);
    }

    /** The same genes, samples {@code idx} in that order: a copy. */
    public ExpressionMatrix selectSamples(int[] idx) {
        int g = genes.length, n = samples.length;
        String[] s = new String[idx.length];
        for (int k = 0; k < idx.length; k++) s[k] = samples[idx[k]];
        Mat m = new Mat(g, idx.length);
        IntStream.range(0, (g + 511) / 512).parallel().forEach(b -> { // a gather per gene, genes in blocks on all cores
            for (int r = b * 512, e = Math.min(g, r + 512); r < e; r++) {
                int src = r * n, dst = r * idx.length;
                for (int k = 0; k < idx.length; k++) m.data[dst + k] = values.data[src + idx[k]];
            }
        });
        return new ExpressionMatrix(genes, s, m);
    }

    /**
     * As {@link #selectSamples}, but this matrix itself when {@code idx} is every sample in order (no copy of genes x
     * samples values): for callers that only read the values.
     */
    public ExpressionMatrix samplesToRead(int[] idx) {
        boolean every = idx.length == samples.length;
        for (int k = 0; k < idx.length && every; k++) every = idx[k] == k;
        return every ? this : selectSamples(idx);
    }
}
