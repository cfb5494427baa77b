package org.cohortex.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.cohortex.linalg.Backends;
import org.cohortex.linalg.ComputeBackend;
import org.cohortex.linalg.CpuBackend;

import picocli.CommandLine.Command;

@Command(name = "devices", mixinStandardHelpOptions = true, description = "Lists the compute backends usable on this machine.")
final class DevicesCommand implements Runnable {
    @Override
    public void run() {
        System.out.printf("%-10s %-8s %s%n", "backend", "usable", "details");
        System.out.printf("%-10s %-8s %s%n", "reference", "yes", "Apache Commons Math, single thread (the oracle)");
        if (CpuBackend.isAvailable()) {
            try (ComputeBackend b = Backends.create("cpu", Backends.defaultThreads())) {
                System.out.printf("%-10s %-8s %s; CPU: %s%n", "cpu", "yes", b.describe(), cpuModel());
            }
        } else {
            System.out.printf("%-10s %-8s %s%n", "cpu", "no", "OpenBLAS failed to load: " + CpuBackend.loadError());
        }
        Path nv = Path.of("/proc/driver/nvidia/version");
        String driver = Files.isReadable(nv) ? "NVIDIA driver present" : "no NVIDIA driver found";
        System.out.printf("%-10s %-8s %s%n", "cuda", "no", "not in this build yet; " + driver);
        System.out.printf("auto -> %s%n", CpuBackend.isAvailable() ? "cpu" : "reference");
    }

    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim() + ", " + Runtime.getRuntime().availableProcessors() + " cores";
            }
        } catch (Exception ignored) { /* not Linux */ }
        return Runtime.getRuntime().availableProcessors() + " cores";
    }
}
