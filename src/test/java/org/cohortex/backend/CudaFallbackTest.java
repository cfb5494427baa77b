package org.cohortex.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;

/** Without a usable GPU (CI), asking for cuda gives the cpu backend and a reason, never a crash. */
class CudaFallbackTest {
    @Test
    void cudaWithoutAGpuFallsBackToCpuWithAReason() {
        CudaProbe p = CudaProbe.get();
        assumeFalse(p.usable(), "a GPU is usable here: CudaBackendTest covers it");
        assertFalse(p.reason().isBlank());
        assertTrue(p.reason().contains("driver") || p.reason().contains("device") || p.reason().contains("JCuda"), p.reason());
        try (ComputeBackend b = Backends.create("cuda", 2); ComputeBackend auto = Backends.create("auto",
                2); CpuBackend cpu = new CpuBackend(2)) {
            assertEquals("cpu", b.name());
            assertEquals("cpu", auto.name());
            Random r = new Random(1);
            Mat x = BackendAgreementTest.design(r, 50, 4, false), y = BackendAgreementTest.responses(r, x, 20, 0);
            OlsFit f = b.olsSharedDesign(x, y), e = cpu.olsSharedDesign(x, y);
            for (int i = 0; i < f.beta.length; i++) assertEquals(e.beta[i], f.beta[i], 0.0);
        }
    }
}
