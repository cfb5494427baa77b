package org.cohortex.io;

import java.util.stream.IntStream;

/**
 * A table's text formatted in blocks of rows on every core and returned in order: Double.toString is most of writing
 * a gene table (a DE unit's de.tsv is 20,000 x 7 numbers, its sva_pprob.tsv 20,000 x 2). Each row's text is its own,
 * so the file is the same with any thread count.
 */
public final class TextRows {
    /** Rows per block. */
    private static final int BLOCK = 2048;

    private TextRows() {}

    /** Appends row r's text, line end included. */
    public interface RowFormat {
        void append(StringBuilder sb, int r);
    }

    /** The text of rows [0, count), a block of rows per string, in order. */
    public static String[] of(int count, RowFormat row) {
        int blocks = (count + BLOCK - 1) / BLOCK;
        return IntStream.range(0, blocks).parallel().mapToObj(b -> {
            StringBuilder sb = new StringBuilder(1 << 17);
            for (int r = b * BLOCK, end = Math.min(count, r + BLOCK); r < end; r++) row.append(sb, r);
            return sb.toString();
        }).toArray(String[]::new);
    }
}
