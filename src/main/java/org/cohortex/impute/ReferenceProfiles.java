package org.cohortex.impute;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cohortex.UserException;
import org.cohortex.io.CellLabels;
import org.cohortex.io.ExpressionMatrix;

/** The prior profile of imputation: log2(mean CPM + 1) per gene and cell type of a single-cell reference. */
public final class ReferenceProfiles {
    private ReferenceProfiles() {}

    public static double[] log2MeanCpm(ExpressionMatrix sc, Path labelsFile, String[] genes, List<String> types) {
        String[] label = CellLabels.typesOf(labelsFile, sc.samples, "the reference counts");
        int cells = sc.sampleCount(), k = types.size();
        double[] lib = new double[cells];
        for (int g = 0; g < sc.geneCount(); g++) for (int c = 0; c < cells; c++) lib[c] += sc.values.data[g * cells + c];
        int[] typeOf = new int[cells];
        int[] size = new int[k];
        for (int c = 0; c < cells; c++) {
            typeOf[c] = types.indexOf(label[c]); // types the proportions do not have are not imputed (-1)
            if (typeOf[c] >= 0) size[typeOf[c]]++;
        }
        for (int t = 0; t < k; t++) if (size[t] == 0) throw new UserException(labelsFile + ": no reference cells of type '" + types.get(t)
                + "'");
        Map<String, Integer> scRow = new HashMap<>();
        for (int g = 0; g < sc.geneCount(); g++) scRow.put(sc.genes[g], g);
        double[] mu0 = new double[genes.length * k];
        for (int g = 0; g < genes.length; g++) {
            Integer r = scRow.get(genes[g]);
            if (r == null) continue; // absent from the reference: flat prior profile (0)
            double[] mean = new double[k];
            for (int c = 0; c < cells; c++) if (typeOf[c] >= 0) mean[typeOf[c]] += sc.values.data[r * cells
                    + c] / lib[c] * 1e6 / size[typeOf[c]];
            for (int t = 0; t < k; t++) mu0[g * k + t] = Math.log(mean[t] + 1) / Math.log(2);
        }
        return mu0;
    }
}
