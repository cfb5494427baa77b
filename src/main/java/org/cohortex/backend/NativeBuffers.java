package org.cohortex.backend;

import org.bytedeco.javacpp.DoublePointer;

/**
 * Native double buffers kept across calls, one per slot, grown on demand. Allocating fresh
 * native memory per call cost ~130 ms for a 32 MB block here (allocation, page faults and
 * JavaCPP's GC accounting) against ~5 ms to refill a warm buffer. Not thread-safe: the owning
 * backend serialises the calls that use it.
 */
final class NativeBuffers implements AutoCloseable {
    private final DoublePointer[] slots;

    NativeBuffers(int n) { slots = new DoublePointer[n]; }

    DoublePointer get(int slot, long doubles) {
        DoublePointer p = slots[slot];
        if (p == null || p.capacity() < doubles) {
            if (p != null) p.close();
            p = new DoublePointer(Math.max(1, doubles));
            slots[slot] = p;
        }
        return p;
    }

    @Override
    public void close() {
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) slots[i].close();
            slots[i] = null;
        }
    }
}
