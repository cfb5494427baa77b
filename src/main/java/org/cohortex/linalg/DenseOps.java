package org.cohortex.linalg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The dense operations every analysis builds on, behind one seam so that the reference (oracle),
 * cpu (OpenBLAS) and cuda implementations are interchangeable and tested against each other. All
 * matrices are row-major {@link Mat}; NaN in a response means missing.
 */
public interface DenseOps {
    /** Short name used on the command line: reference, cpu, cuda. */
    String name();

    /** One line describing what runs underneath (library, threads, device). */
    String describe();

    /** op(A) op(B), op = transpose when the flag is set: 2 m n k flops. */
    Mat gemm(Mat a, boolean transA, Mat b, boolean transB);

    /** A'A (cols x cols): the Gram matrix of the columns of A, rows x cols^2 flops. */
    Mat crossprod(Mat a);

    /** Writes row i of a matrix (cols values) at dst[off ..]; called from several threads, for distinct rows. */
    interface RowFill {
        void row(int i, double[] dst, int off);
    }

    /**
     * {@link #crossprod} of the rows x cols matrix whose rows {@code fill} writes (rows filled in parallel, each once),
     * for a matrix made only to be multiplied (sva's permuted and weighted copies): a backend that copies its operand
     * to its own memory can have the rows written there, skipping the heap matrix and the copy (48 MB each at 20,000 x
     * 300). The same values go into the same product, so the result is crossprod's bit for bit.
     */
    default Mat crossprodOfRows(int rows, int cols, RowFill fill) {
        Mat a = new Mat(rows, cols);
        IntStream.range(0, rows).parallel().forEach(i -> fill.row(i, a.data, i * cols));
        return crossprod(a);
    }

    /** Writes row i of operand r (cols values) at dst[off ..]; called from several threads, for distinct (r, i). */
    interface IndexedRowFill {
        void row(int operand, int i, double[] dst, int off);
    }

    /** What is done with each Gram matrix of {@link #eachCrossprodOfRows}, on the ops it is handed. */
    interface GramStep<T> {
        T apply(DenseOps ops, int operand, Mat gram);
    }

    /**
     * For r = 0 .. count - 1: then(ops, r, A_r'A_r), A_r (rows x cols) written row by row by {@code fill}; results
     * in r order (num.sv be's permutations: count products of rows x cols^2 flops, each followed by small n x n work).
     * Default: one after another, {@link #crossprodOfRows} on this backend, {@code then} handed this backend. A
     * backend may run several r at once, each on ops of its own (cpu: one lane per thread, single-threaded BLAS):
     * {@code then} must use only the ops it is handed and be safe to run concurrently for distinct r.
     */
    default <T> List<T> eachCrossprodOfRows(int count, int rows, int cols, IndexedRowFill fill, GramStep<T> then) {
        List<T> out = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            final int operand = r;
            out.add(then.apply(this, r, crossprodOfRows(rows, cols, (i, dst, off) -> fill.row(operand, i, dst, off))));
        }
        return out;
    }

    /** Writes row i of operand r (cols float values) at dst[off ..]; called from several threads, for distinct (r, i). */
    interface FloatRowFill {
        void row(int operand, int i, float[] dst, int off);
    }

    /**
     * {@link #eachCrossprodOfRows} of float operands, for products that only feed comparisons their caller re-checks
     * in double where they are close (num.sv be's null): a backend may accumulate in single precision (cpu: SSYRK,
     * twice DSYRK's rate and half its bytes), so each Gram is A_r'A_r to single precision. Default: the rows widened
     * to double, each product exact to double precision.
     */
    default <T> List<T> eachSingleCrossprodOfRows(int count, int rows, int cols, FloatRowFill fill, GramStep<T> then) {
        return eachCrossprodOfRows(count, rows, cols, (r, i, dst, off) -> {
            float[] row = new float[cols]; // rows are filled from several threads
            fill.row(r, i, row, 0);
            for (int j = 0; j < cols; j++) dst[off + j] = row[j];
        }, then);
    }

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
                Mat g = crossprod(new Mat(count, n, rows.length == count * n ? rows : Arrays.copyOf(rows, count * n)));
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
     * {@code moments}: y's {@link RowMoments}, computed once by a caller that fits the same y several times.
     */
    default double[][] nestedRss(Mat x, int[] prefixes, Mat y, RowMoments moments) { return nestedRss(x, prefixes, y); }

    /** One response matrix fitted against nested designs given one at a time: see {@link #nestedRssOf}. */
    interface NestedRssFits extends AutoCloseable {
        /** {@link #nestedRss(Mat, int[], Mat, RowMoments)} of the fixed y on this design. */
        double[][] nestedRss(Mat x, int[] prefixes);

        @Override
        default void close() {}
    }

    /**
     * Nested RSS of one y (complete data) on designs given later, one at a time (irw-sva fits the same y on new SVs
     * in each iteration). Default: each call is {@link #nestedRss(Mat, int[], Mat, RowMoments)}; a backend that copies
     * y into memory of its own for the product may keep it there until the fits are closed (cpu: 48 MB at 20,000 x 300
     * not copied again per design), with the same results. y must not change while the fits are open.
     */
    default NestedRssFits nestedRssOf(Mat y, RowMoments moments) { return (x, prefixes) -> nestedRss(x, prefixes, y, moments); }

    /**
     * As {@link #nestedRss(Mat, int[], Mat, RowMoments)} without y's row moments: a backend that needs them computes
     * them. The four-argument form takes them from a caller that fits the same y several times; a backend may ignore
     * them (the default does).
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
}
