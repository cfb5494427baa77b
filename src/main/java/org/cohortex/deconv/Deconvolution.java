package org.cohortex.deconv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.cohortex.UserException;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.linalg.ComputeBackend;
import org.cohortex.sim.Sampling;

/**
 * Cell-type proportions of bulk samples from a signature matrix (SPEC 4.2). nu-SVR follows
 * CIBERSORT: signature standardised as a whole, each mixture standardised, CoreAlg; the optional
 * p-value is CIBERSORT's: the share of random mixtures (genes' values drawn from all bulk values)
 * whose fit correlation reaches the sample's. NNLS fits the linear-scale mixture directly.
 */
public final class Deconvolution {
    public enum Method { NUSVR, NNLS }

    public record Result(String[] samples, String[] cellTypes, double[] proportions, double[] rmse, double[] r, double[] p, int genesUsed) {}

    private Deconvolution() {}

    /** bulk: genes x samples on the linear scale (CPM). NNLS fits go through the backend in one batch. */
    public static Result run(ExpressionMatrix bulk, Signature sig, Method method, int permutations, long seed, ComputeBackend backend) {
        Map<String, Integer> row = new HashMap<>();
        for (int g = 0; g < bulk.geneCount(); g++) row.put(bulk.genes[g], g);
        List<Integer> sigRows = new ArrayList<>(), bulkRows = new ArrayList<>();
        for (int i = 0; i < sig.genes().length; i++) {
            Integer r = row.get(sig.genes()[i]);
            if (r != null) { sigRows.add(i); bulkRows.add(r); }
        }
        int k = sig.k(), m = sigRows.size(), n = bulk.sampleCount();
        if (m < 2 * k) {
            throw new UserException("only " + m + " of the " + sig.genes().length + " signature genes are in the bulk matrix (need at least " + (2 * k)
                    + "): do the gene identifiers match?");
        }
        double[] x = new double[m * k];
        for (int i = 0; i < m; i++) System.arraycopy(sig.values(), sigRows.get(i) * k, x, i * k, k);
        double[] xs = standardise(x);
        double[] props = new double[n * k], rmse = new double[n], r = new double[n], p = new double[n];
        double[] allValues = bulk.values.data;
        double[] mixtures = new double[n * m];
        for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) mixtures[j * m + i] = bulk.values.data[bulkRows.get(i) * n + j];
        NuSvr.Fit[] fits = fitAll(method, x, xs, m, k, mixtures, n, backend);
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
                    SplittableRandom rng = Sampling.stream(seed, 300, first + jj);
                    for (int b = 0; b < permutations; b++) {
                        int off = (jj * permutations + b) * m;
                        for (int i = 0; i < m; i++) random[off + i] = allValues[rng.nextInt(allValues.length)];
                    }
                });
                NuSvr.Fit[] nulls = fitAll(method, x, xs, m, k, random, gl * permutations, backend);
                for (int jj = 0; jj < gl; jj++) {
                    int exceed = 0;
                    for (int b = 0; b < permutations; b++) if (nulls[jj * permutations + b].r() >= fits[first + jj].r()) exceed++;
                    p[first + jj] = (double) exceed / permutations;
                }
            }
        }
        return new Result(bulk.samples, sig.cellTypes(), props, rmse, r, p, m);
    }

    /** Fits of every mixture (rows of y, count x m): nu-SVR one by one in parallel, NNLS as one backend batch. */
    static NuSvr.Fit[] fitAll(Method method, double[] x, double[] xs, int m, int k, double[] y, int count, ComputeBackend backend) {
        NuSvr.Fit[] out = new NuSvr.Fit[count];
        if (method == Method.NUSVR) {
            NuSvr.Problem prob = new NuSvr.Problem(xs, m, k);
            IntStream.range(0, count).parallel().forEach(j -> out[j] = NuSvr.fit(prob, standardiseVector(java.util.Arrays.copyOfRange(y, j * m, (j + 1) * m))));
            return out;
        }
        double[] w = backend.nnlsBatched(x, m, k, y, count);
        IntStream.range(0, count).parallel().forEach(j -> out[j] = NuSvr.score(java.util.Arrays.copyOfRange(w, j * k, (j + 1) * k), xs, m, k,
                standardiseVector(java.util.Arrays.copyOfRange(y, j * m, (j + 1) * m)), Double.NaN));
        return out;
    }

    /** (X - mean(X)) / sd(X) over all entries, as CIBERSORT. */
    static double[] standardise(double[] x) {
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
