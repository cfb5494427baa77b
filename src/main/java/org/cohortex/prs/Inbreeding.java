package org.cohortex.prs;

/**
 * Method-of-moments inbreeding coefficient F per sample, as plink 1.9's --het (autosomes) and
 * --check-sex (chrX): over the sample's called, polymorphic variants, O = observed homozygous
 * calls, E = sum of 1 - 2p(1-p) with p the A1 frequency in the samples analysed, N = called
 * variants; F = (O - E) / (N - E). plink leaves out the 2N/(2N-1) small-sample factor by default,
 * and so do we. Frequencies on chrX count hemizygous males once (as plink's).
 */
public final class Inbreeding {
    /** Per sample: observed homozygous, expected homozygous, called variants, F. */
    public record Table(int[] observedHom, double[] expectedHom, int[] called, double[] f) {}

    private Inbreeding() {}

    public static Table compute(PlinkFileset fs, int[] variants, int[] samples, boolean chrX) {
        int n = samples.length;
        int[] het = new int[n], called = new int[n];
        double[] expected = new double[n];
        boolean[] male = GenotypeQc.maleMask(fs, samples);
        AlleleCounts c = new AlleleCounts();
        fs.stream(variants, samples, (pos, g) -> {
            boolean x = fs.variants.get(variants[pos]).x();
            if (x != chrX) return;
            c.count(g, male, x);
            // plink's frequency here: all nonmissing calls, diploid coding, except hemizygous X males
            double p = chrX ? c.a1Freq(true) : c.a1Freq(false);
            if (!(p >= 1e-8 && p <= 1 - 1e-8)) return;
            double e = 1 - 2 * p * (1 - p);
            for (int i = 0; i < n; i++) {
                int v = g[i];
                if (v < 0) continue;
                called[i]++;
                expected[i] += e;
                if (v == 1) het[i]++;
            }
        });
        int[] obs = new int[n];
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            obs[i] = called[i] - het[i];
            f[i] = called[i] == 0 ? Double.NaN : (obs[i] - expected[i]) / (called[i] - expected[i]);
        }
        return new Table(obs, expected, called, f);
    }
}
