package org.cohortex.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.cohortex.cli.Main;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real GO biological-process sets (symbols) against DE results keyed by Ensembl ids, through --id-map. */
class GoIdMappingTest {
    @TempDir
    Path dir;

    @Test
    void plantedGoTermIsFoundOnlyThroughTheIdentifierMap() throws IOException {
        Path gmt = Fixtures.path("enrich/go_bp_subset.gmt"), map = Fixtures.path("enrich/symbol_to_ensembl.tsv");
        Map<String, List<String>> idMap = GeneSetFiles.readIdMap(map);
        Set<String> ensembl = new LinkedHashSet<>();
        idMap.values().forEach(ensembl::addAll);
        GeneSetFiles.GeneSet hypoxia = GeneSetFiles.readGmt(gmt).stream().filter(s -> s.name().equals("GO:0001666")).findFirst()
                .orElseThrow();
        assertEquals("response to hypoxia", hypoxia.description());
        Set<String> planted = new HashSet<>();
        Random r = new Random(3);
        for (String sym : hypoxia.genes()) if (r.nextDouble() < 0.5) planted.addAll(idMap.getOrDefault(sym, List.of()));
        List<String> all = new ArrayList<>(ensembl);
        for (int i = 0; i < 30; i++) planted.add(all.get(r.nextInt(all.size())));
        StringBuilder de = new StringBuilder("gene\tbeta\tse\tt\tp\tp_bonferroni\tq_bh\tmean_expr\n");
        for (String g : all) {
            double p = planted.contains(g) ? 1e-9 : 0.5;
            de.append(g).append("\t0.5\t0.1\t5\t").append(p).append('\t').append(Math.min(1, p * all.size())).append("\t0.1\t7\n");
        }
        Path d = dir.resolve("de");
        Files.createDirectories(d);
        Files.writeString(d.resolve("de.tsv"), de.toString());
        Files.writeString(d.resolve("model.json"), "{\"trait\": \"chronic_pain\", \"set\": \"BLA.microglia\"}");

        assertEquals(0, run("enrich", "--de", d.toString(), "--gmt", gmt.toString(), "--id-map", map.toString(), "--out",
                dir.resolve("with").toString()));
        List<Map<String, String>> ora = Fixtures.table(dir.resolve("with/ora.tsv"));
        assertEquals("GO:0001666", ora.get(0).get("gene_set"), "the planted term ranks first");
        assertTrue(Double.parseDouble(ora.get(0).get("p_bonferroni")) < 1e-20, ora.get(0).toString());
        assertTrue(ora.get(0).get("genes").startsWith("ENSG"), "overlapping genes reported in the DE identifiers");

        assertEquals(0, run("enrich", "--de", d.toString(), "--gmt", gmt.toString(), "--out", dir.resolve("without").toString()));
        assertEquals(1, Files.readAllLines(dir.resolve("without/ora.tsv")).size(), "symbols never meet Ensembl ids: header only");
    }

    static int run(String... args) {
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), args);
        if (code != 0) System.err.println(sw);
        return code;
    }
}
