package org.cohortex.pipeline;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.io.Json;
import org.cohortex.pipeline.report.ReportInput;
import org.cohortex.pipeline.report.ReportWriter;

/**
 * `cohortex report DIR`: the report of a finished or partly finished run folder, from its files,
 * without recomputing anything. The grid comes from the configuration (given, or the manifest's
 * config_file when it still reads), so analyses that have not run show as such; without a readable
 * configuration the grid is what the folder holds.
 */
public final class RunReport {
    private RunReport() {}

    public static Path render(Path dir, Path config) {
        if (!Files.isDirectory(dir)) throw new UserException(dir + ": no such folder (give the --out folder of a `cohortex run`)");
        Path manifest = dir.resolve("manifest.json");
        boolean isRun = Files.isRegularFile(manifest) || Files.isDirectory(dir.resolve(".cohortex").resolve("units"));
        if (!isRun) {
            throw new UserException(dir + ": not a cohortex run folder (no manifest.json and no .cohortex/units/); give the --out folder"
                    + " of a `cohortex run`");
        }
        JsonNode m = readManifest(manifest);
        Path cfg = config != null ? config : m.hasNonNull("config_file") ? Path.of(m.path("config_file").asText()) : null;
        if (cfg != null) {
            try {
                StudyConfig c = StudyConfig.read(cfg);
                return Report.write(dir, c, Plan.of(c, dir));
            } catch (UserException e) {
                if (config != null) throw e; // the user named it: its problem is the answer
                Log.warn("report: the run's configuration %s does not read any more (%s); the report shows what %s holds", cfg,
                        e.getMessage(), dir);
            }
        }
        return ReportWriter.write(fromFolder(dir, m));
    }

    private static JsonNode readManifest(Path f) {
        if (!Files.isRegularFile(f)) return Json.mapper().createObjectNode();
        try {
            return Json.mapper().readTree(f.toFile());
        } catch (IOException e) {
            throw new UserException(f + ": not readable as JSON (" + e.getMessage() + ")");
        }
    }

    /** The grid as the folder holds it: de/TRAIT/SET/ and deconvolution/REGION/; settings from the manifest's copy of the configuration. */
    static ReportInput fromFolder(Path dir, JsonNode m) {
        List<String> traits = subfolders(dir.resolve("de"));
        List<ReportInput.PlannedSet> sets = new ArrayList<>();
        Map<String, TreeSet<String>> types = new LinkedHashMap<>();
        for (String r : subfolders(dir.resolve("deconvolution"))) types.put(r, new TreeSet<>());
        for (String t : traits) {
            for (String s : subfolders(dir.resolve("de").resolve(t))) {
                ReportInput.PlannedSet p = new ReportInput.PlannedSet(t, s, dir.resolve("de").resolve(t).resolve(s));
                sets.add(p);
                TreeSet<String> ts = types.computeIfAbsent(p.region(), k -> new TreeSet<>());
                if (!p.cellType().equals("bulk")) ts.add(p.cellType());
            }
        }
        Map<String, List<String>> regionTypes = new LinkedHashMap<>();
        types.forEach((r, ts) -> regionTypes.put(r, new ArrayList<>(ts)));
        JsonNode cfg = m.path("config");
        double alpha = cfg.path("analysis").path("alpha").asDouble(0.05);
        String prs = Files.isDirectory(dir.resolve("prs")) ? cfg.path("prs").path("name").asText("prs") : null;
        return new ReportInput(dir, m.path("config_file").asText("(unknown)"), traits, alpha, regionTypes, sets, null, null, prs,
                cfg.path("prs").path("target").asText(null), cfg.path("analysis").path("cell_type_test").asText("interaction"));
    }

    private static List<String> subfolders(Path d) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(d)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, Files::isDirectory)) {
            ds.forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UserException(d + ": cannot be listed (" + e.getMessage() + ")");
        }
        out.sort(null);
        return out;
    }
}
