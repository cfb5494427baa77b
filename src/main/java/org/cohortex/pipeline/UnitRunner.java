package org.cohortex.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.io.Json;

/**
 * Runs units and owns what makes a run resumable: each unit's key (SHA-256 over its settings and
 * the SHA-256 of each input, upstream outputs included), a record per unit written atomically when
 * it finishes ({@code .cohortex/units/<id>.json}: key, status, seconds), the manifest, and progress.
 * A unit is skipped when its recorded key is unchanged and its outputs exist; since a record is
 * its own file, units of one output folder may run in separate processes (`run --unit`).
 */
final class UnitRunner {
    /** Observes units as they run (tests stop a run part-way, as a kill would). */
    interface Listener {
        /** Called before a unit that is not reused runs; {@code ran} units have run so far in this process. */
        default void beforeRun(Unit u, int ran) {}
    }

    /** What {@link #run} did with a unit. */
    enum Outcome { RAN, REUSED }

    private final Path out;
    private final String configFile;
    private final boolean reuse;
    private final Listener listener;
    private final Map<String, String> checksums = new LinkedHashMap<>();
    private final Map<String, Object> units = new LinkedHashMap<>();
    private int ran, done, total;
    /** Warnings of the unit now running: kept in its record, so the report can show them. */
    private List<String> warnings = new ArrayList<>();
    private final Log.Sink sink = new Log.Sink() {
        @Override
        public void info(String fmt, Object... args) { Log.WARNINGS.info(fmt, args); }

        @Override
        public void warn(String fmt, Object... args) {
            Log.WARNINGS.warn(fmt, args);
            warnings.add(String.format(fmt, args));
        }
    };

    UnitRunner(Path out, String configFile, boolean reuse, Listener listener) {
        this.out = out;
        this.configFile = configFile;
        this.reuse = reuse;
        this.listener = listener;
    }

    void expect(int units) { total += units; }

    int ran() { return ran; }

    int done() { return done; }

    /** Input checksums (path -> SHA-256) computed so far. */
    Map<String, String> checksums() { return checksums; }

    /** Warnings only, as {@link Log#WARNINGS}; each is also kept in the record of the unit that raised it. */
    Log.Sink sink() { return sink; }

    /** unit id -> {key, status, seconds} for the units this process ran or reused. */
    Map<String, Object> units() { return units; }

    /** Runs {@code work} unless the unit is current and reuse is on; records the unit either way. */
    Outcome run(Unit u, Runnable work) {
        done++;
        String key = key(u);
        if (reuse && isCurrent(u, key)) {
            units.put(u.id(), Json.object("key", key, "status", "reused"));
            progress(u.id() + ": unchanged, reused", 0);
            return Outcome.REUSED;
        }
        listener.beforeRun(u, ran);
        long t0 = System.nanoTime();
        warnings = new ArrayList<>();
        work.run();
        double secs = (System.nanoTime() - t0) / 1e9;
        ran++;
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("key", key);
        record.put("status", "ran");
        record.put("seconds", Math.round(secs * 100) / 100.0);
        if (!warnings.isEmpty()) record.put("warnings", List.copyOf(warnings));
        units.put(u.id(), record);
        Json.write(recordFile(u.id()), record);
        progress(u.id(), secs);
        return Outcome.RAN;
    }

    /** Whether the unit's recorded key equals {@code key} and its outputs (or alternative outputs) exist. */
    boolean isCurrent(Unit u, String key) {
        boolean present = u.outputs().stream().allMatch(Files::isRegularFile)
                || (!u.alternativeOutputs().isEmpty() && u.alternativeOutputs().stream().allMatch(Files::isRegularFile));
        return present && key.equals(recordedKey(u.id()));
    }

    boolean isCurrent(Unit u) { return isCurrent(u, key(u)); }

    /** The key a unit would be recorded with now. */
    String key(Unit u) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : u.settings()) digest(md, s);
            for (Path p : u.inputs()) digest(md, checksum(p));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keys over free-form parts (the enrichment unit's inputs are the fitted analyses). */
    static String key(List<String> parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : parts) digest(md, s);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void digest(MessageDigest md, String s) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
    }

    /** SHA-256 of a file, computed once per process; recorded in the manifest. */
    String checksum(Path p) {
        return checksums.computeIfAbsent(p.toString(), k -> {
            try (InputStream in = Files.newInputStream(p)) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 16];
                int r;
                while ((r = in.read(buf)) > 0) md.update(buf, 0, r);
                return HexFormat.of().formatHex(md.digest());
            } catch (NoSuchFileException e) {
                throw new UserException(p + ": file not found (named in " + configFile + ")");
            } catch (IOException | NoSuchAlgorithmException e) {
                throw new UserException(p + ": cannot be read (" + e.getMessage() + ")");
            }
        });
    }

    /** Forgets the checksum of a file a unit of this process rewrote. */
    void invalidate(Path p) { checksums.remove(p.toString()); }

    Path recordFile(String id) { return out.resolve(".cohortex").resolve("units").resolve(id + ".json"); }

    /** The key a unit was last recorded with in this output folder, or null. */
    String recordedKey(String id) {
        Path f = recordFile(id);
        if (!Files.isRegularFile(f)) return null;
        try {
            JsonNode n = Json.mapper().readTree(f.toFile());
            return n.path("key").asText(null);
        } catch (IOException e) {
            Log.warn("%s is unreadable (%s): the unit runs again", f, e.getMessage());
            return null;
        }
    }

    /** The record of a unit in this output folder (key, status, seconds), or null. */
    @SuppressWarnings("unchecked")
    Map<String, Object> record(String id) {
        Path f = recordFile(id);
        if (!Files.isRegularFile(f)) return null;
        try {
            return Json.mapper().readValue(f.toFile(), LinkedHashMap.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** A progress bar on a terminal; one log line per unit otherwise (files, CI). */
    private void progress(String what, double secs) {
        if (System.console() == null) {
            if (secs > 0) Log.info("[%d/%d] %s (%.1f s)", done, total, what, secs); else Log.info("[%d/%d] %s", done, total, what);
            return;
        }
        int width = 30, filled = (int) Math.round(width * (double) done / Math.max(1, total));
        String bar = "=".repeat(filled) + " ".repeat(Math.max(0, width - filled));
        String line = String.format("\r[%s] %d/%d %-60s", bar, done, total, what.length() > 60 ? what.substring(0, 60) : what);
        System.err.print(line);
        if (done == total) System.err.println();
        System.err.flush();
    }
}
