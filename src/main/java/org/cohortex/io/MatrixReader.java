package org.cohortex.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.cohortex.UserException;
import org.cohortex.linalg.Mat;

/**
 * Reads a genes x samples matrix: TSV or CSV, optionally gzip; first column the gene id, header of
 * sample ids (the header's first field, e.g. "gene", is ignored). NA or an empty field is missing
 * (NaN). Fields may be double-quoted (RFC 4180 without line breaks in fields: R's write.csv quotes
 * ids, Python's QUOTE_ALL every number too; a quoted field may hold the delimiter). The file is
 * read in large chunks cut at line ends and the chunks are parsed in parallel
 * while the next one is read (and gunzipped), so parsing keeps up with decompression.
 */
public final class MatrixReader {
    private static final int CHUNK = 8 << 20;

    private MatrixReader() {}

    public static ExpressionMatrix read(Path path) {
        return read(path, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public static ExpressionMatrix read(Path path, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cohortex-parse");
            t.setDaemon(true);
            return t;
        });
        try (InputStream in = TextFiles.open(path)) {
            return readStream(path, in, pool, threads);
        } catch (IOException e) {
            throw new UserException(path + ": read failed (" + e.getMessage() + ")", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ExpressionMatrix readStream(Path path, InputStream in, ExecutorService pool, int threads) throws IOException {
        String header = readHeader(path, in);
        byte delim = TextFiles.delimiterFor(path, header);
        List<String> fields = TextFiles.split(header, (char) delim, path, 1);
        if (fields.size() < 2) {
            throw new UserException(path
                    + ": line 1: the header has no sample ids (expected the gene-id column name, then one id per sample, "
                    + (delim == '\t' ? "tab" : "comma") + "-separated)");
        }
        String[] samples = new String[fields.size() - 1];
        Map<String, Integer> seen = new HashMap<>();
        for (int j = 1; j < fields.size(); j++) {
            String s = fields.get(j).trim();
            if (s.isEmpty()) throw new UserException(path + ": line 1, column " + (j + 1) + ": empty sample id in the header");
            Integer prev = seen.put(s, j + 1);
            if (prev != null) throw new UserException(path + ": line 1: sample id '" + s + "' appears twice in the header (columns "
                    + prev + " and " + (j + 1) + ")");
            samples[j - 1] = s;
        }
        final int n = samples.length;

        ArrayDeque<Future<Chunk>> pending = new ArrayDeque<>();
        List<Chunk> done = new ArrayList<>();
        byte[] carry = new byte[0];
        int line = 2; // first data line
        boolean eof = false;
        while (!eof) {
            byte[] buf = new byte[Math.max(CHUNK, carry.length * 2)];
            System.arraycopy(carry, 0, buf, 0, carry.length);
            int len = carry.length;
            while (len < buf.length) {
                int r = in.read(buf, len, buf.length - len);
                if (r < 0) { eof = true; break; }
                len += r;
            }
            int cut = len;
            if (!eof) {
                cut = lastNewline(buf, len) + 1;
                if (cut == 0) { carry = Arrays.copyOf(buf, len); continue; } // a line longer than the chunk
            }
            carry = Arrays.copyOfRange(buf, cut, len);
            final byte[] chunk = buf;
            final int end = cut, startLine = line;
            line += countNewlines(buf, cut);
            pending.add(pool.submit(() -> parseChunk(path, chunk, end, startLine, delim, n, samples)));
            while (pending.size() > threads + 1) done.add(get(pending.poll()));
        }
        while (!pending.isEmpty()) done.add(get(pending.poll()));

        int genes = 0;
        for (Chunk c : done) genes += c.rows;
        if (genes == 0) throw new UserException(path + ": the file has a header but no gene rows");
        Mat values = new Mat(genes, n);
        String[] ids = new String[genes];
        int r = 0;
        for (Chunk c : done) {
            System.arraycopy(c.values, 0, values.data, r * n, c.rows * n);
            System.arraycopy(c.ids, 0, ids, r, c.rows);
            r += c.rows;
        }
        Map<String, Integer> geneLine = new HashMap<>(genes * 2);
        for (Chunk c : done) {
            for (int k = 0; k < c.rows; k++) {
                Integer prev = geneLine.put(c.ids[k], c.lines[k]);
                if (prev != null) {
                    throw new UserException(path + ": gene id '" + c.ids[k] + "' appears twice (lines " + prev + " and " + c.lines[k]
                            + ")");
                }
            }
        }
        return new ExpressionMatrix(ids, samples, values);
    }

    private static Chunk get(Future<Chunk> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UserException) throw (UserException) e.getCause();
            throw new IllegalStateException(e.getCause());
        }
    }

    private static String readHeader(Path path, InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') b.write(c);
        if (b.size() == 0 && c < 0) throw new UserException(path + ": the file is empty");
        String h = b.toString(StandardCharsets.UTF_8);
        if (h.startsWith("\uFEFF")) h = h.substring(1); // byte-order mark from spreadsheet exports
        return h;
    }

    private static int lastNewline(byte[] b, int len) {
        for (int i = len - 1; i >= 0; i--) if (b[i] == '\n') return i;
        return -1;
    }

    private static int countNewlines(byte[] b, int len) {
        int c = 0;
        for (int i = 0; i < len; i++) if (b[i] == '\n') c++;
        return c;
    }

    private static final class Chunk {
        int rows;
        String[] ids;
        int[] lines;
        double[] values;
    }

    private static Chunk parseChunk(Path path, byte[] b, int end, int startLine, byte delim, int n, String[] samples) {
        int cap = Math.max(16, countNewlines(b, end) + 1);
        Chunk c = new Chunk();
        c.ids = new String[cap];
        c.lines = new int[cap];
        c.values = new double[cap * n];
        int pos = 0, line = startLine, rows = 0;
        while (pos < end) {
            int eol = pos;
            while (eol < end && b[eol] != '\n') eol++;
            int lineEnd = eol > pos && b[eol - 1] == '\r' ? eol - 1 : eol;
            if (lineEnd > pos) {
                c.ids[rows] = parseLine(path, b, pos, lineEnd, line, delim, c.values, rows * n, n, samples);
                c.lines[rows] = line;
                rows++;
            }
            pos = eol + 1;
            line++;
        }
        c.rows = rows;
        return c;
    }

    /** One data line into {@code values[base..base+n)}; returns the gene id. */
    private static String parseLine(Path path, byte[] b, int pos, int lineEnd, int line, byte delim, double[] values, int base, int n,
                                    String[] samples) {
        int f = fieldEnd(path, b, pos, lineEnd, line, delim, 1);
        String id = text(b, pos, f).trim();
        if (id.isEmpty()) throw new UserException(path + ": line " + line + ": empty gene id in the first column");
        int col = 0;
        int s = f + 1;
        while (f < lineEnd) {
            if (col >= n) {
                throw new UserException(path + ": line " + line + " (gene '" + id + "'): more values than the " + n
                        + " sample ids of the header");
            }
            int e = fieldEnd(path, b, s, lineEnd, line, delim, col + 2);
            try {
                // a quoted number ("5.03", as Python's QUOTE_ALL writes) is parsed inside its quotes
                boolean quoted = e - s >= 2 && b[s] == '"' && b[e - 1] == '"';
                values[base + col] = quoted ? NumberParser.parse(b, s + 1, e - 1) : NumberParser.parse(b, s, e);
            } catch (NumberParser.Bad bad) {
                throw new UserException(path + ": line " + line + ", column " + (col + 2) + " (gene '" + id + "', sample '"
                        + samples[col] + "'): " + bad.getMessage());
            }
            col++;
            f = e;
            s = e + 1;
        }
        if (col != n) {
            throw new UserException(path + ": line " + line + " (gene '" + id + "'): " + col + " values, but the header has " + n
                    + " sample ids");
        }
        return id;
    }

    /**
     * The end of the field starting at {@code s}: the next delimiter, or for a field that opens with a
     * double quote (RFC 4180) the delimiter after its closing quote, so that a quoted field may hold
     * the delimiter. Unquoted fields, the common case, cost one comparison more than a plain scan.
     */
    private static int fieldEnd(Path path, byte[] b, int s, int lineEnd, int line, byte delim, int column) {
        int e = s;
        if (e < lineEnd && b[e] == '"') {
            e++;
            while (true) {
                while (e < lineEnd && b[e] != '"') e++;
                if (e >= lineEnd) {
                    throw new UserException(path + ": line " + line + ", column " + column
                            + ": a double quote opens a field that is not closed on this line (fields with line breaks are not supported)");
                }
                if (e + 1 < lineEnd && b[e + 1] == '"') e += 2; else break;
            }
            e++;
        }
        while (e < lineEnd && b[e] != delim) e++;
        return e;
    }

    /** A field as text, without its surrounding quotes (a doubled quote inside is one quote). */
    private static String text(byte[] b, int s, int e) {
        String t = new String(b, s, e - s, StandardCharsets.UTF_8);
        return TextFiles.unquote(t.strip());
    }
}
