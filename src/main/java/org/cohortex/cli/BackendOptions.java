package org.cohortex.cli;

import org.cohortex.linalg.Backends;
import org.cohortex.linalg.ComputeBackend;

import picocli.CommandLine.Option;

/** --backend and --threads, shared by every command that computes. */
public final class BackendOptions {
    @Option(names = "--backend", paramLabel = "auto|cuda|cpu|reference", defaultValue = "auto",
            description = "Compute backend (default: ${DEFAULT-VALUE}; auto = cuda when usable, else cpu).")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    ComputeBackend create() {
        return Backends.create(backend, threads == null ? Backends.defaultThreads() : threads);
    }
}
