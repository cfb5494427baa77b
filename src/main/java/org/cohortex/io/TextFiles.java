package org.cohortex.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import org.cohortex.UserException;

/** Opening delimited text files: plain or gzip (detected by magic bytes), tab or comma. */
public final class TextFiles {
    private TextFiles() {}

    /** Opens a file for reading, transparently gunzipping when it starts with the gzip magic. */
    public static InputStream open(Path path) {
        try {
            if (Files.isDirectory(path)) throw new UserException(path + ": is a directory, expected a file");
            InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            if (b0 == 0x1f && b1 == 0x8b) return new GZIPInputStream(raw, 1 << 16);
            return raw;
        } catch (NoSuchFileException e) {
            throw new UserException(path + ": file not found");
        } catch (IOException e) {
            throw new UserException(path + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** Delimiter from the name (.csv -> comma, .tsv/.txt/.tab -> tab), else from the header line. */
    public static byte delimiterFor(Path path, String headerLine) {
        String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) n = n.substring(0, n.length() - 3);
        if (n.endsWith(".csv")) return ',';
        if (n.endsWith(".tsv") || n.endsWith(".txt") || n.endsWith(".tab")) return '\t';
        return headerLine.indexOf('\t') >= 0 ? (byte) '\t' : (byte) ',';
    }

    public static UncheckedIOException io(Path p, IOException e) {
        return new UncheckedIOException(p + ": " + e.getMessage(), e);
    }

    /** Strips one pair of surrounding double quotes (R's write.csv quotes ids) and a trailing CR. */
    public static String unquote(String s) {
        if (s.endsWith("\r")) s = s.substring(0, s.length() - 1);
        if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
            return s.substring(1, s.length() - 1).replace("\"\"", "\"");
        }
        return s;
    }

    /**
     * Splits one line on the delimiter, honouring double-quoted fields (RFC 4180: a field that starts
     * with a quote runs to the next lone quote, a doubled quote inside is one quote; no embedded
     * newlines). Quotes are removed. A quote left open takes the rest of the line.
     */
    public static List<String> split(String line, char delim) {
        List<String> out = new ArrayList<>();
        splitInto(line, delim, out);
        return out;
    }

    /** As {@link #split(String, char)}; a quote left open is an error naming the file and line. */
    public static List<String> split(String line, char delim, Path file, int lineNumber) {
        List<String> out = new ArrayList<>();
        if (!splitInto(line, delim, out)) {
            throw new UserException(file + ": line " + lineNumber + ", field " + out.size()
                    + ": a double quote opens a field that is not closed on this line (fields with line breaks are not supported)");
        }
        return out;
    }

    /** Fields into {@code out}; false when the last field's opening quote was never closed. */
    private static boolean splitInto(String line, char delim, List<String> out) {
        if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
        StringBuilder cur = new StringBuilder();
        boolean inQuotes = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') { cur.append('"'); i++; }
                    else inQuotes = false;
                } else cur.append(c);
            } else if (c == '"' && cur.toString().isBlank()) {
                cur.setLength(0); // spaces before an opening quote (R's write.table pads nothing; spreadsheets may)
                inQuotes = true;
            } else if (c == delim) {
                out.add(cur.toString());
                cur.setLength(0);
            } else cur.append(c);
        }
        out.add(cur.toString());
        return !inQuotes;
    }
}
