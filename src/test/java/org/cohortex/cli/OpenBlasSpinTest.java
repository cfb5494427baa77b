package org.cohortex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Main's relaunch with OPENBLAS_THREAD_TIMEOUT set, run as a user runs it: a separate JVM. */
class OpenBlasSpinTest {
    static Process start(String timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove(OpenBlasSpin.VARIABLE);
        pb.environment().remove(OpenBlasSpin.PARENT);
        if (timeout != null) pb.environment().put(OpenBlasSpin.VARIABLE, timeout);
        return pb.start();
    }

    static String output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void relaunchesWithTheVariableKeepsTheUsersValueAndTheExitCode() throws Exception {
        Process p = start(null, "--version");
        String out = output(p);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("OPENBLAS_THREAD_TIMEOUT=4 (set by cohortex's launcher)"), out);
        p = start("28", "--version");
        out = output(p);
        assertTrue(out.contains("OPENBLAS_THREAD_TIMEOUT=28 (from the environment)"), out);
        p = start(null, "de"); // missing options: picocli's usage error, through the second JVM
        out = output(p);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("Missing required options"), out);
    }

    @Test
    void theSecondJvmEndsWhenTheLauncherIsKilled() throws Exception {
        // a long computation (GEMMs of 9,000 x 9,000, about 20 s each on one thread) in the relaunched JVM
        Process launcher = start(null, "bench", "--backends", "cpu", "--workloads", "gemm", "--gemm-size", "9000", "--threads", "1");
        Optional<ProcessHandle> child = Optional.empty();
        for (int i = 0; i < 300 && child.isEmpty(); i++) {
            child = launcher.toHandle().children().findFirst();
            if (child.isEmpty()) Thread.sleep(100);
        }
        assertTrue(child.isPresent(), "the launcher started a second JVM");
        try {
            Thread.sleep(1000);
            assertTrue(child.get().isAlive(), "the second JVM is computing");
            launcher.destroyForcibly(); // SIGKILL: no shutdown hook runs in the launcher
            assertTrue(launcher.waitFor(10, TimeUnit.SECONDS));
            child.get().onExit().get(15, TimeUnit.SECONDS);
            assertFalse(child.get().isAlive(), "the second JVM stopped after its launcher was killed");
        } finally {
            child.get().destroyForcibly(); // never leave it computing, whatever failed
        }
    }
}
