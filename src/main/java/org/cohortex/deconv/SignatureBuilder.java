package org.cohortex.deconv;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.io.CellLabels;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.stats.MultipleTesting;
import org.cohortex.stats.StudentT;

/**
 * A signature matrix from a single-cell reference, after CIBERSORT's published recipe (Newman et
 * al. 2015, Methods; CIBERSORTx 2019): counts to CPM per cell; per cell type, two-sided Welch t-tests
 * of log2(CPM + 1) against all other cells, BH q < 0.01 and higher in the type; markers ranked by
 * fold change of mean CPM; the top G of every type for G = 50, 60, ..., 200 (CIBERSORTx's G.min and
 * G.max; other bounds by {@link #build(ExpressionMatrix, Path, int, int)}), keeping the G whose
 * signature (mean CPM per type over the union of markers) has the smallest 2-norm condition number.
 */
public final class SignatureBuilder {
    private SignatureBuilder() {}

    public static final int MIN_MARKERS = 50, MAX_MARKERS = 200;

    /** 1 <= minMarkers <= maxMarkers: the scan's bounds, checked where each caller names them. */
    public static boolean validMarkerRange(int minMarkers, int maxMarkers) {
        return minMarkers >= 1 && maxMarkers >= minMarkers;
    }

    /** The cell types a panel's labels name, in the order of a signature built from it (sorted). */
    public static String[] cellTypes(Path labelsFile) {
        PhenotypeTable labels = PhenotypeReader.read(labelsFile, null, Set.of());
        List<String> cols = labels.columnNames();
        if (cols.isEmpty()) throw new UserException(labelsFile + ": needs a second column with the cell type of each cell");
        PhenotypeTable.Column lab = labels.column(cols.get(0));
        TreeSet<String> types = new TreeSet<>();
        for (int row = 0; row < labels.sampleCount(); row++) {
            if (!lab.isMissing(row)) types.add(lab.type == PhenotypeTable.Type.CATEGORICAL
                    ? lab.levels[row] : Double.toString(lab.numeric[row]));
        }
        return types.toArray(new String[0]);
    }

    public static Signature build(ExpressionMatrix counts, Path labelsFile) {
        return build(counts, labelsFile, MIN_MARKERS, MAX_MARKERS);
    }

    /** Markers per type scanned from minMarkers to maxMarkers in steps of 10 (and maxMarkers itself). */
    public static Signature build(ExpressionMatrix counts, Path labelsFile, int minMarkers, int maxMarkers) {
        if (!validMarkerRange(minMarkers, maxMarkers)) {
            throw new UserException("markers per cell type: need 1 <= minimum <= maximum, got " + minMarkers + " and " + maxMarkers);
        }
        int n = counts.sampleCount(), g = counts.geneCount();
        String[] type = CellLabels.typesOf(labelsFile, counts.samples, "the reference counts");
        String[] types = new TreeSet<>(Arrays.asList(type)).toArray(new String[0]);
        int k = types.length;
        if (k < 2) throw new UserException(labelsFile + ": at least two cell types are needed");
        Map<String, Integer> ti = new LinkedHashMap<>();
        for (int t = 0; t < k; t++) ti.put(types[t], t);
        double[] lib = new double[n];
        double[] v = counts.values.data;
        for (int r = 0; r < g; r++) for (int c = 0; c < n; c++) lib[c] += v[r * n + c];
        double[] mean = new double[g * k];
        int[] size = new int[k];
        for (int c = 0; c < n; c++) size[ti.get(type[c])]++;
        // per type: markers (q < 0.01, up) ranked by fold change
        List<List<Integer>> ranked = new ArrayList<>();
        double[][] fold = new double[k][g];
        double[][] pval = new double[k][g];
        for (int r = 0; r < g; r++) {
            double[] s1 = new double[k], s2 = new double[k];
            double all1 = 0, all2 = 0;
            for (int c = 0; c < n; c++) {
                double cpm = lib[c] > 0 ? v[r * n + c] / lib[c] * 1e6 : 0;
                double l = Math.log(cpm + 1) / Math.log(2);
                int t = ti.get(type[c]);
                mean[r * k + t] += cpm / size[t];
                s1[t] += l;
                s2[t] += l * l;
                all1 += l;
                all2 += l * l;
            }
            double meanCpm = 0;
            for (int t = 0; t < k; t++) meanCpm += mean[r * k + t] * size[t] / n;
            for (int t = 0; t < k; t++) {
                int n1 = size[t], n2 = n - n1;
                double m1 = s1[t] / n1, m2 = (all1 - s1[t]) / n2;
                double v1 = (s2[t] - n1 * m1 * m1) / (n1 - 1), v2 = (all2 - s2[t] - n2 * m2 * m2) / (n2 - 1);
                double se2 = v1 / n1 + v2 / n2;
                double restCpm = (meanCpm * n - mean[r * k + t] * n1) / n2;
                fold[t][r] = (mean[r * k + t] + 1e-9) / (restCpm + 1e-9);
                if (!(se2 > 0)) { pval[t][r] = m1 > m2 ? 0 : 1; continue; }
                double tt = (m1 - m2) / Math.sqrt(se2);
                double df = se2 * se2 / ((v1 / n1) * (v1 / n1) / (n1 - 1) + (v2 / n2) * (v2 / n2) / (n2 - 1));
                pval[t][r] = tt > 0 ? StudentT.twoSidedP(tt, df) : 1;
            }
        }
        for (int t = 0; t < k; t++) {
            double[] q = MultipleTesting.benjaminiHochberg(pval[t]);
            List<Integer> m = new ArrayList<>();
            for (int r = 0; r < g; r++) if (q[r] < 0.01 && fold[t][r] > 1) m.add(r);
            final int tt = t;
            m.sort(Comparator.comparingDouble((Integer r) -> -fold[tt][r]));
            if (m.isEmpty()) throw new UserException("no marker gene for cell type '" + types[t]
                    + "' (q < 0.01): the reference cannot separate it");
            ranked.add(m);
        }
        int bestG = -1;
        double bestKappa = Double.POSITIVE_INFINITY;
        List<Integer> bestRows = null;
        for (int G = minMarkers; G <= maxMarkers; G = G == maxMarkers ? G + 1 : Math.min(G + 10, maxMarkers)) {
            TreeSet<Integer> rows = new TreeSet<>();
            for (List<Integer> m : ranked) rows.addAll(m.subList(0, Math.min(G, m.size())));
            double kappa = conditionNumber(mean, k, rows);
            if (kappa < bestKappa) { bestKappa = kappa; bestG = G; bestRows = new ArrayList<>(rows); }
        }
        Log.info("signature: %d cell types, %d marker genes (top %d per type; condition number %.1f)", k, bestRows.size(), bestG,
                bestKappa);
        String[] genes = new String[bestRows.size()];
        double[] vals = new double[bestRows.size() * k];
        for (int i = 0; i < genes.length; i++) {
            genes[i] = counts.genes[bestRows.get(i)];
            System.arraycopy(mean, bestRows.get(i) * k, vals, i * k, k);
        }
        return new Signature(genes, types, vals);
    }

    static double conditionNumber(double[] mean, int k, Collection<Integer> rows) {
        double[][] a = new double[rows.size()][];
        int i = 0;
        for (int r : rows) a[i++] = Arrays.copyOfRange(mean, r * k, r * k + k);
        double[] s = new SingularValueDecomposition(new Array2DRowRealMatrix(a, false)).getSingularValues();
        return s[s.length - 1] > 0 ? s[0] / s[s.length - 1] : Double.POSITIVE_INFINITY;
    }
}
