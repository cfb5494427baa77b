package org.cohortex.deconv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.cohortex.UserException;
import org.cohortex.io.ExpressionMatrix;
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

    /** bulk: genes x samples on the linear scale (CPM). */
    public static Result run(ExpressionMatrix bulk, Signature sig, Method method, int permutations, long seed) {
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
        IntStream.range(0, n).parallel().forEach(j -> {
            double[] y = new double[m];
            for (int i = 0; i < m; i++) y[i] = bulk.values.data[bulkRows.get(i) * n + j];
            NuSvr.Fit f = fit(method, x, xs, m, k, y);
            System.arraycopy(f.w(), 0, props, j * k, k);
            rmse[j] = f.rmse();
            r[j] = f.r();
            if (permutations > 0) {
                SplittableRandom rng = Sampling.stream(seed, 300, j);
                int exceed = 0;
                for (int b = 0; b < permutations; b++) {
                    double[] yr = new double[m];
                    for (int i = 0; i < m; i++) yr[i] = allValues[rng.nextInt(allValues.length)];
                    if (fit(method, x, xs, m, k, yr).r() >= f.r()) exceed++;
                }
                p[j] = (double) exceed / permutations;
            } else p[j] = Double.NaN;
        });
        return new Result(bulk.samples, sig.cellTypes(), props, rmse, r, p, m);
    }

    static NuSvr.Fit fit(Method method, double[] x, double[] xs, int m, int k, double[] y) {
        if (method == Method.NUSVR) return NuSvr.fit(xs, m, k, standardiseVector(y));
        double[] w = Nnls.solve(x, m, k, y);
        return NuSvr.score(w, xs, m, k, standardiseVector(y), Double.NaN);
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
