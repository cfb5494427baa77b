package org.cohortex.prs;

import java.util.Arrays;
import java.util.List;

import org.cohortex.linalg.ComputeBackend;
import org.cohortex.linalg.Mat;

/**
 * Scores at GWAS p-value thresholds, all thresholds in one GEMM: S (samples x thresholds) =
 * X (samples x variants) W (variants x thresholds), W[j][t] = beta_j when p_j <= threshold t.
 * X holds A1 counts, a missing call replaced by the variant's mean count 2p over the scored
 * samples (plink --score's default mean imputation). Reported as sums and as PRSice-2's default
 * "avg" (sum divided by twice the number of variants at that threshold).
 */
public final class PolygenicScore {
    public record Scores(double[] thresholds, int[] variantCounts, Mat sums) {
        public double avg(int sample, int t) { return variantCounts[t] == 0 ? 0 : sums.get(sample, t) / (2.0 * variantCounts[t]); }
    }

    private PolygenicScore() {}

    public static Scores compute(PlinkFileset fs, List<SummaryStatistics.Matched> snps, int[] samples, double[] thresholds,
            ComputeBackend backend) {
        int n = samples.length, m = snps.size(), t = thresholds.length;
        int[] variants = new int[m];
        for (int k = 0; k < m; k++) variants[k] = snps.get(k).bimIndex();
        // order by .bim index for streaming; remember where each goes
        Integer[] ord = new Integer[m];
        for (int k = 0; k < m; k++) ord[k] = k;
        Arrays.sort(ord, (a, b) -> Integer.compare(variants[a], variants[b]));
        int[] sorted = new int[m];
        for (int k = 0; k < m; k++) sorted[k] = variants[ord[k]];
        int[] counts = new int[t];
        Mat sums = new Mat(n, t);
        int block = 2048;
        double[] xb = new double[n * block], wb = new double[block * t];
        int[] filled = {0};
        Runnable flush = () -> {
            int b = filled[0];
            if (b == 0) return;
            Mat x = new Mat(b, n, Arrays.copyOf(xb, b * n));
            Mat w = new Mat(b, t, Arrays.copyOf(wb, b * t));
            Mat s = backend.gemm(x, true, w, false);
            for (int i = 0; i < sums.data.length; i++) sums.data[i] += s.data[i];
            filled[0] = 0;
        };
        fs.stream(sorted, samples, (pos, g) -> {
            SummaryStatistics.Matched snp = snps.get(ord[pos]);
            long s = 0;
            int c = 0;
            for (byte v : g) if (v >= 0) { s += v; c++; }
            double mean = c == 0 ? 0 : (double) s / c;
            int row = filled[0];
            for (int i = 0; i < n; i++) xb[row * n + i] = g[i] >= 0 ? g[i] : mean;
            for (int k = 0; k < t; k++) {
                boolean in = snp.p() <= thresholds[k];
                wb[row * t + k] = in ? snp.beta() : 0;
                if (in) counts[k]++;
            }
            if (++filled[0] == block) flush.run();
        });
        flush.run();
        return new Scores(thresholds.clone(), counts, sums);
    }
}
