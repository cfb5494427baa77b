package org.cohortex.backend;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Native double (and float) buffers kept across calls, one per slot, grown on demand. Allocating fresh
 * native memory per call cost ~130 ms for a 32 MB block here (allocation, page faults and
 * JavaCPP's GC accounting) against ~5 ms to refill a warm buffer. Not thread-safe: the owning
 * backend serialises the calls that use it.
 */
final class NativeBuffers implements AutoCloseable {
    private final DoublePointer[] slots;
    private final FloatPointer[] floatSlots;

    NativeBuffers(int n) {
        slots = new DoublePointer[n];
        floatSlots = new FloatPointer[n];
    }

    DoublePointer get(int slot, long doubles) {
        DoublePointer p = slots[slot];
        if (p == null || p.capacity() < doubles) {
            if (p != null) p.close();
            p = new DoublePointer(Math.max(1, doubles));
            slots[slot] = p;
        }
        return p;
    }

    /** The float buffer of a slot (apart from its double one), grown on demand. */
    FloatPointer getFloat(int slot, long floats) {
        FloatPointer p = floatSlots[slot];
        if (p == null || p.capacity() < floats) {
            if (p != null) p.close();
            p = new FloatPointer(Math.max(1, floats));
            floatSlots[slot] = p;
        }
        return p;
    }

    @Override
    public void close() {
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) slots[i].close();
            slots[i] = null;
            if (floatSlots[i] != null) floatSlots[i].close();
            floatSlots[i] = null;
        }
    }
}
