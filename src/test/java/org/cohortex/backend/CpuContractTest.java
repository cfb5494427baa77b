package org.cohortex.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.bytedeco.openblas.global.openblas;
import org.cohortex.linalg.DenseOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void lanesRunSideBySideAndRestoreOpenBlasThreads() {
        int rows = 4_000, cols = 8;
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch both = new CountDownLatch(2);
        DenseOps.IndexedRowFill fill = (k, i, dst, off) -> Arrays.fill(dst, off, off + cols, k + i);
        List<Integer> got = cpu.eachCrossprodOfRows(6, rows, cols, fill, (ops, k, g) -> {
            assertNotSame(cpu, ops, "each lane steps on its own ops");
            assertEquals(1, openblas.blas_get_num_threads(), "single-threaded BLAS in the lanes");
            if (seen.add(Thread.currentThread())) both.countDown();
            try { // the first two operands wait until two lanes hold one each: fails if the lanes ran one after another
                if (k < 2 && !both.await(20, TimeUnit.SECONDS)) throw new AssertionError("operands 0 and 1 were not side by side");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return k;
        });
        assertEquals(List.of(0, 1, 2, 3, 4, 5), got);
        assertEquals(2, openblas.blas_get_num_threads(), "OpenBLAS's thread count restored");
        assertThrows(ArithmeticException.class, () -> cpu.eachCrossprodOfRows(3, rows, cols, (k, i, dst, off) -> { }, (ops, k, g) -> {
            throw new ArithmeticException("x");
        }));
        assertEquals(2, openblas.blas_get_num_threads(), "restored after a failure too");
    }

    @Test
    void singleGramsOneAtATimePastTheLanesBudget() {
        checkSingleGrams(new SingleGrams() {
            @Override
            public <T> List<T> each(int count, int rows, int cols, DenseOps.FloatRowFill fill, DenseOps.GramStep<T> then) {
                return cpu.eachSingleCrossprodOfRows(count, rows, cols, fill, (ops, k, g) -> {
                    assertEquals(cpu, ops, "no lanes: this backend's ops");
                    return then.apply(ops, k, g);
                }, (long) rows * cols); // room for one operand: no lanes
            }
        });
    }
}
