package org.cohortex.de;

import org.cohortex.linalg.DenseOps;

/** What the DE engine computes with: the dense operations and the Freedman-Lane kernel (one backend object serves both). */
public interface DeKernels extends DenseOps, FreedmanLaneKernel {}
