package org.cohortex.random;

import java.util.SplittableRandom;

/**
 * SplittableRandom streams keyed by a seed and any number of tags (purpose, region, gene, ...), so a
 * draw depends on what it is for, never on the thread that makes it or the order of the work.
 */
public final class KeyedStreams {
    private KeyedStreams() {}

    /** The stream of (seed, tags...). */
    public static SplittableRandom stream(long seed, long... tags) { return new SplittableRandom(key(seed, tags)); }

    /** The seed of {@link #stream}'s SplittableRandom, for code that draws the same values without the object. */
    public static long key(long seed, long... tags) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long t : tags) h = mix(h ^ mix(t + 0x632BE59BD9B4E019L));
        return h;
    }

    /** Stafford's mix13 finaliser (as in SplittableRandom). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
