package org.cohortex.backend;

import org.cohortex.Log;
import org.cohortex.UserException;

import java.util.Locale;

/** Chooses a backend by name: auto | cuda | cpu | reference (auto = cuda when usable, else cpu). */
public final class Backends {
    private Backends() {}

    public static final String[] NAMES = {"auto", "cuda", "cpu", "reference"};

    public static ComputeBackend create(String name, int threads) {
        return create(name, threads, CudaBackend.Precision.FP64);
    }

    /**
     * {@code cuda} and {@code auto} fall back to cpu when no GPU can be used (no driver, no device,
     * a module that does not load), with one log line saying why: never a crash.
     */
    public static ComputeBackend create(String name, int threads, CudaBackend.Precision precision) {
        String n = name == null ? "auto" : name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "reference":
                return new ReferenceBackend();
            case "cpu":
                if (!CpuBackend.isAvailable()) {
                    throw new UserException("--backend cpu: the OpenBLAS native library could not be loaded on this machine ("
                            + CpuBackend.loadError() + "); use --backend reference");
                }
                return new CpuBackend(threads);
            case "cuda": {
                Cuda cuda = openCuda(threads, precision);
                if (cuda.backend() != null) return cuda.backend();
                Log.warn("--backend cuda: %s; using the cpu backend (same results, within the agreement contract)", cuda.unusable());
                return cpuOrReference(threads);
            }
            case "auto": {
                if (CudaProbe.driverPresent()) {
                    Cuda cuda = openCuda(threads, precision);
                    if (cuda.backend() != null) return cuda.backend();
                    Log.info("backend auto: cpu (%s)", cuda.unusable());
                }
                return cpuOrReference(threads);
            }
            default:
                throw new UserException("unknown backend '" + name + "': choose one of auto, cuda, cpu, reference");
        }
    }

    private static ComputeBackend cpuOrReference(int threads) {
        if (CpuBackend.isAvailable()) return new CpuBackend(threads);
        Log.warn("OpenBLAS could not be loaded (%s); falling back to the reference backend", CpuBackend.loadError());
        return new ReferenceBackend();
    }

    /** The cuda backend, or why it cannot be used here. */
    private record Cuda(ComputeBackend backend, String unusable) {}

    private static Cuda openCuda(int threads, CudaBackend.Precision precision) {
        CudaProbe p = CudaProbe.get();
        if (!p.usable()) return new Cuda(null, p.reason());
        if (!CpuBackend.isAvailable()) {
            return new Cuda(null, "its host twin needs OpenBLAS, which could not be loaded (" + CpuBackend.loadError() + ")");
        }
        try {
            CudaBackend b = new CudaBackend(threads, precision);
            Log.info("backend cuda: %s", b.describe());
            return new Cuda(b, null);
        } catch (RuntimeException | LinkageError e) {
            return new Cuda(null, "the CUDA backend could not start on " + p.device() + " (" + e.getMessage() + ")");
        }
    }

    public static int defaultThreads() { return Math.max(1, Runtime.getRuntime().availableProcessors()); }
}
