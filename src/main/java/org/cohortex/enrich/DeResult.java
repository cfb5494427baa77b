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
import org.cohortex.io.TextFiles;

/** One `de` output folder: its set label, trait, genes tested, and the DEGs at a threshold. */
public final class DeResult {
    public final Path dir;
    public final String set, trait;
    /** Genes with a p-value (the background of this analysis), in file order. */
    public final List<String> tested;
    /** gene -> beta, for genes passing the threshold. */
    public final Map<String, Double> degs;

    private DeResult(Path dir, String set, String trait, List<String> tested, Map<String, Double> degs) {
        this.dir = dir;
        this.set = set;
        this.trait = trait;
        this.tested = tested;
        this.degs = degs;
    }

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
        List<String> tested = new ArrayList<>();
        Map<String, Double> degs = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(de);
            List<String> h = TextFiles.split(lines.get(0), '\t');
            int ig = h.indexOf("gene"), ip = h.indexOf(pColumn), ib = h.indexOf("beta");
            if (ig < 0 || ip < 0 || ib < 0) throw new UserException(de + ": needs columns gene, beta and " + pColumn);
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split("\t", -1);
                if (f.length != h.size()) throw new UserException(de + ": line " + (i + 1) + ": " + f.length + " fields, header has " + h.size());
                if (f[ip].equals("NA")) continue;
                tested.add(f[ig]);
                double p = Double.parseDouble(f[ip]);
                if (p < alpha) degs.put(f[ig], Double.parseDouble(f[ib]));
            }
        } catch (IOException e) {
            throw new UserException(de + ": read failed (" + e.getMessage() + ")");
        } catch (NumberFormatException e) {
            throw new UserException(de + ": malformed number (" + e.getMessage() + ")");
        }
        return new DeResult(dir, set, trait, tested, degs);
    }
}
