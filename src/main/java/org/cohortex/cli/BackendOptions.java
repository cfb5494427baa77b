package org.cohortex.cli;

import java.util.Arrays;
import java.util.Locale;

import org.cohortex.UserException;

import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.backend.CudaBackend;
import picocli.CommandLine.Option;

/** --backend and --threads, shared by every command that computes. */
public final class BackendOptions {
    @Option(names = "--backend", paramLabel = "auto|cuda|cpu|reference", defaultValue = "auto",
            description = "Compute backend (default: ${DEFAULT-VALUE}; auto = cuda when usable, else cpu).")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--precision", paramLabel = "fp64|fp32", defaultValue = "fp64",
            description = {"Dense products on the cuda backend in FP32 (relative error ~1e-6 of |A||B|; OLS, permutation",
                    "statistics and the sampler stay FP64). Other backends compute in FP64 (default: ${DEFAULT-VALUE})."})
    String precision;

    /** The options' values, before anything is read: a usage error (exit 2) names the option. */
    void check() {
        if (threads != null) Check.atLeast("--threads", threads, 1);
        if (!Arrays.asList(Backends.NAMES).contains(backend.toLowerCase(Locale.ROOT))) {
            throw new UserException("--backend " + backend + ": choose one of " + String.join(", ", Backends.NAMES));
        }
        Parse.enumValue(CudaBackend.Precision.class, "--precision", precision);
    }

    ComputeBackend create() {
        return Backends.create(backend, threads == null ? Backends.defaultThreads() : threads,
                Parse.enumValue(CudaBackend.Precision.class, "--precision", precision));
    }
}
