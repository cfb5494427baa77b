package org.cohortex.deconv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.random.KeyedStreams;

/**
 * Cell-type proportions of bulk samples from a signature matrix. nu-SVR follows
 * CIBERSORT: signature standardised as a whole, each mixture standardised, CoreAlg; the optional
 * p-value is CIBERSORT's: the share of random mixtures (genes' values drawn from all bulk values)
 * whose fit correlation reaches the sample's. NNLS fits the linear-scale mixture directly; DWLS
 * ({@link Dwls}) weights every gene by its expected value, each sample with its own random stream.
 * rmse and r are always those of the standardised reconstruction, as CIBERSORT reports them.
 */
public final class Deconvolution {
    public enum Method { NUSVR, NNLS, DWLS }

    public record Result(String[] samples, String[] cellTypes, double[] proportions, double[] rmse, double[] r, double[] p,
            int genesUsed) {}

    /** Stream tags of {@link KeyedStreams#stream}: the samples' own fits, and the random mixtures of the p-value. */
    static final int FIT_STREAM = 310, NULL_STREAM = 311;

    private Deconvolution() {}

    /** bulk: genes x samples on the linear scale (CPM). NNLS fits go through the backend in one batch. */
    public static Result run(ExpressionMatrix bulk, Signature sig, Method method, int permutations, long seed, NnlsKernel backend) {
        return run(bulk, sig, method, permutations, seed, backend, Log.STDERR);
    }

