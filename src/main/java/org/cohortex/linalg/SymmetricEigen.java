package org.cohortex.linalg;

/** Eigen-decomposition of a symmetric matrix: values in descending order, vectors as columns. */
public final class SymmetricEigen {
    /** Descending. */
    public final double[] values;
    /** n x n, column k is the eigenvector of values[k]. */
    public final Mat vectors;

    public SymmetricEigen(double[] values, Mat vectors) {
        this.values = values;
        this.vectors = vectors;
    }
}
