package org.cohortex.io;

import org.cohortex.UserException;

/**
 * Names that become folder or file names (regions, traits, cell-type labels from a collaborator's
 * file): one path component, printable, never "." or "..", so that no name can write outside the
 * output folder or nest folders where one was meant.
 */
public final class SafeNames {
    private SafeNames() {}

    /** Why {@code name} cannot be one path component, or null when it can. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) return "empty";
        if (name.equals(".") || name.equals("..")) return "'" + name + "' is a folder reference";
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') return "it contains the path separator '" + c + "'";
            if (c < 0x20 || c == 0x7f) return "it contains a control character (code " + (int) c + ")";
        }
        if (name.length() > 200) return "longer than 200 characters";
        return null;
    }

    /** {@code name}, after checking it is one safe path component; {@code what} says where it came from. */
    public static String require(String name, String what) {
        String p = problem(name);
        if (p != null) throw new UserException(what + " '" + name + "' cannot name a file or folder: " + p);
        return name;
    }
}
