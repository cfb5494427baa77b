package org.cohortex.testutil;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fixture table (TSV with a header, optionally gzip) read whole, with numeric column access and agreement checks. */
public final class Tsv {
    public final String[] header;
    public final List<String[]> rows;

    private Tsv(String[] header, List<String[]> rows) {
        this.header = header;
        this.rows = rows;
    }

    /** Reads fixtures/{rel}; gzip when the name ends in .gz. */
    public static Tsv read(String rel) {
        try (InputStream raw = Files.newInputStream(Fixtures.path(rel));
             InputStream in = rel.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String[] h = r.readLine().split("\t", -1);
            List<String[]> rows = new ArrayList<>();
            for (String l; (l = r.readLine()) != null; ) if (!l.isEmpty()) rows.add(l.split("\t", -1));
            return new Tsv(h, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int column(String name) {
        int i = Arrays.asList(header).indexOf(name);
        if (i < 0) throw new IllegalArgumentException("no column " + name + " in " + Arrays.toString(header));
        return i;
    }

    public boolean has(String name) { return Arrays.asList(header).contains(name); }

    public double[] numbers(String name) {
        int c = column(name);
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) v[i] = num(rows.get(i)[c]);
        return v;
    }

    /** R's text for a double: NA, Inf, -Inf or a number. */
    public static double num(String s) {
        switch (s) {
            case "NA": return Double.NaN;
            case "Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            default: return Double.parseDouble(s);
        }
    }

    public String[] strings(String name) {
        int c = column(name);
        String[] v = new String[rows.size()];
        for (int i = 0; i < v.length; i++) v[i] = rows.get(i)[c];
        return v;
    }

    /** Columns first..end as a rows x (end - first) row-major matrix (e.g. the samples of a count table). */
    public double[] matrix(int first) {
        int cols = header.length - first;
        double[] m = new double[rows.size() * cols];
        for (int i = 0; i < rows.size(); i++) for (int j = 0; j < cols; j++) m[i * cols + j] = num(rows.get(i)[first + j]);
        return m;
    }

    /**
     * Largest |got - want| / max(|want|, floor) over the entries where want is not NA; fails when it
     * exceeds tol, or when got is NA where want is not. Returns the largest error for reporting.
     */
    public static double assertClose(String what, double[] got, double[] want, double tol, double floor) {
        assertTrue(got.length == want.length, what + ": lengths " + got.length + " vs " + want.length);
        double max = 0;
        int worst = -1;
        for (int i = 0; i < want.length; i++) {
            if (Double.isNaN(want[i])) continue;
            double err = Double.isNaN(got[i]) ? Double.POSITIVE_INFINITY : Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), floor);
            if (err > max || worst < 0) { max = Math.max(max, err); worst = i; }
        }
        final int w = worst;
        final double m = max;
        assertTrue(max <= tol, () -> what + ": max relative error " + m + " at " + w + " (got " + got[w] + ", R " + want[w] + ")");
        System.out.printf("agreement %-40s max rel err %.3g over %d values%n", what, max, want.length);
        return max;
    }
}
