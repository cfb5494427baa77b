package org.cohortex.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.cohortex.cli.Main;

/** The command line as a user meets it: exit code and error text, and snapshots of folders a command must leave alone. */
public final class Cli {
    private Cli() {}

    /** Exit code and what the command printed as its error. */
    public record Run(int code, String err) {
        /** Exit {@code code}, and the message holds every one of {@code parts}. */
        public Run expect(int want, String... parts) {
            assertEquals(want, code, "exit code; stderr:\n" + err);
            for (String p : parts) assertTrue(err.contains(p), "'" + p + "' in:\n" + err);
            assertTrue(!err.contains("internal error") && !err.contains("\tat "), "no stack trace:\n" + err);
            return this;
        }
    }

    public static Run run(String... args) {
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), args);
        return new Run(code, sw.toString());
    }

    /** Every file and folder under {@code dir} (hidden ones too) with the SHA-256 of each file; empty when absent. */
    public static Map<String, String> snapshot(Path dir) {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(dir)) return m;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = dir.relativize(p).toString();
                m.put(rel, Files.isDirectory(p) ? "folder" : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(p))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    /** {@code parent} holds nothing but what it held (no staging folder left beside an output folder). */
    public static Map<String, String> listing(Path parent) {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(parent)) {
            s.forEach(p -> m.put(p.getFileName().toString(), Files.isDirectory(p) ? "folder" : "file"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }
}