    /** As above, the signature's diagnostics to {@code log} (a grid keeps its warnings in the unit's record). */
    public static Result run(ExpressionMatrix bulk, Signature sig, Method method, int permutations, long seed, NnlsKernel backend,
                             Log.Sink log) {
        Map<String, Integer> row = new HashMap<>();
        for (int g = 0; g < bulk.geneCount(); g++) row.put(bulk.genes[g], g);
        List<Integer> sigRows = new ArrayList<>(), bulkRows = new ArrayList<>();
        for (int i = 0; i < sig.genes().length; i++) {
            Integer r = row.get(sig.genes()[i]);
            if (r != null) { sigRows.add(i); bulkRows.add(r); }
        }
        int k = sig.k(), m = sigRows.size(), n = bulk.sampleCount();
        if (m < 2 * k) {
            throw new UserException("only " + m + " of the " + sig.genes().length
                    + " signature genes are in the bulk matrix (need at least " + (2 * k)
                    + "): do the gene identifiers match?");
        }
        double[] x = new double[m * k];
        for (int i = 0; i < m; i++) System.arraycopy(sig.values(), sigRows.get(i) * k, x, i * k, k);
        double[] xs = standardise(x);
        if (method != Method.DWLS) warnWhenFewGenesDecide(xs, m, k, sig.cellTypes(), log);
        double[] props = new double[n * k], rmse = new double[n], r = new double[n], p = new double[n];
        double[] allValues = bulk.values.data;
        double[] mixtures = new double[n * m];
        for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) mixtures[j * m + i] = bulk.values.data[bulkRows.get(i) * n + j];
        checkMixtures(bulk, mixtures, m, sig.genes(), sigRows);
        NuSvr.Fit[] fits = fitAll(method, x, xs, m, k, mixtures, n, backend, seed, 0, FIT_STREAM);
        for (int j = 0; j < n; j++) {
            System.arraycopy(fits[j].w(), 0, props, j * k, k);
            rmse[j] = fits[j].rmse();
            r[j] = fits[j].r();
            p[j] = Double.NaN;
        }
        if (permutations > 0) {
            // CIBERSORT's null: random mixtures drawn from all bulk values, each sample its own stream;
            // samples in groups so that the random mixtures in memory stay near 16M values
            int group = Math.max(1, Math.min(n, (1 << 24) / Math.max(1, permutations * m)));
            for (int j0 = 0; j0 < n; j0 += group) {
                int gl = Math.min(group, n - j0), first = j0;
                double[] random = new double[gl * permutations * m];
                IntStream.range(0, gl).parallel().forEach(jj -> {
                    SplittableRandom rng = KeyedStreams.stream(seed, 300, first + jj);
                    for (int b = 0; b < permutations; b++) {
                        int off = (jj * permutations + b) * m;
                        for (int i = 0; i < m; i++) random[off + i] = allValues[rng.nextInt(allValues.length)];
                    }
                });
                NuSvr.Fit[] nulls = fitAll(method, x, xs, m, k, random, gl * permutations, backend, seed, first * permutations,
                        NULL_STREAM);
                for (int jj = 0; jj < gl; jj++) {
                    int exceed = 0;
                    for (int b = 0; b < permutations; b++) if (nulls[jj * permutations + b].r() >= fits[first + jj].r()) exceed++;
                    p[first + jj] = (double) exceed / permutations;
                }
            }
        }
        return new Result(bulk.samples, sig.cellTypes(), props, rmse, r, p, m);
    }

    /**
     * Fits of every mixture (rows of y, count x m): nu-SVR and DWLS one by one in parallel (DWLS's
     * mixture i draws from stream (seed, tag, first + i), so results do not depend on threads), NNLS
     * as one backend batch.
     */
    static NuSvr.Fit[] fitAll(Method method, double[] x, double[] xs, int m, int k, double[] y, int count, NnlsKernel backend,
                              long seed, int first, int tag) {
        NuSvr.Fit[] out = new NuSvr.Fit[count];
        if (method == Method.DWLS) {
            int[] exponent = new int[count], iterations = new int[count];
            IntStream.range(0, count).parallel().forEach(j -> {
                double[] yj = Arrays.copyOfRange(y, j * m, (j + 1) * m);
                Dwls.Solution d = Dwls.solve(x, m, k, yj, KeyedStreams.stream(seed, tag, first + j));
                exponent[j] = d.j();
                iterations[j] = d.iterations();
                out[j] = NuSvr.score(d.x(), xs, m, k, standardiseVector(yj), Double.NaN);
            });
            if (tag == FIT_STREAM) {
                Arrays.sort(exponent);
                Arrays.sort(iterations);
                long capped = Arrays.stream(iterations).filter(i -> i >= Dwls.MAX_ITERATIONS).count();
                Log.info("dwls: weights capped at 2^(j-1), j median %d (%d-%d); iterations median %d, %d of %d mixtures stopped at %d",
                        exponent[count / 2], exponent[0], exponent[count - 1], iterations[count / 2], capped, count, Dwls.MAX_ITERATIONS);
            }
            return out;
        }
        if (method == Method.NUSVR) {
            NuSvr.Problem prob = new NuSvr.Problem(xs, m, k);
            IntStream.range(0, count).parallel().forEach(j -> out[j] = NuSvr.fit(prob, standardiseVector(Arrays.copyOfRange(y, j * m,
                    (j + 1) * m))));
            return out;
        }
        double[] w = backend.nnlsBatched(x, m, k, y, count);
        IntStream.range(0, count).parallel().forEach(j -> out[j] = NuSvr.score(Arrays.copyOfRange(w, j * k, (j + 1) * k), xs, m, k,
                standardiseVector(Arrays.copyOfRange(y, j * m, (j + 1) * m)), Double.NaN));
        return out;
    }

    /** Below 2 effective genes, one gene carries most of a cell type's column. */
    static final double FEW_EFFECTIVE_GENES = 2;

    /**
     * Effective number of genes of each cell type in the standardised signature: (sum_g z_g^2)^2 /
     * sum_g z_g^4 (the inverse participation ratio of the column's squares; m when every gene
     * counts alike, 1 when one gene carries the column). nu-SVR and NNLS fit the linear scale, so a
     * handful of very highly expressed genes can carry a cell type alone, and their own noise (and
     * any confounder they load on) goes straight into its estimate.
     */
    static double[] effectiveGenes(double[] xs, int m, int k) {
        double[] out = new double[k];
        for (int c = 0; c < k; c++) {
            double s2 = 0, s4 = 0;
            for (int g = 0; g < m; g++) {
                double z2 = xs[g * k + c] * xs[g * k + c];
                s2 += z2;
                s4 += z2 * z2;
            }
            out[c] = s4 > 0 ? s2 * s2 / s4 : 0;
        }
        return out;
    }

    private static void warnWhenFewGenesDecide(double[] xs, int m, int k, String[] types, Log.Sink log) {
        double[] eff = effectiveGenes(xs, m, k);
        StringBuilder all = new StringBuilder(), few = new StringBuilder();
        for (int c = 0; c < k; c++) {
            String one = types[c] + String.format(" %.1f", eff[c]);
            all.append(c > 0 ? ", " : "").append(one);
            if (eff[c] < FEW_EFFECTIVE_GENES) few.append(few.length() > 0 ? ", " : "").append(one);
        }
        log.info("signature: effective number of genes per cell type on CIBERSORT's standardised scale (of %d): %s", m, all);
        if (few.length() > 0) {
            log.warn("%s: one gene carries most of the signature, so the estimate follows that gene's noise;"
                    + " DWLS weighs every gene by its expected value (deconvolve --method dwls; in a run, analysis.deconvolution: dwls)",
                            few);
        }
    }

    /**
     * Every mixture must be finite and vary over the signature genes: CIBERSORT standardises each
     * one, so a constant mixture (a sample with no reads on those genes, say) has no fit at all.
     */
    private static void checkMixtures(ExpressionMatrix bulk, double[] mixtures, int m, String[] sigGenes, List<Integer> sigRows) {
        for (int j = 0; j < bulk.sampleCount(); j++) {
            double first = mixtures[j * m];
            boolean varies = false;
            for (int i = 0; i < m; i++) {
                double v = mixtures[j * m + i];
                if (!Double.isFinite(v)) {
                    throw new UserException("bulk sample '" + bulk.samples[j] + "', gene '" + sigGenes[sigRows.get(i)] + "': "
                            + (Double.isNaN(v) ? "NA" : "not finite") + "; deconvolution needs a value for every signature gene");
                }
                varies |= v != first;
            }
            if (!varies) {
                throw new UserException("bulk sample '" + bulk.samples[j] + "': all " + m + " signature genes have the same value ("
                        + first + "), so it cannot be deconvolved (no reads on them?)");
            }
        }
    }

    /** (X - mean(X)) / sd(X) over all entries, as CIBERSORT. */
    public static double[] standardise(double[] x) {
        double mean = 0;
        for (double v : x) mean += v;
        mean /= x.length;
        double ss = 0;
        for (double v : x) ss += (v - mean) * (v - mean);
        double sd = Math.sqrt(ss / (x.length - 1));
        double[] o = new double[x.length];
        for (int i = 0; i < x.length; i++) o[i] = (x[i] - mean) / sd;
        return o;
    }

    static double[] standardiseVector(double[] y) { return standardise(y); }
}
