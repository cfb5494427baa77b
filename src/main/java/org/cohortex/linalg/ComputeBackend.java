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

    /** Sum of A_b'A_b over blocks of rows given one at a time (the genotype GRM): see {@link #gramAccumulator}. */
    interface GramAccumulator extends AutoCloseable {
        /** Adds the Gram matrix of {@code count} rows of length n stored row-major in {@code rows[0 .. count n)}. */
        void add(double[] rows, int count);

        /** The n x n sum so far (symmetric). */
        Mat result();

        @Override
        default void close() {}
    }

    /**
     * A Gram accumulator over row blocks. Default: one crossprod per block, summed on the host (each
     * block is a complete operation, so a device failure loses nothing); cpu keeps the sum in its
     * native buffer and adds with SYRK's beta = 1, saving an n x n copy and sum per block.
     */
    default GramAccumulator gramAccumulator(int n) {
        Mat acc = new Mat(n, n);
        return new GramAccumulator() {
            @Override
            public void add(double[] rows, int count) {
                Mat g = crossprod(new Mat(count, n, rows.length == count * n ? rows : java.util.Arrays.copyOf(rows, count * n)));
                for (int i = 0; i < acc.data.length; i++) acc.data[i] += g.data[i];
            }

            @Override
            public Mat result() { return acc.copy(); }
        };
    }

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

    /**
     * Freedman-Lane exceedance counts for {@code count} permutations (perms: count x n) of the
     * prepared problem: one GEMM of the reduced-model residuals with the permuted bases, then a
     * reduction per gene and permutation ({@link org.cohortex.stats.FreedmanLane}). The default is
     * the CPU twin through {@link #gemm}; a device backend keeps the residuals resident.
     */
    default org.cohortex.stats.FreedmanLane.Counts freedmanLaneCounts(org.cohortex.stats.FreedmanLane.Problem prob, int[] perms, int count) {
        return org.cohortex.stats.FreedmanLane.countsByGemm(this, prob, perms, count);
    }

    /**
     * NNLS min ||S x - b_j||, x >= 0, for every mixture b_j (rows of {@code b}, samples x m) against
     * one signature S (m x k): samples x k. Default: Lawson-Hanson per mixture
     * ({@link org.cohortex.deconv.Nnls}); cuda solves all mixtures at once in Gram form.
     */
    default double[] nnlsBatched(double[] s, int m, int k, double[] b, int samples) {
        double[] out = new double[samples * k];
        java.util.stream.IntStream.range(0, samples).parallel().forEach(j -> {
            double[] x = org.cohortex.deconv.Nnls.solve(s, m, k, java.util.Arrays.copyOfRange(b, j * m, (j + 1) * m));
            System.arraycopy(x, 0, out, j * k, k);
        });
        return out;
    }

    /**
     * bMIND-model Gibbs imputation ({@link org.cohortex.impute.CellTypeImputation#gibbs}); cuda runs
     * one device thread per gene on the same Philox streams.
     */
    default org.cohortex.impute.CellTypeImputation.Result gibbsImpute(double[] y, int genes, int n, double[] w, int k, double[] mu0,
                                                                     org.cohortex.impute.CellTypeImputation.Settings s) {
        return org.cohortex.impute.CellTypeImputation.gibbs(y, genes, n, w, k, mu0, s);
    }

    @Override
    default void close() {}
}
