package org.cohortex.linalg;

import org.cohortex.Log;
import org.cohortex.UserException;

/** Chooses a backend by name: auto | cuda | cpu | reference (SPEC section 3). */
public final class Backends {
    private Backends() {}

    public static final String[] NAMES = {"auto", "cuda", "cpu", "reference"};

    public static ComputeBackend create(String name, int threads) {
        String n = name == null ? "auto" : name.toLowerCase(java.util.Locale.ROOT);
        switch (n) {
            case "reference":
                return new ReferenceBackend();
            case "cpu":
                if (!CpuBackend.isAvailable()) {
                    throw new UserException("--backend cpu: the OpenBLAS native library could not be loaded on this machine ("
                            + CpuBackend.loadError() + "); use --backend reference");
                }
                return new CpuBackend(threads);
            case "cuda":
                throw new UserException("--backend cuda: the CUDA backend is not part of this build yet; use --backend cpu or auto");
            case "auto":
                if (CpuBackend.isAvailable()) return new CpuBackend(threads);
                Log.warn("OpenBLAS could not be loaded (%s); falling back to the reference backend", CpuBackend.loadError());
                return new ReferenceBackend();
            default:
                throw new UserException("unknown backend '" + name + "': choose one of auto, cuda, cpu, reference");
        }
    }

    public static int defaultThreads() { return Math.max(1, Runtime.getRuntime().availableProcessors()); }
}
