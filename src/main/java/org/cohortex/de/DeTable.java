package org.cohortex.de;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.cohortex.UserException;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.Numbers;
import org.cohortex.io.TextRows;

/**
 * de.tsv, the per-gene table of one DE analysis: written from a {@link DifferentialExpression.Result}
 * and read back by column name (NA = NaN), so that readers do not depend on column positions.
 * Columns: {@link #COLUMNS}, then {@link #DF_TOTAL} with eBayes moderation (se t p and the adjusted p
 * are then the moderated ones), then {@code p_perm p_maxt} with permutations.
 */
public final class DeTable {
    public static final String[] COLUMNS = {"gene", "beta", "se", "t", "p", "p_bonferroni", "q_bh", "mean_expr"};
    /** The moderated t's degrees of freedom, df.residual + df.prior capped at the pooled residual df (limma's df.total). */
    public static final String DF_TOTAL = "df_total";

    private final Path file;
    private final String[] genes;
    private final Map<String, double[]> columns;

    private DeTable(Path file, String[] genes, Map<String, double[]> columns) {
        this.file = file;
        this.genes = genes;
        this.columns = columns;
    }

    public String[] genes() { return genes; }

    public int size() { return genes.length; }

    public boolean has(String column) { return columns.containsKey(column); }

    /** The moderated t's df.total per gene, or null when the analysis was not moderated (no such column). */
    public double[] dfTotal() { return columns.get(DF_TOTAL); }

    /** The values of a numeric column, NaN where the table says NA. */
    public double[] column(String name) {
        double[] c = columns.get(name);
        if (c == null) throw new UserException(file + ": no column '" + name + "' (columns: " + String.join(", ", columns.keySet()) + ")");
        return c;
    }

    /** A de.tsv from per-gene arrays (NaN = NA), without permutation columns. */
    public static void write(Path file, String[] genes, double[] beta, double[] se, double[] t, double[] p, double[] pBonferroni,
            double[] qBh,
                             double[] meanExpr) {
        AtomicFile.write(file, w -> {
            w.write(String.join("\t", COLUMNS) + "\n");
            for (String block : TextRows.of(genes.length, (sb, g) -> {
                sb.append(genes[g]);
                for (double v : new double[] {beta[g], se[g], t[g], p[g], pBonferroni[g], qBh[g], meanExpr[g]}) append(sb, v);
                sb.append('\n');
            })) {
                w.write(block);
            }
        });
    }

    public static void write(Path file, DifferentialExpression.Result res) {
        AtomicFile.write(file, w -> {
            boolean perm = res.pPerm != null, moderated = res.dfTotal != null;
            w.write(String.join("\t", COLUMNS) + (moderated ? "\t" + DF_TOTAL : "") + (perm ? "\tp_perm\tp_maxt" : "") + "\n");
            for (String block : TextRows.of(res.genes.length, (sb, g) -> {
                sb.append(res.genes[g]);
                double[] row = {res.beta[g], res.se[g], res.t[g], res.p[g], res.pBonferroni[g], res.qBh[g], res.meanExpr[g]};
                for (double v : row) append(sb, v);
                if (moderated) append(sb, res.dfTotal[g]);
                if (perm) {
                    append(sb, res.pPerm[g]);
                    append(sb, res.pMaxT[g]);
                }
                sb.append('\n');
            })) {
                w.write(block);
            }
        });
    }

    private static void append(StringBuilder sb, double v) {
        sb.append('\t');
        if (Double.isNaN(v) || Double.isInfinite(v)) sb.append("NA"); else sb.append(v);
    }

    /**
     * Reads a de.tsv: a header with {@code gene} and numeric columns; every row as long as the header. While a
     * {@link #shareReads()} scope is open, the table already read from the same file (same size and modification time)
     * is returned instead of parsed again; tables are shared then, so callers treat {@link #column} and {@link #genes}
     * as read-only, as they always have.
     */
    public static DeTable read(Path file) {
        if (sharing.get() == 0) return parse(file);
        Path key = file.toAbsolutePath().normalize();
        Object stamp = stamp(file);
        Shared s = shared.get(key);
        if (s != null && s.stamp.equals(stamp)) return s.table;
        DeTable t = parse(file);
        shared.put(key, new Shared(stamp, t));
        return t;
    }

