package org.cohortex;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Minimal stderr logger: one timestamped line per event, so runs can be read as a log. */
public final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static volatile boolean quiet = false;
    private static volatile PrintStream out = System.err;

    private Log() {}

    public static void setQuiet(boolean q) { quiet = q; }

    public static void setStream(PrintStream s) { out = s; }

    public static void info(String fmt, Object... args) {
        if (!quiet) out.println(LocalTime.now().format(TIME) + " " + String.format(fmt, args));
    }

    public static void warn(String fmt, Object... args) {
        out.println(LocalTime.now().format(TIME) + " WARNING " + String.format(fmt, args));
    }
}
