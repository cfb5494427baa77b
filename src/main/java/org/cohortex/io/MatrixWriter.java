package org.cohortex.io;

import java.nio.file.Path;

/** Writes genes x samples matrices as TSV (gzip when the name ends in .gz), atomically. */
public final class MatrixWriter {
    private MatrixWriter() {}

    public static void write(Path path, ExpressionMatrix m) {
        write(path, "gene", m.genes, m.samples, m.values.data);
    }

    public static void write(Path path, String corner, String[] rows, String[] cols, double[] values) {
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
                    appendNumber(sb, values[off + j]);
                }
                sb.append('\n');
                if (sb.length() > (1 << 16) - 4096) { w.append(sb); sb.setLength(0); }
            }
            w.append(sb);
        });
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
