package org.cohortex.pipeline.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Tab-separated tables as the report reads them: header first; an absent or unreadable file is an empty list. */
public final class Tsv {
    private Tsv() {}

    public static List<String[]> read(Path f) {
        List<String[]> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) return out;
        try {
            for (String l : Files.readAllLines(f)) if (!l.isEmpty()) out.add(l.split("\t", -1));
        } catch (IOException e) {
            return new ArrayList<>();
        }
        return out;
    }

    /** The index of a header's column, or -1. */
    static int col(List<String[]> t, String name) {
        if (t.isEmpty()) return -1;
        String[] h = t.get(0);
        for (int i = 0; i < h.length; i++) if (h[i].equals(name)) return i;
        return -1;
    }

    static String get(String[] row, int col) { return col >= 0 && col < row.length ? row[col] : ""; }
}
