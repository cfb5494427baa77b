package org.cohortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The layering of the main sources, read from their imports and qualified names: numerical leaves
 * at the bottom, the analyses above them, the backends above those, orchestration and the CLI on
 * top. Nothing imports upwards, and there is no cycle among packages.
 */
class ArchitectureTest {
    /** Layer of each package of org.cohortex ("" = the root package; libsvm holds deconv's LIBSVM solver). */
    static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("", 0),
            Map.entry("linalg", 1), Map.entry("random", 1),
            Map.entry("io", 2),
            Map.entry("stats", 3),
            Map.entry("sva", 4), Map.entry("deconv", 4), Map.entry("impute", 4), Map.entry("de", 4), Map.entry("enrich", 4),
            Map.entry("prs", 4), Map.entry("sim", 4), Map.entry("celltype", 4), Map.entry("counts", 4), Map.entry("libsvm", 4),
            Map.entry("backend", 5),
            Map.entry("pipeline", 6), Map.entry("pipeline.report", 6),
            Map.entry("cli", 7));

    static final Path MAIN = Path.of("src/main/java");
    static final Pattern REF = Pattern.compile("\\b(?:org\\.cohortex\\.([a-z]+)|(libsvm))\\.[A-Za-z]");

    /** package -> packages it refers to (imports and qualified names). */
    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String pkg = packageOf(MAIN.relativize(f.getParent()).toString().replace('/', '.'));
                Set<String> to = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith("package ")) continue;
                    Matcher m = REF.matcher(line);
                    while (m.find()) {
                        String target = m.group(1) != null ? m.group(1) : "libsvm";
                        if (!target.equals(pkg)) to.add(target);
                    }
                    if (line.matches("import org\\.cohortex\\.[A-Z].*")) to.add("");
                }
                to.remove(pkg);
            }
        }
        return g;
    }

    static String packageOf(String dotted) {
        if (dotted.equals("org.cohortex")) return "";
        if (dotted.startsWith("org.cohortex.")) return dotted.substring("org.cohortex.".length());
        return dotted;
    }

    @Test
    void everyPackageHasALayerAndImportsOnlyDownwardsOrSideways() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : graph().entrySet()) {
            Integer from = LAYER.get(e.getKey());
            assertTrue(from != null, "package '" + e.getKey() + "' has no layer in ArchitectureTest.LAYER");
            for (String t : e.getValue()) {
                Integer to = LAYER.get(t);
                if (to == null || to > from) wrong.add(e.getKey() + " -> " + t);
            }
        }
        assertEquals(List.of(), wrong, "imports that go up a layer");
    }

    @Test
    void numericalLeavesImportNoProjectPackage() throws IOException {
        Map<String, Set<String>> g = graph();
        assertEquals(Set.of(), g.get("linalg"), "linalg is a leaf");
        assertEquals(Set.of(), g.get("random"), "random is a leaf");
    }

    @Test
    void noCycleAmongPackages() throws IOException {
        Map<String, Set<String>> g = graph();
        List<String> cycle = new ArrayList<>();
        Map<String, Integer> state = new TreeMap<>();
        for (String p : g.keySet()) if (cycle.isEmpty()) visit(p, g, state, new ArrayList<>(), cycle);
        assertEquals(List.of(), cycle, "a cycle among packages");
    }

    private static void visit(String p, Map<String, Set<String>> g, Map<String, Integer> state, List<String> path, List<String> cycle) {
        Integer s = state.get(p);
        if (s != null && s == 2) return;
        if (s != null && s == 1) {
            cycle.addAll(path.subList(path.indexOf(p), path.size()));
            cycle.add(p);
            return;
        }
        state.put(p, 1);
        path.add(p);
        for (String q : g.getOrDefault(p, Set.of())) {
            if (!cycle.isEmpty()) return;
            visit(q, g, state, path, cycle);
        }
        path.remove(path.size() - 1);
        state.put(p, 2);
    }

    @Test
    void theTestCanFail() {
        // a graph with an upward edge and a cycle is caught by the same checks
        Map<String, Set<String>> g = Map.of("de", Set.of("sva"), "sva", Set.of("de"));
        List<String> cycle = new ArrayList<>();
        visit("de", g, new TreeMap<>(), new ArrayList<>(), cycle);
        assertEquals(List.of("de", "sva", "de"), cycle);
    }
}
