package org.cohortex.pipeline;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;

import org.cohortex.Log;
import org.cohortex.UserException;

/**
 * The lock of a run's output folder ({@code .cohortex/run.lock}), an operating-system file lock, so
 * that it goes with its process however that ends: a whole run (or --finish) holds it exclusively,
 * each `run --unit` process shares it. The exclusive holder writes who it is into the file and
 * empties it when done; text found there on taking the lock is a run that died (kill -9, a crash),
 * reported with a warning.
 */
final class RunLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final boolean exclusive;

    private RunLock(FileChannel channel, FileLock lock, boolean exclusive) {
        this.channel = channel;
        this.lock = lock;
        this.exclusive = exclusive;
    }

    static Path file(Path out) { return out.resolve(".cohortex").resolve("run.lock"); }

    /** The whole folder for this process; a second run on it stops with the first one's pid. */
    static RunLock exclusive(Path out) { return take(out, true); }

    /** Shared with other `run --unit` processes; refused while a whole run holds the folder. */
    static RunLock shared(Path out) { return take(out, false); }

    private static RunLock take(Path out, boolean exclusive) {
        Path f = file(out);
        FileChannel ch = null;
        try {
            Files.createDirectories(f.getParent());
            ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock(0, Long.MAX_VALUE, !exclusive);
            } catch (OverlappingFileLockException e) {
                l = null; // held by this process (a test, or a run inside a run)
            }
            String holder = read(ch);
            if (l == null) {
                ch.close();
                throw new UserException(out + " is in use by another cohortex run ("
                        + (holder.isEmpty() ? "`run --unit` processes" : holder) + "); wait for it to finish, or give another --out");
            }
            if (exclusive) {
                if (!holder.isEmpty()) Log.warn("%s: taking over the lock of an earlier run that did not finish (%s)", out, holder);
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " on " + host() + " since "
                        + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(false);
            }
            return new RunLock(ch, l, exclusive);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UserException(f + ": the output folder cannot be locked (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Removes the temporary files ({@code .NAME*.part}, {@link org.cohortex.io.AtomicFile}'s) that a
     * killed run left in {@code out}: with the exclusive lock held nobody else is writing there.
     */
    int removeStaleParts(Path out) {
        if (!exclusive) throw new IllegalStateException("stale files are removed under the exclusive lock only");
        List<Path> parts;
        try (Stream<Path> s = Files.walk(out)) {
            parts = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".") && n.endsWith(".part") && Files.isRegularFile(p);
            }).toList();
            for (Path p : parts) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UserException(out + ": stale temporary files cannot be removed (" + e.getMessage() + ")", e);
        }
        if (!parts.isEmpty()) Log.info("%s: removed %d unfinished temporary files (*.part) of an earlier run", out, parts.size());
        return parts.size();
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(4096, ch.size()));
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) { }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this host";
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    /** A clean end: the file is emptied (nothing to report to the next run) and the lock released. */
    @Override
    public void close() {
        try {
            if (exclusive) channel.truncate(0);
            lock.release();
        } catch (IOException e) {
            Log.warn("%s: could not release cleanly (%s)", channel, e.getMessage());
        } finally {
            closeQuietly(channel);
        }
    }
}
