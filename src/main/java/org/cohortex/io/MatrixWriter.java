package org.cohortex.io;

import java.io.IOException;
import java.nio.file.Path;

import org.cohortex.UserException;

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
        write(path, corner, rows, cols, values, significant(digits));
    }

    private interface NumberFormat {
        void append(StringBuilder sb, double v);
    }

    private static NumberFormat significant(int digits) {
        return (sb, v) -> {
            if (Double.isNaN(v)) sb.append("NA"); else sb.append(roundSignificant(v, digits));
        };
    }

    private static void write(Path path, String corner, String[] rows, String[] cols, double[] values, NumberFormat f) {
        try (Blocks b = new Blocks(path, corner, cols, f)) {
            b.append(rows, 0, rows.length, values, 0);
            b.commit();
        }
    }

    /**
     * A matrix written a block of rows at a time, for matrices that are never whole
     * in memory; published atomically on {@link #commit()}, discarded if closed without it.
     */
    public static final class Blocks implements AutoCloseable {
        private final AtomicFile.Pending file;
        private final int cols;
        private final NumberFormat f;
        private final StringBuilder sb = new StringBuilder(1 << 16);

        /** With {@link #writeSignificant}'s numbers. */
        public Blocks(Path path, String corner, String[] cols, int digits) {
            this(path, corner, cols, significant(digits));
        }

        private Blocks(Path path, String corner, String[] cols, NumberFormat f) {
            this.file = AtomicFile.open(path);
            this.cols = cols.length;
            this.f = f;
            sb.append(corner);
            for (String s : cols) sb.append('\t').append(s);
            sb.append('\n');
        }

        /** Rows {@code from..to} of {@code names}; row r's values at {@code values[offset + (r - from) * cols ..]}. */
        public void append(String[] names, int from, int to, double[] values, int offset) {
            try {
                for (int g = from; g < to; g++) {
                    sb.append(names[g]);
                    int off = offset + (g - from) * cols;
                    for (int j = 0; j < cols; j++) {
                        sb.append('\t');
                        f.append(sb, values[off + j]);
                    }
                    sb.append('\n');
                    if (sb.length() > (1 << 16) - 4096) { file.writer().append(sb); sb.setLength(0); }
                }
            } catch (IOException e) {
                throw new UserException(file.target() + ": cannot be written (" + e.getMessage() + ")", e);
            }
        }

        public void commit() {
            try {
                file.writer().append(sb);
            } catch (IOException e) {
                throw new UserException(file.target() + ": cannot be written (" + e.getMessage() + ")", e);
            }
            file.commit();
        }

        @Override
        public void close() { file.close(); }
    }

    /**
     * v rounded to {@code digits} significant digits: the nearest double to that decimal, whose
     * shortest representation (Double.toString) has at most {@code digits} digits.
     */
    public static double roundSignificant(double v, int digits) {
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
