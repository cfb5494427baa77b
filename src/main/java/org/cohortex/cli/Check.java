package org.cohortex.cli;

import org.cohortex.UserException;

/**
 * Range checks of command-line options, run inside {@link Parse#usage} before anything is read, so
 * that a value out of range is a usage error (exit 2) naming the option.
 */
final class Check {
    private Check() {}

    static void atLeast(String flag, long v, long min) {
        if (v < min) throw new UserException(flag + " " + v + ": must be " + min + " or more");
    }

    /** lo <= v <= hi, or lo < v <= hi with {@code openLow} (a p threshold or a share of 0 means nothing). */
    static void between(String flag, double v, double lo, double hi, boolean openLow) {
        if (!((openLow ? v > lo : v >= lo) && v <= hi)) {
            throw new UserException(flag + " " + v + ": must be in " + (openLow ? "(" : "[") + num(lo) + ", " + num(hi) + "]");
        }
    }

    static void positive(String flag, double v) {
        if (!(v > 0 && Double.isFinite(v))) throw new UserException(flag + " " + v + ": must be a positive number");
    }

    static void nonNegative(String flag, double v) {
        if (!(v >= 0 && Double.isFinite(v))) throw new UserException(flag + " " + v + ": must be 0 or more");
    }

    private static String num(double v) { return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v); }
}
