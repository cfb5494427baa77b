package org.cohortex.io;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32C;

import org.cohortex.UserException;
import org.cohortex.io.PhenotypeTable.Column;

/**
 * Reads a phenotype (or covariate, or SV) table: TSV/CSV(.gz) with a header; one row per sample.
 * Fields may be double-quoted (RFC 4180, no line breaks inside a field).
 * The sample-id column is chosen by name (default: the first column). A column is numeric when all
 * its non-missing values are finite numbers in R's syntax ({@link Numbers}), otherwise categorical; {@code forceCategorical} makes
 * numeric codes (batch 1, 2, 3) categorical, as factor() would in R.
 *
 * <p>A grid reads the same table for each of its analyses (40 in the paper's): the last few tables parsed are kept,
 * keyed by the file's bytes (their length and CRC-32C) and the arguments, so a file read again unchanged is not
 * parsed again (a few ms each time, and 0.2-0.5 s of the parser's JIT compilation early in a grid). The tables are
 * never modified after they are built, so sharing one is safe.
 */
public final class PhenotypeReader {
    private PhenotypeReader() {}

    private static final int CACHED = 4;
    /** The last tables parsed, most recent last. */
    private static final Map<Key, PhenotypeTable> RECENT = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, PhenotypeTable> e) { return size() > CACHED; }
    };

    /** What a parse depends on: the path (the table's source), the arguments, and the bytes read. */
    private record Key(String path, String sampleColumn, Set<String> forceCategorical, int length, long crc) {}

    public static boolean isMissingToken(String s) {
        return s.isEmpty() || s.equals("NA");
    }

    public static PhenotypeTable read(Path path, String sampleColumn, Set<String> forceCategorical) {
        byte[] bytes;
        try (InputStream in = TextFiles.open(path)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UserException(path + ": read failed (" + e.getMessage() + ")", e);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        Key key = new Key(path.toString(), sampleColumn, forceCategorical == null ? null : new TreeSet<>(forceCategorical), bytes.length,
                crc.getValue());
        synchronized (RECENT) {
            PhenotypeTable t = RECENT.get(key);
            if (t != null) return t;
        }
        PhenotypeTable t = parse(path, bytes, sampleColumn, forceCategorical);
        synchronized (RECENT) {
            RECENT.put(key, t);
        }
        return t;
    }

    private static PhenotypeTable parse(Path path, byte[] bytes, String sampleColumn, Set<String> forceCategorical) {
        List<String[]> rows = new ArrayList<>();
        List<String> header;
        char delim;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
            String h = r.readLine();
            if (h == null || h.isBlank()) throw new UserException(path + ": the file is empty");
            if (h.startsWith("\uFEFF")) h = h.substring(1);
            delim = (char) TextFiles.delimiterFor(path, h);
            header = TextFiles.split(h, delim, path, 1);
            for (int j = 0; j < header.size(); j++) header.set(j, header.get(j).trim());
            Map<String, Integer> seen = new HashMap<>();
            for (int j = 0; j < header.size(); j++) {
                String name = header.get(j);
                if (name.isEmpty()) throw new UserException(path + ": line 1, column " + (j + 1) + ": empty column name");
                Integer prev = seen.put(name, j + 1);
                if (prev != null) throw new UserException(path + ": line 1: column name '" + name + "' appears twice (columns " + prev
                        + " and " + (j + 1) + ")");
            }
            String line;
            int ln = 1;
            while ((line = r.readLine()) != null) {
                ln++;
                if (line.isBlank()) continue;
                List<String> f = TextFiles.split(line, delim, path, ln);
                if (f.size() != header.size()) {
                    throw new UserException(path + ": line " + ln + ": " + f.size() + " fields, but the header has " + header.size()
                            + " columns");
                }
                String[] row = new String[f.size() + 1];
                for (int j = 0; j < f.size(); j++) row[j] = f.get(j).trim();
                row[f.size()] = Integer.toString(ln);
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UserException(path + ": read failed (" + e.getMessage() + ")", e);
        }
        if (rows.isEmpty()) throw new UserException(path + ": the file has a header but no sample rows");

        int idCol = 0;
        if (sampleColumn != null) {
            idCol = header.indexOf(sampleColumn);
            if (idCol < 0) {
                throw new UserException(path + ": no sample-id column named '" + sampleColumn
                        + "' (--sample-column); the header starts with: "
                        + String.join(", ", header.subList(0, Math.min(8, header.size()))));
            }
        }
        List<String> samples = new ArrayList<>(rows.size());
        Map<String, Integer> rowOf = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            String id = rows.get(i)[idCol];
            String ln = rows.get(i)[header.size()];
            if (isMissingToken(id)) throw new UserException(path + ": line " + ln + ": missing sample id in column '" + header.get(idCol)
                    + "'");
            Integer prev = lineOf.put(id, Integer.parseInt(ln));
            if (prev != null) throw new UserException(path + ": sample id '" + id + "' appears twice (lines " + prev + " and " + ln + ")");
            rowOf.put(id, i);
            samples.add(id);
        }
        if (forceCategorical != null) {
            for (String c : forceCategorical) {
                if (!header.contains(c)) throw new UserException(path + ": --categorical names column '" + c
                        + "', which the table does not have");
            }
        }
        Map<String, Column> cols = new LinkedHashMap<>();
        for (int j = 0; j < header.size(); j++) {
            if (j == idCol) continue;
            String name = header.get(j);
            int nrow = rows.size();
            boolean numeric = forceCategorical == null || !forceCategorical.contains(name);
            double[] num = new double[nrow];
            for (int i = 0; i < nrow && numeric; i++) {
                String v = rows.get(i)[j];
                if (isMissingToken(v)) { num[i] = Double.NaN; continue; }
                num[i] = Numbers.parseOrNaN(v); // R's syntax: 5f or 0x1p3 are text, as read.table reads them
                if (!Double.isFinite(num[i])) numeric = false;
            }
            if (numeric) {
                cols.put(name, PhenotypeTable.numericColumn(name, num));
            } else {
                String[] lv = new String[nrow];
                for (int i = 0; i < nrow; i++) {
                    String v = rows.get(i)[j];
                    lv[i] = isMissingToken(v) ? null : v;
                }
                cols.put(name, PhenotypeTable.categoricalColumn(name, lv));
            }
        }
        return new PhenotypeTable(path.toString(), header.get(idCol), samples, rowOf, cols);
    }
}
