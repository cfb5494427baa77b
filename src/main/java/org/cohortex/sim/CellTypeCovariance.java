package org.cohortex.sim;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.cohortex.io.MatrixWriter;
import org.cohortex.linalg.CholeskyDecomposition;
import org.cohortex.random.KeyedStreams;
import org.cohortex.random.Variates;

/**
 * Between-donor covariance of cell-type expression: per gene g the K x K covariance
 * Sigma_g = D_g R_g D_g of a sample's log2 cell-type deviations (K = 7, in
 * {@link CohortSimulator#CELL_TYPES} order; cortex uses the leading 6 x 6 block, OPCs being last).
 * <ul>
 * <li>SDs: D_g[k] = median_k x exp(0.35 z_gk + 0.2 u_g) x (1 + 0.7 / (1 + 2^(level_gk - 1))), at
 *   most 1.5: log-normal around type-specific medians (microglia and endothelial the most variable,
 *   neurons the least), a gene-wide component u_g (some genes vary in every type), heavier for
 *   genes lowly expressed in the type (level = the gene model's log2 level in that type).</li>
 * <li>Correlations: R_g = the correlation matrix of a Wishart(25, R0 / 25) draw (Bartlett), so
 *   positive definite, centred on the pattern R0 (excitatory-inhibitory 0.5, glia among themselves
 *   0.3, oligodendrocyte-OPC 0.4, endothelial-glia 0.2, neuron-glia 0.15, neuron-endothelial 0.1)
 *   with per-gene jitter of about 0.2 per entry.</li>
 * </ul>
 * SDs and correlations are rounded to 1e-5 and the Cholesky factor is taken of the rounded values,
 * so {@code truth/celltype_covariance.tsv.gz} holds exactly the parameters that were simulated.
 * Storage: sd genes x K, cor and chol genes x K x K row-major (chol lower, of R_g). Construction
 * costs about genes x (K^3 + K^2) flops.
 */
final class CellTypeCovariance {
    static final int K = CohortSimulator.CELL_TYPES.length;
    /**
     * Median SD (log2) per type: astrocyte, endothelial, excitatory, inhibitory, microglia, oligodendrocyte, OPC. Scaled so
     * that the root mean square SD over genes and types is the previous simulator's 0.2 (its iid noise per gene, donor and
     * type): the difficulty this model adds is structure (type- and gene-specific variances, correlations across types, a
     * reference from the same population), not more noise (microglia RMS 0.26, neurons 0.15).
     */
    static final double[] SD_MEDIAN = {0.14, 0.17, 0.11, 0.12, 0.19, 0.13, 0.14};
    static final double SD_TYPE_SPREAD = 0.35, SD_GENE_SPREAD = 0.2, LOW_EXPRESSION_BOOST = 0.7, SD_MAX = 1.5;
    static final int WISHART_DF = 25;
    /**
     * Share of Sigma_g that a donor carries in all of its regions; the rest is drawn per region, so
     * that one sample's deviation vector is N_K(0, Sigma_g) and two regions of a donor covary by 0.75 Sigma_g.
     */
    static final double DONOR_SHARED = 0.75;
    /** Random-stream purpose tag (per gene). */
    static final long STREAM = 70;

    final int genes;
    final double[] sd, cor, chol;

    CellTypeCovariance(GeneModel gm, long seed) {
        genes = gm.genes;
        sd = new double[genes * K];
        cor = new double[genes * K * K];
        chol = new double[genes * K * K];
        double[] l0 = pattern();
        if (!CholeskyDecomposition.factor(l0, 0, K)) throw new IllegalStateException("correlation pattern not positive definite");
        double[] w = new double[K * K];
        for (int g = 0; g < genes; g++) {
            SplittableRandom r = KeyedStreams.stream(seed, STREAM, g);
            double u = r.nextGaussian();
            for (int k = 0; k < K; k++) {
                double boost = 1 + LOW_EXPRESSION_BOOST / (1 + Math.pow(2, gm.cellLog2(g, k) - 1));
                double s = SD_MEDIAN[k] * Math.exp(SD_TYPE_SPREAD * r.nextGaussian() + SD_GENE_SPREAD * u) * boost;
                sd[g * K + k] = round5(Math.min(SD_MAX, s));
            }
            wishart(r, l0, w);
            int o = g * K * K;
            for (int i = 0; i < K; i++) {
                for (int j = 0; j < K; j++) cor[o + i * K + j] = i == j ? 1 : round5(w[i * K + j] / Math.sqrt(w[i * K + i] * w[j * K + j]));
            }
            System.arraycopy(cor, o, chol, o, K * K);
            if (!CholeskyDecomposition.factor(chol, o, K)) throw new IllegalStateException("R_g not positive definite for gene " + g);
        }
    }

    /** The pattern R0 around which every gene's correlation matrix is drawn (K x K, row-major). */
    static double[] pattern() {
        double[] r = new double[K * K];
        for (int i = 0; i < K; i++) for (int j = 0; j < K; j++) r[i * K + j] = i == j ? 1 : patternCorrelation(i, j);
        return r;
    }

