package org.cohortex.cli;

import java.nio.file.Files;
import java.nio.file.Path;


import picocli.CommandLine.Command;
import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.backend.CpuBackend;
import org.cohortex.backend.CudaBackend;
import org.cohortex.backend.CudaProbe;

@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"Lists the compute backends usable on this machine.",
                "For a GPU: model, memory, driver and its CUDA version, and which GEMM path the cuda backend takes",
                "(cuBLAS or our kernels); and what --backend auto picks."})
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
        CudaProbe p = CudaProbe.get();
        String auto = CpuBackend.isAvailable() ? "cpu" : "reference";
        if (p.usable()) {
            try (CudaBackend b = new CudaBackend(Backends.defaultThreads(), CudaBackend.Precision.FP64)) {
                System.out.printf("%-10s %-8s %s%n", "cuda", "yes", p);
                System.out.printf("%-10s %-8s GEMM: %s; FP64 non-tensor peak %.1f TFLOPS (estimate from SMs and clock)%n", "", "",
                        b.blasPath(), p.fp64PeakFlops() / 1e12);
                auto = "cuda";
            } catch (RuntimeException | LinkageError e) {
                System.out.printf("%-10s %-8s %s, but the backend could not start: %s%n", "cuda", "no", p, e.getMessage());
            }
        } else {
            System.out.printf("%-10s %-8s %s%s%n", "cuda", "no", p.reason(),
                    Files.isReadable(Path.of("/proc/driver/nvidia/version")) ? "" : " (no /proc/driver/nvidia/version)");
        }
        System.out.printf("auto -> %s%n", auto);
    }

    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim() + ", " + Runtime.getRuntime()
                        .availableProcessors() + " cores";
            }
        } catch (Exception ignored) { /* not Linux */ }
        return Runtime.getRuntime().availableProcessors() + " cores";
    }
}
