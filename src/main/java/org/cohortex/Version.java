package org.cohortex;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, from a resource filtered by Maven. */
public final class Version {
    private Version() {}

    public static String get() { return property("version"); }

    /** The OpenBLAS build bundled for the cpu backend (org.bytedeco:openblas version). */
    public static String openblas() { return property("openblas"); }

    private static String property(String key) {
        try (InputStream in = Version.class.getResourceAsStream("/cohortex-version.properties")) {
            if (in == null) return "dev";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty(key, "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