    static double patternCorrelation(int a, int b) {
        boolean na = isNeuron(a), nb = isNeuron(b);
        boolean ea = a == CohortSimulator.ENDO, eb = b == CohortSimulator.ENDO;
        if (na && nb) return 0.5;
        if (na || nb) return ea || eb ? 0.1 : 0.15;
        if (ea || eb) return 0.2;
        boolean oligoLineage = Math.min(a, b) == CohortSimulator.OLIGO && Math.max(a, b) == CohortSimulator.OPC;
        return oligoLineage ? 0.4 : 0.3;
    }

    static boolean isNeuron(int k) { return k == CohortSimulator.EXC || k == CohortSimulator.INH; }

    /** W = L A A' L' with A the Bartlett factor of Wishart(df, I) and L = chol(R0); W / df has mean R0. */
    static void wishart(SplittableRandom r, double[] l0, double[] w) {
        double[] a = new double[K * K];
        for (int i = 0; i < K; i++) {
            a[i * K + i] = Math.sqrt(2 * Variates.gamma(r, (WISHART_DF - i) / 2.0));
            for (int j = 0; j < i; j++) a[i * K + j] = r.nextGaussian();
        }
        double[] la = new double[K * K]; // L A, both lower triangular
        for (int i = 0; i < K; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int m = j; m <= i; m++) s += l0[i * K + m] * a[m * K + j];
                la[i * K + j] = s;
            }
        }
        for (int i = 0; i < K; i++) {
            for (int j = 0; j < K; j++) {
                double s = 0;
                for (int m = 0; m <= Math.min(i, j); m++) s += la[i * K + m] * la[j * K + m];
                w[i * K + j] = s;
            }
        }
    }

    static double round5(double v) { return Math.round(v * 1e5) / 1e5; }

    /**
     * Adds {@code scale} x one draw of N_K(0, Sigma_g) to {@code out[off .. off+K)}: D_g L_g z with K
     * standard normals z from {@code r} (always K, whatever the panel, so streams stay aligned);
     * {@code z} is K doubles of scratch.
     */
    void draw(int g, SplittableRandom r, double scale, double[] out, int off, double[] z) {
        for (int k = 0; k < K; k++) z[k] = r.nextGaussian();
        int o = g * K * K;
        for (int i = 0; i < K; i++) {
            double s = 0;
            for (int m = 0; m <= i; m++) s += chol[o + i * K + m] * z[m];
            out[off + i] += scale * sd[g * K + i] * s;
        }
    }

    /** Sigma_g[i][j] = sd_i sd_j R_g[i][j]. */
    double covariance(int g, int i, int j) { return sd[g * K + i] * sd[g * K + j] * cor[g * K * K + i * K + j]; }

    /** {@code truth/celltype_covariance.tsv.gz}: per gene the K SDs, then the K(K-1)/2 correlations. */
    void write(Path file) {
        String[] t = CohortSimulator.CELL_TYPES;
        int cols = K + K * (K - 1) / 2;
        String[] names = new String[cols];
        double[] v = new double[genes * cols];
        int c = 0;
        for (int k = 0; k < K; k++) names[c++] = "sd_" + t[k];
        for (int i = 0; i < K; i++) for (int j = i + 1; j < K; j++) names[c++] = "cor_" + t[i] + "_" + t[j];
        for (int g = 0; g < genes; g++) {
            int o = g * cols;
            for (int k = 0; k < K; k++) v[o + k] = sd[g * K + k];
            int p = K;
            for (int i = 0; i < K; i++) for (int j = i + 1; j < K; j++) v[o + p++] = cor[g * K * K + i * K + j];
        }
        MatrixWriter.write(file, "gene", GeneModel.ids(genes), names, v);
    }

    /** The model's constants, for truth/celltype_model.json. */
    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Double> medians = new LinkedHashMap<>();
        for (int k = 0; k < K; k++) medians.put(CohortSimulator.CELL_TYPES[k], SD_MEDIAN[k]);
        m.put("sd_median_log2", medians);
        m.put("sd_formula", "median_k * exp(" + SD_TYPE_SPREAD + " z_gk + " + SD_GENE_SPREAD + " u_g) * (1 + " + LOW_EXPRESSION_BOOST
                + " / (1 + 2^(level_gk - 1))), at most " + SD_MAX);
        Map<String, Double> pat = new LinkedHashMap<>();
        String[] t = CohortSimulator.CELL_TYPES;
        for (int i = 0; i < K; i++) for (int j = i + 1; j < K; j++) pat.put(t[i] + "_" + t[j], patternCorrelation(i, j));
        m.put("correlation_pattern", pat);
        m.put("correlation_draw", "R_g = correlation of Wishart(" + WISHART_DF + ", pattern / " + WISHART_DF + ")");
        m.put("donor_shared_fraction", DONOR_SHARED);
        m.put("sample_deviation", "sqrt(" + DONOR_SHARED + ") a_donor + sqrt(" + (1 - DONOR_SHARED)
                + ") b_donor_region, a and b ~ N_K(0, Sigma_g)");
        m.put("files", List.of("truth/celltype_covariance.tsv.gz"));
        return m;
    }
}
