package org.cohortex.linalg;

/**
 * The heavy numerical operations of the pipeline, behind one seam so that the reference (oracle),
 * cpu (OpenBLAS) and, later, cuda implementations are interchangeable and tested against each
 * other (SPEC section 3). All matrices are row-major {@link Mat}; NaN in a response means missing.
 */
public interface ComputeBackend extends AutoCloseable {
    /** Short name used on the command line: reference, cpu, cuda. */
    String name();

    /** One line describing what runs underneath (library, threads, device). */
    String describe();

    /** op(A) op(B), op = transpose when the flag is set. */
    Mat gemm(Mat a, boolean transA, Mat b, boolean transB);

    /** A'A (cols x cols): the Gram matrix of the columns of A. */
    Mat crossprod(Mat a);

    /**
     * OLS of every row of Y (genes x n; NaN = not observed) on the shared design X (n x p, full
     * column rank). Genes with missing values are fitted on their observed samples only.
     */
    OlsFit olsSharedDesign(Mat x, Mat y);

    /**
     * Residual sums of squares of every row of Y (complete data) on the nested designs made of the
     * first {@code prefixes[k]} columns of X: result[k][gene]. Nested F tests (sva) need all of them.
     */
    default double[][] nestedRss(Mat x, int[] prefixes, Mat y) {
        double[][] out = new double[prefixes.length][];
        for (int k = 0; k < prefixes.length; k++) {
            int[] cols = new int[prefixes[k]];
            for (int j = 0; j < cols.length; j++) cols[j] = j;
            out[k] = olsSharedDesign(x.selectColumns(cols), y).rss;
        }
        return out;
    }

    /**
     * Solves the {@code batch} SPD systems A_k x_k = b_k, A_k p x p stacked in {@code a}
     * (batch*p*p), b_k stacked in {@code b} (batch*p). Returns x stacked (batch*p); a system that is
     * not positive definite gets NaN. {@code a} and {@code b} are left unchanged.
     */
    double[] solveSpdBatched(double[] a, double[] b, int batch, int p);

    /** All eigenpairs of a symmetric matrix, values descending. */
    SymmetricEigen symmetricEigen(Mat s);

    /** Eigenvalues only of a symmetric matrix, descending (cheaper where the backend can skip vectors). */
    default double[] symmetricEigenvalues(Mat s) { return symmetricEigen(s).values; }

    /**
     * The leading k singular triplets of A. Implementations may go through the Gram matrix of the
     * smaller side (exact in exact arithmetic; loses accuracy only for singular values near
     * sqrt(eps) times the largest, which the pipeline never uses).
     */
    ThinSvd thinSvd(Mat a, int k);

    @Override
    default void close() {}
}
