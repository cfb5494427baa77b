package org.cohortex.de;

/**
 * The device kernel of the Freedman-Lane permutation test: exceedance and step-down counts for a
 * block of permutations of a prepared problem. The CPU twin is {@link FreedmanLane#countsByGemm};
 * a device backend keeps the residuals resident across blocks.
 */
public interface FreedmanLaneKernel {
    /** Counts for {@code count} permutations (perms: count x n sample indices) of {@code prob}. */
    FreedmanLane.Counts freedmanLaneCounts(FreedmanLane.Problem prob, int[] perms, int count);
}
