package org.cohortex.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.cohortex.Log;
import org.cohortex.UserException;

/**
 * A command's output folder, written as a whole: the command writes into a staging folder beside
 * the target ({@code .NAME.cohortex-PID-RANDOM}, same file system; inside the target when only the
 * target is writable) and {@link #commit} moves the
 * result into place, by one rename when the target does not exist yet, else file by file (each
 * move atomic). A command that fails before its commit leaves the target as it was: {@link #close}
 * removes the staging folder and any parent folders {@link #open} had to create. Staging folders
 * left by a killed process (its pid is gone) are removed by the next command on the same target.
 *
 * <pre>
 * try (OutputFolder out = OutputFolder.open(dir)) {
 *     engine.run(..., out.path());
 *     out.commit();
 * }
 * </pre>
 */
public final class OutputFolder implements AutoCloseable {
    private static final String TAG = ".cohortex-";

    private final Path target, staging;
    /** Parent folders open() created, outermost first; removed again when nothing is committed. */
    private final List<Path> createdParents;
    private boolean committed;

    private OutputFolder(Path target, Path staging, List<Path> createdParents) {
        this.target = target;
        this.staging = staging;
        this.createdParents = createdParents;
    }

    /** Creates the staging folder beside {@code target} (whose parents are created when missing). */
    public static OutputFolder open(Path target) {
        Path t = target.toAbsolutePath().normalize();
        if (Files.exists(t) && !Files.isDirectory(t)) throw new UserException(target + ": exists and is not a folder");
        Path parent = t.getParent();
        if (parent == null) throw new UserException(target + ": cannot be an output folder (the file system root)");
        List<Path> created = new ArrayList<>();
        try {
            for (Path p = parent; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) created.add(0, p);
            Files.createDirectories(parent);
            Path home = parent;
            if (Files.isDirectory(t) && !Files.isWritable(parent)) home = t; // e.g. --out . in a folder whose parent is not ours
            String prefix = home == t ? ".cohortex-staging-" : "." + t.getFileName() + TAG;
            removeAbandoned(home, prefix);
            SplittableRandom rnd = new SplittableRandom(System.nanoTime() ^ ProcessHandle.current().pid());
            for (int attempt = 0; ; attempt++) {
                Path s = home.resolve(prefix + ProcessHandle.current().pid() + "-" + Long.toHexString(rnd.nextLong() & Long.MAX_VALUE));
                try {
                    Files.createDirectory(s);
                    return new OutputFolder(target, s, created);
                } catch (FileAlreadyExistsException e) {
                    if (attempt > 100) throw e;
                }
            }
        } catch (IOException e) {
            removeCreated(created);
            throw new UserException(target + ": the output folder cannot be prepared (" + e.getMessage() + ")", e);
        }
    }

    /** Where the command writes: the staging folder until {@link #commit}. */
    public Path path() { return staging; }

    /** The folder the outputs end up in. */
    public Path target() { return target; }

    /**
     * Moves everything written into the target; then removes from the target the files named in
     * {@code obsolete} (paths relative to it) that this run did not write, so that a file an earlier
     * run left (gene_notes.tsv, say) does not describe this one.
     */
    public void commit(String... obsolete) {
        if (committed) throw new IllegalStateException("committed twice");
        Path t = target.toAbsolutePath().normalize();
        try {
            if (!Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
                move(staging, t); // the whole folder appears at once
            } else {
                List<Path> files;
                try (Stream<Path> s = Files.walk(staging)) { // staging may sit inside the target: only its own files move
                    files = s.filter(Files::isRegularFile).toList();
                }
                for (Path f : files) {
                    Path dest = t.resolve(staging.relativize(f).toString());
                    Files.createDirectories(dest.getParent());
                    move(f, dest);
                }
                for (String o : obsolete) {
                    if (!files.contains(staging.resolve(o))) Files.deleteIfExists(t.resolve(o));
                }
                deleteTree(staging);
            }
            committed = true;
        } catch (IOException e) {
            throw new UserException(target + ": the outputs cannot be moved into place (" + e.getMessage() + ")", e);
        }
    }

    /** Without a commit: removes the staging folder and the parents open() created. */
    @Override
    public void close() {
        if (committed) return;
        try {
            deleteTree(staging);
        } catch (IOException e) {
            Log.warn("%s: the staging folder of a failed command could not be removed (%s)", staging, e.getMessage());
        }
        removeCreated(createdParents);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Staging folders of {@code name} whose process is gone (killed before its commit or cleanup). */
    private static void removeAbandoned(Path parent, String prefix) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : ds) {
                String rest = p.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue; // not ours
                }
                if (ProcessHandle.of(pid).isPresent()) continue; // another command writing the same folder now
                Log.warn("removing %s, left by an earlier command (process %d) that did not finish", p, pid);
                deleteTree(p);
            }
        }
    }

    private static void removeCreated(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                return; // not empty (someone else wrote there): leave it
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) Files.deleteIfExists(p);
    }

    @Override
    public String toString() { return String.format(Locale.ROOT, "%s (staging %s)", target, staging.getFileName()); }
}