    /**
     * Opens a scope in which {@link #read} returns each file's table once parsed (the grid's finish step reads its
     * 150 tables for the experiment-wise list, enrichment, the truth scores and the report); closing the last scope
     * drops them.
     */
    public static SharedReads shareReads() {
        sharing.incrementAndGet();
        return () -> {
            if (sharing.decrementAndGet() == 0) shared.clear();
        };
    }

    /** A {@link #shareReads()} scope. */
    public interface SharedReads extends AutoCloseable {
        @Override
        void close();
    }

    private record Shared(Object stamp, DeTable table) {}

    private static final AtomicInteger sharing = new AtomicInteger();
    private static final Map<Path, Shared> shared = new ConcurrentHashMap<>();

    private static Object stamp(Path file) {
        try {
            return List.of(Files.size(file), Files.getLastModifiedTime(file));
        } catch (IOException e) {
            return List.of(); // not readable: parse() says why
        }
    }

    private static DeTable parse(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": file not found");
        } catch (IOException e) {
            throw new UserException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        // fields straight from the bytes: a grid's finish step reads its 150 tables back several times
        int n = b.length;
        if (n == 0) throw new UserException(file + ": empty (expected a de.tsv header)");
        int eol = lineEnd(b, 0);
        String[] h = new String(b, 0, trimCr(b, 0, eol), StandardCharsets.UTF_8).split("\t", -1);
        if (!h[0].equals("gene")) throw new UserException(file + ": the first column must be 'gene', found '" + h[0] + "'");
        int width = h.length - 1;
        List<String> genes = new ArrayList<>();
        double[] values = new double[1024 * Math.max(1, width)];
        int pos = eol + 1;
        for (int ln = 2; pos < n; ln++) {
            int end = lineEnd(b, pos);
            int stop = trimCr(b, pos, end);
            int at = pos;
            pos = end + 1;
            if (stop == at) continue;
            int fields = 1;
            for (int i = at; i < stop; i++) if (b[i] == '\t') fields++;
            if (fields != h.length) throw new UserException(file + ": line " + ln + ": " + fields + " fields, the header has " + h.length);
            int row = genes.size();
            if ((row + 1) * width > values.length) values = Arrays.copyOf(values, values.length * 2);
            int start = at;
            while (start < stop && b[start] != '\t') start++;
            genes.add(new String(b, at, start - at, StandardCharsets.UTF_8));
            for (int k = 1; k < h.length; k++) {
                int fe = start + 1;
                while (fe < stop && b[fe] != '\t') fe++;
                values[row * width + k - 1] = number(b, start + 1, fe, file, ln, h[k]);
                start = fe;
            }
        }
        int rows = genes.size();
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (int k = 1; k < h.length; k++) {
            double[] c = new double[rows];
            for (int g = 0; g < rows; g++) c[g] = values[g * width + k - 1];
            cols.put(h[k], c);
        }
        return new DeTable(file, genes.toArray(new String[0]), cols);
    }

    /** Index of the newline ending the line that starts at {@code from}, or the length. */
    private static int lineEnd(byte[] b, int from) {
        int i = from;
        while (i < b.length && b[i] != '\n') i++;
        return i;
    }

    /** {@code end}, less a carriage return before it (files written on Windows). */
    private static int trimCr(byte[] b, int start, int end) {
        return end > start && b[end - 1] == '\r' ? end - 1 : end;
    }

    /** NA as missing; otherwise a finite number in R's syntax, or the line and column named. */
    private static double number(byte[] b, int s, int e, Path file, int line, String column) {
        if (e - s == 2 && b[s] == 'N' && b[s + 1] == 'A') return Double.NaN;
        double d = Numbers.finiteOrNaN(b, s, e);
        if (!Double.isNaN(d)) return d;
        throw new UserException(file + ": line " + line + ", column '" + column + "': '" + new String(b, s, e - s, StandardCharsets.UTF_8)
                + "' is not a number");
    }

    @Override
    public String toString() { return file + " (" + genes.length + " genes, columns " + Arrays.toString(columns.keySet().toArray()) + ")"; }
}
