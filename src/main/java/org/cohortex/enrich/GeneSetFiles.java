package org.cohortex.enrich;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cohortex.UserException;
import org.cohortex.io.TextFiles;

/** Gene-set inputs: GMT files, plain gene lists, and identifier maps (symbol -> Ensembl id, ...). */
public final class GeneSetFiles {
    private GeneSetFiles() {}

    /** A named set of gene identifiers. */
    public record GeneSet(String name, String description, Set<String> genes) {}

    /** GMT: name, description, then genes, tab-separated; one set per line. */
    public static List<GeneSet> readGmt(Path file) {
        List<GeneSet> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        int ln = 0;
        for (String line : lines(file)) {
            ln++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            if (f.length < 3) throw new UserException(file + ": line " + ln
                    + ": a GMT line needs a name, a description and at least one gene (tab-separated)");
            String name = f[0].trim();
            if (name.isEmpty()) throw new UserException(file + ": line " + ln + ": the gene set has no name (first field)");
            Integer prev = seen.put(name, ln);
            if (prev != null) throw new UserException(file + ": gene set '" + name + "' appears twice (lines " + prev + " and " + ln + ")");
            Set<String> g = new LinkedHashSet<>();
            for (int i = 2; i < f.length; i++) if (!f[i].isBlank()) g.add(f[i].trim());
            if (g.isEmpty()) throw new UserException(file + ": line " + ln + ": gene set '" + name + "' lists no gene");
            out.add(new GeneSet(name, f[1], g));
        }
        if (out.isEmpty()) throw new UserException(file + ": no gene sets");
        return out;
    }

    /** A gene list: one identifier per line (first column if tab-separated); '#' comments. */
    public static GeneSet readList(Path file) {
        Set<String> g = new LinkedHashSet<>();
        for (String line : lines(file)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            g.add(line.split("\t")[0].trim());
        }
        if (g.isEmpty()) throw new UserException(file + ": the gene list is empty");
        String name = file.getFileName().toString().replaceAll("\\.(txt|tsv|gz)$", "").replaceAll("\\.(txt|tsv)$", "");
        return new GeneSet(name, file.toString(), g);
    }

    /** Two columns, from -> to (e.g. symbol -> Ensembl gene id); one-to-many allowed. */
    public static Map<String, List<String>> readIdMap(Path file) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        int ln = 0;
        for (String line : lines(file)) {
            ln++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            if (f.length < 2) throw new UserException(file + ": line " + ln + ": expected two tab-separated identifiers");
            m.computeIfAbsent(f[0].trim(), k -> new ArrayList<>()).add(f[1].trim());
        }
        return m;
    }

    /** The set with its identifiers translated (unmapped identifiers are dropped). */
    public static GeneSet map(GeneSet s, Map<String, List<String>> idMap) {
        if (idMap == null) return s;
        Set<String> g = new LinkedHashSet<>();
        for (String id : s.genes()) g.addAll(idMap.getOrDefault(id, List.of()));
        return new GeneSet(s.name(), s.description(), g);
    }

    private static List<String> lines(Path file) {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(TextFiles.open(file), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                if (out.isEmpty() && l.startsWith("\uFEFF")) l = l.substring(1); // byte-order mark of spreadsheet exports
                out.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
            }
        } catch (IOException e) {
            throw new UserException(file + ": read failed (" + e.getMessage() + ")");
        }
        return out;
    }
}
