package org.cohortex.backend;

/** The backend contract on the reference backend (Apache Commons Math, the oracle). */
class ReferenceContractTest extends BackendContractTest {
    private final ComputeBackend backend = new ReferenceBackend();

    @Override
    ComputeBackend backend() { return backend; }
}
