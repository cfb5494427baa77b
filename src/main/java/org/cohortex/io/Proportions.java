package org.cohortex.io;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.cohortex.Log;
import org.cohortex.UserException;

/**
 * A samples x cell types table of proportions (deconvolve's proportions.tsv, or a user's), checked
 * where it is read: at least two cell types (safe file names: impute writes one file per type);
 * every value a number, never negative; no all-zero row; each row summing to 1. A row within
 * {@link #EXACT} of 1 is taken as it is; one within {@link #RENORMALISE} (rounded exports: three
 * decimals over seven types are off by up to 0.35%) is divided by its sum, with one warning for the
 * table; beyond that the table is not proportions (percentages? counts?) and is refused.
 */
public final class Proportions {
    /** Rows summing to 1 within this are used as they are. */
    public static final double EXACT = 1e-6;
    /** Rows summing to 1 within this are renormalised with a warning; beyond it they are refused. */
    public static final double RENORMALISE = 0.05;

    public final String[] samples, cellTypes;
    /** samples x cell types, row-major; every row sums to 1. */
    public final double[] values;
    private final Map<String, Integer> row = new HashMap<>();

    private Proportions(String[] samples, String[] cellTypes, double[] values) {
        this.samples = samples;
        this.cellTypes = cellTypes;
        this.values = values;
        for (int i = 0; i < samples.length; i++) row.put(samples[i], i);
    }

    /** The row of a sample, or -1. */
    public int row(String sample) { return row.getOrDefault(sample, -1); }

    public double get(int row, int cellType) { return values[row * cellTypes.length + cellType]; }

    public static Proportions read(Path file, Log.Sink log) {
        ExpressionMatrix m = MatrixReader.read(file);
        int n = m.geneCount(), k = m.sampleCount();
        if (k < 2) throw new UserException(file + ": proportions need at least two cell types (columns), found " + k);
        for (String t : m.samples) SafeNames.require(t, file + ": cell type");
        double[] v = m.values.data.clone();
        int renormalised = 0;
        double lo = 1, hi = 1;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int c = 0; c < k; c++) {
                double x = v[i * k + c];
                if (Double.isNaN(x) || x < 0) {
                    throw new UserException(file + ": sample '" + m.genes[i] + "', cell type '" + m.samples[c] + "' is "
                            + (Double.isNaN(x) ? "NA" : MatrixWriter.format(x)) + ": a proportion is a number from 0 to 1");
                }
                sum += x;
            }
            if (sum == 0) throw new UserException(file + ": sample '" + m.genes[i] + "': every proportion is 0");
            if (Math.abs(sum - 1) > RENORMALISE) {
                throw new UserException(file + ": sample '" + m.genes[i] + "': the proportions sum to " + MatrixWriter.format(sum)
                        + ", not 1 (within " + RENORMALISE + "); give shares of 1 (not percentages or counts)");
            }
            if (Math.abs(sum - 1) > EXACT) {
                renormalised++;
                lo = Math.min(lo, sum);
                hi = Math.max(hi, sum);
                for (int c = 0; c < k; c++) v[i * k + c] /= sum;
            }
        }
        if (renormalised > 0) {
            log.warn("%s: the proportions of %d of %d samples summed to %s-%s instead of 1: each divided by its sum", file, renormalised,
                    n, MatrixWriter.format(lo), MatrixWriter.format(hi));
        }
        return new Proportions(m.genes, m.samples, v);
    }
}
