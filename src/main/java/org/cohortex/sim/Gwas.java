package org.cohortex.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.cohortex.io.AtomicFile;
import org.cohortex.random.KeyedStreams;
import org.cohortex.stats.StudentT;

/**
 * Summary statistics of a notional GWAS of multisite chronic pain (N = 387,649, as Johnston et al.
 * 2019): true per-allele effects of the causal SNPs scaled to SNP heritability 0.1, propagated to
 * every SNP of the same LD block through the donors' own LD (marginal effect = sum_c beta_c
 * cov(x_j, x_c) / var(x_j)), plus sampling noise se = 1/sqrt(2 N p (1-p)). Written with the QC
 * traps of the paper's Methods, counted in truth/genotype_traps.json.
 */
final class Gwas {
    static final int N = 387_649;
    final double[] beta, se, p;
    /** Scale from causalBeta to per-allele effects on the standardised liability. */
    final double scale;
    final Map<String, Integer> trapCounts = new LinkedHashMap<>();

    Gwas(Genotypes geno, long seed) {
        int m = geno.snps, n = geno.n;
        SplittableRandom r = KeyedStreams.stream(seed, 70);
        double var = 0;
        for (int c = 0; c < geno.causal.length; c++) {
            double f = geno.freqA1[geno.causal[c]];
            var += geno.causalBeta[c] * geno.causalBeta[c] * 2 * f * (1 - f);
        }
        scale = Math.sqrt(0.1 / var);
        double[] marginal = new double[m];
        for (int c = 0; c < geno.causal.length; c++) {
            int jc = geno.causal[c];
            for (int j = Math.max(0, jc - 80); j < Math.min(m, jc + 80); j++) {
                if (geno.chr[j] != geno.chr[jc] || Math.abs(geno.bp[j] - geno.bp[jc]) > 250_000) continue;
                double[] cv = covariance(geno, j, jc, n);
                if (cv[1] > 0) marginal[j] += scale * geno.causalBeta[c] * cv[0] / cv[1];
            }
        }
        beta = new double[m];
        se = new double[m];
        p = new double[m];
        for (int j = 0; j < m; j++) {
            double f = Math.max(geno.freqA1[j], 1e-3);
            se[j] = 1 / Math.sqrt(2.0 * N * f * (1 - f));
            beta[j] = marginal[j] + se[j] * r.nextGaussian();
            p[j] = StudentT.twoSidedP(beta[j] / se[j], 1e7);
        }
    }

    /** {cov(x_j, x_c), var(x_j)} over donors with both genotypes. */
    private static double[] covariance(Genotypes g, int j, int c, int n) {
        double sj = 0, sc = 0, sjj = 0, sjc = 0;
        int k = 0;
        for (int i = 0; i < n; i++) {
            int a = g.g[j * n + i], b = g.g[c * n + i];
            if (a < 0 || b < 0) continue;
            sj += a; sc += b; sjj += a * a; sjc += a * b; k++;
        }
        if (k < 2) return new double[] {0, 0};
        return new double[] {(sjc - sj * sc / k) / (k - 1), (sjj - sj * sj / k) / (k - 1)};
    }

    static String complement(String a) {
        switch (a) {
            case "A": return "T";
            case "T": return "A";
            case "C": return "G";
            default: return "C";
        }
    }

    void write(Path file, Genotypes geno, long seed) {
        SplittableRandom r = KeyedStreams.stream(seed, 71);
        int dups = 0, flips = 0, swaps = 0, dropped = 0, extra = 0, lowInfo = 0;
        List<String> rows = new ArrayList<>();
        for (int j = 0; j < geno.snps; j++) {
            if (geno.chr[j] == 23) continue;
            if (r.nextDouble() < 0.03) { dropped++; continue; } // absent from the GWAS
            String x1 = geno.a1[j], x2 = geno.a2[j];
            double b = beta[j];
            boolean ambiguous = Gwas.complement(x1).equals(x2);
            if (!ambiguous && r.nextDouble() < 0.03) { x1 = complement(x1); x2 = complement(x2); flips++; }
            if (r.nextDouble() < 0.10) { String t = x1; x1 = x2; x2 = t; b = -b; swaps++; }
            double maf = Math.min(geno.freqA1[j], 1 - geno.freqA1[j]);
            maf = Math.max(0.0005, maf + 0.005 * r.nextGaussian() * Math.sqrt(maf));
            double info = r.nextDouble() < 0.08 ? 0.3 + 0.49 * r.nextDouble() : 0.8 + 0.2 * r.nextDouble();
            if (info < 0.8) lowInfo++;
            String row = geno.snpId[j] + "\t" + geno.chr[j] + "\t" + geno.bp[j] + "\t" + x1 + "\t" + x2 + "\t" + sig(b) + "\t"
                    + sig(se[j]) + "\t"
                    + sig(p[j]) + "\t" + sig(Math.min(0.5, maf)) + "\t" + sig(info);
            rows.add(row);
            if (r.nextDouble() < 0.002) { rows.add(row); dups++; }
        }
        for (int k = 0; k < geno.snps / 20; k++) {
            double bb = 0.002 * r.nextGaussian();
            rows.add("rs" + (90_000_000 + k) + "\t" + (1 + r.nextInt(22)) + "\t" + (1000 + r.nextInt(200_000_000)) + "\tA\tG\t" + sig(bb)
                    + "\t0.003\t"
                    + sig(StudentT.twoSidedP(bb / 0.003, 1e7)) + "\t" + sig(0.01 + 0.4 * r.nextDouble()) + "\t0.95");
            extra++;
        }
        trapCounts.put("duplicate_rows", dups);
        trapCounts.put("strand_flipped", flips);
        trapCounts.put("allele_swapped", swaps);
        trapCounts.put("low_info", lowInfo);
        trapCounts.put("bim_snps_absent_from_gwas", dropped);
        trapCounts.put("gwas_snps_absent_from_bim", extra);
        AtomicFile.write(file, w -> {
            w.write("SNP\tCHR\tBP\tA1\tA2\tBETA\tSE\tP\tMAF\tINFO\n");
            StringBuilder sb = new StringBuilder();
            for (String row : rows) {
                sb.append(row).append('\n');
                if (sb.length() > 60_000) { w.write(sb.toString()); sb.setLength(0); }
            }
            w.write(sb.toString());
        });
    }

    static String sig(double v) { return String.format(Locale.ROOT, "%.6g", v); }
}
