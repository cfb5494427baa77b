package org.cohortex.backend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The backend contract on the cpu backend (OpenBLAS); skipped where OpenBLAS cannot be loaded. */
class CpuContractTest extends BackendContractTest {
    private static CpuBackend cpu;

    @BeforeAll
    static void open() {
        assumeTrue(CpuBackend.isAvailable(), "OpenBLAS not loadable here");
        cpu = new CpuBackend(2);
    }

    @AfterAll
    static void close() {
        if (cpu != null) cpu.close();
    }

    @Override
    ComputeBackend backend() { return cpu; }
}
