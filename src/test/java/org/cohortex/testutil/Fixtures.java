package org.cohortex.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads committed fixture tables (TSV with header) from src/test/resources/fixtures. */
public final class Fixtures {
    private Fixtures() {}

    public static Path path(String rel) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + rel).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("fixture not found: " + rel, e);
        }
    }

    /** Rows as column-name -> value maps. */
    public static List<Map<String, String>> table(Path p) {
        try {
            List<String> lines = Files.readAllLines(p);
            String[] h = lines.get(0).split("\t", -1);
            List<Map<String, String>> out = new ArrayList<>();
            for (String l : lines.subList(1, lines.size())) {
                if (l.isEmpty()) continue;
                String[] f = l.split("\t", -1);
                Map<String, String> m = new LinkedHashMap<>();
                for (int i = 0; i < h.length; i++) m.put(h[i], f[i]);
                out.add(m);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double num(String s) {
        return s.equals("NA") ? Double.NaN : Double.parseDouble(s);
    }

    /** |a-b| <= tol * max(|b|, floor): relative error with a floor for values near zero. */
    public static boolean close(double a, double b, double tol, double floor) {
        if (Double.isNaN(a) || Double.isNaN(b)) return Double.isNaN(a) && Double.isNaN(b);
        return Math.abs(a - b) <= tol * Math.max(Math.abs(b), floor);
    }
}
