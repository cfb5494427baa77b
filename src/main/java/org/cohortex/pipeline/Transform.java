package org.cohortex.pipeline;

import org.cohortex.UserException;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.linalg.Mat;

/** Expression scale transforms applied before modelling. */
public enum Transform {
    /** Values are used as given (already log-scale). */
    NONE,
    /**
     * log2 counts per million with voom's offsets: log2((count + 0.5) / (library size + 1) * 1e6)
     * (Law et al. 2014, limma::voom), library size = column sum of the counts given.
     */
    LOG2CPM;

    /** Counts per million (column sums as library sizes); every value must be a non-negative count. */
    public static ExpressionMatrix countsPerMillion(ExpressionMatrix m, String source) {
        int g = m.geneCount(), n = m.sampleCount();
        double[] v = m.values.data, lib = new double[n], o = new double[g * n];
        for (int r = 0; r < g; r++) {
            for (int j = 0; j < n; j++) {
                double c = v[r * n + j];
                if (Double.isNaN(c) || c < 0) {
                    throw new UserException(source + ": gene '" + m.genes[r] + "', sample '" + m.samples[j] + "' is "
                            + (Double.isNaN(c) ? "NA" : Double.toString(c)) + ": raw counts must be non-negative numbers");
                }
                lib[j] += c;
            }
        }
        for (int r = 0; r < g; r++) for (int j = 0; j < n; j++) o[r * n + j] = v[r * n + j] / lib[j] * 1e6;
        return new ExpressionMatrix(m.genes, m.samples, new Mat(g, n, o));
    }

    public ExpressionMatrix apply(ExpressionMatrix m, String source) {
        if (this == NONE) return m;
        int g = m.geneCount(), n = m.sampleCount();
        double[] lib = new double[n];
        double[] v = m.values.data;
        for (int r = 0; r < g; r++) {
            for (int j = 0; j < n; j++) {
                double c = v[r * n + j];
                if (Double.isNaN(c) || c < 0) {
                    throw new UserException(source + ": --transform log2cpm needs non-negative counts, but gene '" + m.genes[r]
                            + "', sample '" + m.samples[j] + "' is " + (Double.isNaN(c) ? "NA" : Double.toString(c))
                            + " (use --transform none for log-scale input)");
                }
                lib[j] += c;
            }
        }
        Mat out = new Mat(g, n);
        for (int r = 0; r < g; r++) {
            for (int j = 0; j < n; j++) {
                out.data[r * n + j] = Math.log((v[r * n + j] + 0.5) / (lib[j] + 1.0) * 1e6) / Math.log(2);
            }
        }
        return new ExpressionMatrix(m.genes, m.samples, out);
    }
}
