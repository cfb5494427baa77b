package org.cohortex.io;

import java.nio.file.Path;

/** Writes genes x samples matrices as TSV (gzip when the name ends in .gz), atomically. */
public final class MatrixWriter {
    private MatrixWriter() {}

    public static void write(Path path, ExpressionMatrix m) {
        write(path, "gene", m.genes, m.samples, m.values.data);
    }

    public static void write(Path path, String corner, String[] rows, String[] cols, double[] values) {
        write(path, corner, rows, cols, values, MatrixWriter::appendNumber);
    }

    /**
     * As {@link #write(Path, String, String[], String[], double[])} with {@code digits} significant
     * digits (estimates such as imputed expression: smaller files, and on the reader's fast path).
     */
    public static void writeSignificant(Path path, String corner, String[] rows, String[] cols, double[] values, int digits) {
        write(path, corner, rows, cols, values, (sb, v) -> {
            if (Double.isNaN(v)) sb.append("NA"); else sb.append(roundSignificant(v, digits));
        });
    }

    private interface NumberFormat {
        void append(StringBuilder sb, double v);
    }

    private static void write(Path path, String corner, String[] rows, String[] cols, double[] values, NumberFormat f) {
        final int n = cols.length;
        AtomicFile.write(path, w -> {
            StringBuilder sb = new StringBuilder(1 << 16);
            sb.append(corner);
            for (String s : cols) sb.append('\t').append(s);
            sb.append('\n');
            for (int g = 0; g < rows.length; g++) {
                sb.append(rows[g]);
                int off = g * n;
                for (int j = 0; j < n; j++) {
                    sb.append('\t');
                    f.append(sb, values[off + j]);
                }
                sb.append('\n');
                if (sb.length() > (1 << 16) - 4096) { w.append(sb); sb.setLength(0); }
            }
            w.append(sb);
        });
    }

    /**
     * v rounded to {@code digits} significant digits: the nearest double to that decimal, whose
     * shortest representation (Double.toString) has at most {@code digits} digits.
     */
    static double roundSignificant(double v, int digits) {
        if (v == 0 || !Double.isFinite(v)) return v;
        int e = (int) Math.floor(Math.log10(Math.abs(v)));
        int shift = digits - 1 - e;
        if (shift > 300 || shift < -300) return v;
        return shift >= 0 ? Math.round(v * Math.pow(10, shift)) / Math.pow(10, shift) : Math.round(v / Math.pow(10,
                -shift)) * Math.pow(10, -shift);
    }

    /** Shortest round-trip representation; integers without ".0"; NaN as NA. */
    public static void appendNumber(StringBuilder sb, double v) {
        if (Double.isNaN(v)) sb.append("NA");
        else if (v == Math.rint(v) && Math.abs(v) < 1e15) sb.append((long) v);
        else sb.append(v);
    }

    public static String format(double v) {
        StringBuilder sb = new StringBuilder(24);
        appendNumber(sb, v);
        return sb.toString();
    }
}
