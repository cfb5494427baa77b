package org.cohortex.io;

import java.util.Locale;
import java.util.stream.IntStream;

import org.cohortex.UserException;
import org.cohortex.linalg.Mat;

/**
 * The scale of an expression matrix as read: raw counts, linear (CPM or any linear unit), or
 * log2. Every conversion the analyses need lives here: deconvolution mixes on the linear scale,
 * bMIND imputes log2(CPM + 1), the regressions fit voom's log2-CPM.
 */
public enum Scale {
    COUNTS, LINEAR, LOG2;

    private static final double LN2 = Math.log(2);
    /** The largest value taken for log2 expression (2^50 = 10^15). */
    static final double LOG2_MAX = 50;

    /** The scale named on a command line or in a configuration (counts, linear, log2). */
    public static Scale named(String name) {
        for (Scale s : values()) if (s.name().equalsIgnoreCase(name)) return s;
        throw new IllegalArgumentException("scale " + name);
    }

    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }

    /** Linear values: counts to CPM (column sums as library sizes), log2 anti-logged, linear as is. */
    public ExpressionMatrix toLinear(ExpressionMatrix m, String source) {
        switch (this) {
            case LINEAR:
                return m;
            case COUNTS:
                return countsPerMillion(m, source);
            default:
                requireLog2(m, source);
                double[] v = m.values.data, o = new double[v.length];
                for (int i = 0; i < v.length; i++) o[i] = Math.pow(2, v[i]);
                return with(m, o);
        }
    }

    /** log2(CPM + 1), bMIND's bulk scale: counts through CPM, log2 as is, linear values plus one. */
    public ExpressionMatrix toLog2Cpm1(ExpressionMatrix m, String source) {
        if (this == LOG2) {
            requireLog2(m, source);
            return m;
        }
        ExpressionMatrix lin = this == COUNTS ? countsPerMillion(m, source) : m;
        double[] v = lin.values.data.clone();
        for (int i = 0; i < v.length; i++) v[i] = Math.log(v[i] + 1) / LN2;
        return with(m, v);
    }

    /**
     * Values given as log2 expression must look like it: above 50 (2^50, 10^15 on the linear scale)
     * they are raw counts or linear values, whose anti-log overflows into meaningless proportions.
     */
    static void requireLog2(ExpressionMatrix m, String source) {
        double[] v = m.values.data;
        for (int i = 0; i < v.length; i++) {
            if (v[i] > LOG2_MAX) {
                int n = m.sampleCount();
                throw new UserException(source + ": gene '" + m.genes[i / n] + "', sample '" + m.samples[i % n] + "' is " + v[i]
                        + ", not a log2 expression value (2^" + v[i] + "); for raw counts give " + UserException.setting("bulk_scale")
                        + " counts");
            }
        }
    }

    /** Counts per million with the column sums as library sizes; every value must be a non-negative count. */
    public static ExpressionMatrix countsPerMillion(ExpressionMatrix m, String source) {
        int g = m.geneCount(), n = m.sampleCount();
        double[] v = m.values.data, lib = librarySizes(m, source, "raw counts must be non-negative numbers"), o = new double[g * n];
        for (int j = 0; j < n; j++) {
            if (lib[j] == 0) throw new UserException(source + ": sample '" + m.samples[j] + "' has no counts (every gene is 0)");
        }
        rows(g, (from, to) -> {
            for (int r = from; r < to; r++) for (int j = 0; j < n; j++) o[r * n + j] = v[r * n + j] / lib[j] * 1e6;
        });
        return with(m, o);
    }

    /**
     * log2 counts per million with voom's offsets, log2((count + 0.5) / (library size + 1) * 1e6)
     * (Law et al. 2014, limma::voom), library size = column sum of the counts given.
     */
    public static ExpressionMatrix voomLog2Cpm(ExpressionMatrix m, String source) {
        int g = m.geneCount(), n = m.sampleCount();
        double[] v = m.values.data;
        double[] lib = countLibrarySizes(m, source);
        double[] o = new double[g * n];
        rows(g, (from, to) -> {
            for (int r = from; r < to; r++) {
                for (int j = 0; j < n; j++) o[r * n + j] = Math.log((v[r * n + j] + 0.5) / (lib[j] + 1.0) * 1e6) / LN2;
            }
        });
        return with(m, o);
    }

    /**
     * Library sizes (column sums) of a matrix that must hold raw counts: a missing or negative value is
     * a located error that points log-scale input to {@code transform none}.
     */
    public static double[] countLibrarySizes(ExpressionMatrix m, String source) {
        return librarySizes(m, source, COUNTS_WHY);
    }

    private static final String COUNTS_WHY = "log2-CPM needs non-negative counts (for log-scale input: "
            + UserException.setting("transform") + " none)";

    /**
     * Checks that a matrix holds raw counts, as {@link #countLibrarySizes} does, without the column sums (the DE engine
     * sums the counts of the genes it keeps).
     */
    public static void requireCounts(ExpressionMatrix m, String source) {
        requireNonNegative(m, source, COUNTS_WHY);
    }

    /** Column sums, after checking every value is a non-negative number (else a located error). */
    static double[] librarySizes(ExpressionMatrix m, String source, String why) {
        requireNonNegative(m, source, why);
        return Mat.columnSums(m.values.data, m.geneCount(), m.sampleCount());
    }

    /** A located error at the first value (in file order) that is missing or negative. */
    private static void requireNonNegative(ExpressionMatrix m, String source, String why) {
        int n = m.sampleCount();
        double[] v = m.values.data;
        int block = 1 << 16, first = IntStream.range(0, (v.length + block - 1) / block).parallel() // blocks on all cores,
                .filter(b -> { // then the first bad value in file order within the first bad block
                    for (int i = b * block, e = Math.min(v.length, i + block); i < e; i++) if (!(v[i] >= 0)) return true;
                    return false;
                }).findFirst().orElse(-1);
        for (int i = Math.max(0, first) * block, e = first < 0 ? 0 : Math.min(v.length, i + block); i < e; i++) {
            double c = v[i];
            if (Double.isNaN(c) || c < 0) { // the first bad value in file order
                throw new UserException(source + ": gene '" + m.genes[i / n] + "', sample '" + m.samples[i % n] + "' is "
                        + (Double.isNaN(c) ? "NA" : Double.toString(c)) + ": " + why);
            }
        }
    }

    private interface RowRange { void run(int from, int to); }

    /** Rows [0, g) in blocks on the common pool: for per-value conversions, which do not depend on the order. */
    private static void rows(int g, RowRange body) {
        int block = 512;
        IntStream.range(0, (g + block - 1) / block).parallel().forEach(b -> body.run(b * block, Math.min(g, b * block + block)));
    }

    private static ExpressionMatrix with(ExpressionMatrix m, double[] values) {
        return new ExpressionMatrix(m.genes, m.samples, new Mat(m.geneCount(), m.sampleCount(), values));
    }
}
