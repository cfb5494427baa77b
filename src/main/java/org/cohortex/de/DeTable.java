package org.cohortex.de;

import java.io.BufferedReader;
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

import org.cohortex.UserException;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.Numbers;

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
            StringBuilder sb = new StringBuilder(1 << 16);
            sb.append(String.join("\t", COLUMNS)).append('\n');
            for (int g = 0; g < genes.length; g++) {
                sb.append(genes[g]);
                for (double v : new double[] {beta[g], se[g], t[g], p[g], pBonferroni[g], qBh[g], meanExpr[g]}) append(sb, v);
                sb.append('\n');
                if (sb.length() > 60_000) {
                    w.append(sb);
                    sb.setLength(0);
                }
            }
            w.append(sb);
        });
    }

    public static void write(Path file, DifferentialExpression.Result res) {
        AtomicFile.write(file, w -> {
            StringBuilder sb = new StringBuilder(1 << 16);
            boolean perm = res.pPerm != null, moderated = res.dfTotal != null;
            sb.append(String.join("\t", COLUMNS)).append(moderated ? "\t" + DF_TOTAL : "").append(perm ? "\tp_perm\tp_maxt" : "")
                    .append('\n');
            for (int g = 0; g < res.genes.length; g++) {
                sb.append(res.genes[g]);
                double[] row = {res.beta[g], res.se[g], res.t[g], res.p[g], res.pBonferroni[g], res.qBh[g], res.meanExpr[g]};
                for (double v : row) append(sb, v);
                if (moderated) append(sb, res.dfTotal[g]);
                if (perm) {
                    append(sb, res.pPerm[g]);
                    append(sb, res.pMaxT[g]);
                }
                sb.append('\n');
                if (sb.length() > 60_000) {
                    w.append(sb);
                    sb.setLength(0);
                }
            }
            w.append(sb);
        });
    }

    private static void append(StringBuilder sb, double v) {
        sb.append('\t');
        if (Double.isNaN(v) || Double.isInfinite(v)) sb.append("NA"); else sb.append(v);
    }

    /** Reads a de.tsv: a header with {@code gene} and numeric columns; every row as long as the header. */
    public static DeTable read(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) throw new UserException(file + ": empty (expected a de.tsv header)");
            String[] h = header.split("\t", -1);
            if (!h[0].equals("gene")) throw new UserException(file + ": the first column must be 'gene', found '" + h[0] + "'");
            List<String> genes = new ArrayList<>();
            List<double[]> rows = new ArrayList<>();
            String line;
            for (int ln = 2; (line = r.readLine()) != null; ln++) {
                if (line.isEmpty()) continue;
                // fields by hand: String.split's list growth was most of reading a grid's tables back
                int fields = 1;
                for (int i = line.indexOf('\t'); i >= 0; i = line.indexOf('\t', i + 1)) fields++;
                if (fields != h.length) throw new UserException(file + ": line " + ln + ": " + fields + " fields, the header has "
                        + h.length);
                double[] v = new double[h.length - 1];
                int start = h.length == 1 ? line.length() : line.indexOf('\t');
                genes.add(line.substring(0, start));
                for (int k = 1; k < h.length; k++) {
                    int end = line.indexOf('\t', start + 1);
                    if (end < 0) end = line.length();
                    v[k - 1] = number(line.substring(start + 1, end), file, ln, h[k]);
                    start = end;
                }
                rows.add(v);
            }
            Map<String, double[]> cols = new LinkedHashMap<>();
            for (int k = 1; k < h.length; k++) {
                double[] c = new double[rows.size()];
                for (int g = 0; g < c.length; g++) c[g] = rows.get(g)[k - 1];
                cols.put(h[k], c);
            }
            return new DeTable(file, genes.toArray(new String[0]), cols);
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": file not found");
        } catch (IOException e) {
            throw new UserException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private static double number(String s, Path file, int line, String column) {
        if (s.equals("NA")) return Double.NaN;
        double d = Numbers.parseOrNaN(s); // R's syntax: not 5f, 5.0d or Infinity
        if (Double.isFinite(d)) return d;
        throw new UserException(file + ": line " + line + ", column '" + column + "': '" + s + "' is not a number");
    }

    @Override
    public String toString() { return file + " (" + genes.length + " genes, columns " + Arrays.toString(columns.keySet().toArray()) + ")"; }
}
