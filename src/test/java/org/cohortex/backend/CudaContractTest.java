package org.cohortex.backend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The backend contract on the cuda backend, every size on the device and every device output
 * poisoned with NaN first; skipped without a usable GPU (CI), run by benchmarks/gpu-check.sh on one.
 */
class CudaContractTest extends BackendContractTest {
    private static CudaBackend cuda;

    @BeforeAll
    static void open() {
        CudaProbe p = CudaProbe.get();
        assumeTrue(p.usable(), "no usable GPU: " + p.reason());
        cuda = new CudaBackend(2, CudaBackend.Precision.FP64, new CudaBackend.Tuning(0, true));
    }

    @AfterAll
    static void close() {
        if (cuda != null) cuda.close();
    }

    @Override
    ComputeBackend backend() { return cuda; }
}
