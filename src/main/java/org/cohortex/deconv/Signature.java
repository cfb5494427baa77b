package org.cohortex.deconv;

import java.nio.file.Path;

import org.cohortex.UserException;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.MatrixWriter;
import org.cohortex.io.SafeNames;

/** A signature matrix: genes x cell types, linear scale (e.g. mean CPM per cell type). */
public record Signature(String[] genes, String[] cellTypes, double[] values) {

    public int k() { return cellTypes.length; }

    public static Signature read(Path file) {
        ExpressionMatrix m = MatrixReader.read(file);
        for (int i = 0; i < m.values.data.length; i++) {
            double v = m.values.data[i];
            if (Double.isNaN(v) || v < 0) {
                throw new UserException(file + ": gene '" + m.genes[i / m.sampleCount()] + "', cell type '" + m.samples[i % m.sampleCount()]
                        + "': signature values must be non-negative numbers (linear scale)");
            }
        }
        if (m.sampleCount() < 2) throw new UserException(file + ": a signature needs at least two cell types (columns), found "
                + m.sampleCount());
        for (int c = 0; c < m.sampleCount(); c++) {
            SafeNames.require(m.samples[c], file + ": cell type");
            boolean any = false;
            for (int g = 0; g < m.geneCount() && !any; g++) any = m.values.get(g, c) > 0;
            if (!any) throw new UserException(file + ": cell type '" + m.samples[c] + "' is 0 for every gene: nothing to recognise it by");
        }
        return new Signature(m.genes, m.samples, m.values.data);
    }

    public void write(Path file) {
        MatrixWriter.write(file, "gene", genes, cellTypes, values);
    }
}
