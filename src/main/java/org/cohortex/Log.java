package org.cohortex;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Minimal stderr logger: one timestamped line per event, so runs can be read as a log. Engines that
 * a grid runs many times take a {@link Sink} instead, so the grid can keep their progress lines
 * quiet without a global switch.
 */
public final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** Where an engine's progress lines and warnings go. */
    public interface Sink {
        void info(String fmt, Object... args);

        void warn(String fmt, Object... args);
    }

    /** Everything to stderr. */
    public static final Sink STDERR = new Sink() {
        @Override
        public void info(String fmt, Object... args) { Log.info(fmt, args); }

        @Override
        public void warn(String fmt, Object... args) { Log.warn(fmt, args); }
    };

    /** Warnings only: what a grid unit shows while a progress bar or a per-unit line tells the rest. */
    public static final Sink WARNINGS = new Sink() {
        @Override
        public void info(String fmt, Object... args) { /* the unit runner reports progress */ }

        @Override
        public void warn(String fmt, Object... args) { Log.warn(fmt, args); }
    };

    private Log() {}

    public static void info(String fmt, Object... args) {
        System.err.println(LocalTime.now().format(TIME) + " " + String.format(fmt, args));
    }

    public static void warn(String fmt, Object... args) {
        System.err.println(LocalTime.now().format(TIME) + " WARNING " + String.format(fmt, args));
    }
}
