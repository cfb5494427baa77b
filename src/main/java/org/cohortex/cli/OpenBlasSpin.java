package org.cohortex.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenBLAS's worker threads keep spinning for 2^OPENBLAS_THREAD_TIMEOUT cycles after every threaded call (default 2^28,
 * about 0.1 s here; OpenBLAS reads the variable once, when the library loads), taking a core from the Java threads
 * that run between BLAS calls: the shuffles, F tests and lfdr of SVA, the cell-type model's per-gene algebra. With
 * the variable at 4 (the smallest OpenBLAS accepts) the demo grid took 125.7 s instead of 133.3 s, its DE units 26.7 s
 * instead of 29.2 s and its cell-type units 31.7 s instead of 35.9 s, with 10% less CPU time (benchmarks/RESULTS.md).
 * A JVM cannot set its own environment before a native library reads it, so {@link Main#main} starts the same JVM
 * again with the variable, unless it is set already (any value: the user's choice is kept) or the JVM runs an agent,
 * a debugger or a flight recording (the second JVM would compete for its port or file).
 */
final class OpenBlasSpin {
    static final String VARIABLE = "OPENBLAS_THREAD_TIMEOUT";
    static final String VALUE = "4";
    /** Set in the relaunched JVM: the pid of the JVM that launched it, which it outlives by at most a second. */
    static final String PARENT = "COHORTEX_LAUNCHER_PID";

    private OpenBlasSpin() {}

    /** The exit code of the same command run in a JVM with the variable set, or -1 when this JVM should run it. */
    static int relaunch(String[] args) {
        if (System.getenv(VARIABLE) != null) return -1;
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String a : jvm) {
            if (a.startsWith("-agentlib") || a.startsWith("-agentpath") || a.startsWith("-javaagent") || a.startsWith("-Xrunjdwp")
                    || a.startsWith("-XX:StartFlightRecording") || a.startsWith("-XX:FlightRecorderOptions")) return -1;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put(VARIABLE, VALUE);
        pb.environment().put(PARENT, Long.toString(ProcessHandle.current().pid()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return -1; // no second JVM: run here, with the spinning
        }
        // SIGTERM / SIGINT / SIGHUP here end the second JVM too; after a SIGKILL it notices within a second (watchLauncher)
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        while (true) {
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroy();
            }
        }
    }

    /** In a relaunched JVM: halt (exit 143, as after SIGTERM) once the launching JVM is gone. */
    static void watchLauncher() {
        String pid = System.getenv(PARENT);
        if (pid == null) return;
        long launcher;
        try {
            launcher = Long.parseLong(pid);
        } catch (NumberFormatException e) {
            return;
        }
        Thread t = new Thread(() -> {
            while (ProcessHandle.of(launcher).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(143);
        }, "cohortex-launcher-watch");
        t.setDaemon(true);
        t.start();
    }

    /** One line for --version: the variable's value and where it came from. */
    static String describe() {
        String v = System.getenv(VARIABLE);
        if (v == null) return "OpenBLAS threads spin 2^28 cycles after each call (" + VARIABLE + " unset)";
        return VARIABLE + "=" + v + (System.getenv(PARENT) != null ? " (set by cohortex's launcher)" : " (from the environment)");
    }
}
