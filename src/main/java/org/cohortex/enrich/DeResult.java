package org.cohortex.enrich;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.cohortex.UserException;
import org.cohortex.io.Json;
import org.cohortex.de.DeTable;

/** One `de` output folder: its set label, trait, genes tested, and the DEGs at a threshold. */
public final class DeResult {
    public final Path dir;
    public final String set, trait;
    /** Genes with a p-value (the background of this analysis), in file order. */
    public final List<String> tested;
    /** gene -> beta, for genes passing the threshold. */
    public final Map<String, Double> degs;

    private final DeTable table;

    private DeResult(Path dir, String set, String trait, List<String> tested, Map<String, Double> degs, DeTable table) {
        this.table = table;
        this.dir = dir;
        this.set = set;
        this.trait = trait;
        this.tested = tested;
        this.degs = degs;
    }

    /** The whole de.tsv, by column name. */
    public DeTable table() { return table; }

    /** Region part of the set label ("BLA" of "BLA.microglia"). */
    public String region() {
        int i = set.indexOf('.');
        return i < 0 ? set : set.substring(0, i);
    }

    /** Cell type part of the set label, or "bulk". */
    public String cellType() {
        int i = set.indexOf('.');
        return i < 0 ? "bulk" : set.substring(i + 1);
    }

    public static DeResult read(Path dir, String pColumn, double alpha) {
        Path de = dir.resolve("de.tsv"), model = dir.resolve("model.json");
        if (!Files.isRegularFile(de) || !Files.isRegularFile(model)) {
            throw new UserException(dir + ": not a `cohortex de` output folder (needs de.tsv and model.json)");
        }
        String set, trait;
        try {
            JsonNode m = Json.mapper().readTree(model.toFile());
            trait = m.path("trait").asText(null);
            set = m.hasNonNull("set") ? m.get("set").asText() : dir.getFileName().toString();
            if (trait == null) throw new UserException(model + ": no \"trait\"");
        } catch (IOException e) {
            throw new UserException(model + ": not valid JSON (" + e.getMessage() + ")");
        }
        DeTable table = DeTable.read(de);
        double[] p = table.column(pColumn), beta = table.column("beta");
        List<String> tested = new ArrayList<>();
        Map<String, Double> degs = new LinkedHashMap<>();
        for (int g = 0; g < table.size(); g++) {
            if (Double.isNaN(p[g])) continue;
            tested.add(table.genes()[g]);
            if (p[g] < alpha) degs.put(table.genes()[g], beta[g]);
        }
        return new DeResult(dir, set, trait, tested, degs, table);
    }
}
