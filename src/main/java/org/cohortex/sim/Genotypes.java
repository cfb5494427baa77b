package org.cohortex.sim;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.cohortex.UserException;
import org.cohortex.io.AtomicFile;
import org.cohortex.random.KeyedStreams;
import org.cohortex.random.Shuffles;
import org.cohortex.random.Variates;

/**
 * Genotypes of the donors and GWAS summary statistics of a much larger notional study.
 *
 * Haplotypes: within LD blocks an AR(1) latent Gaussian per haplotype (rho 0.85-0.98) is
 * thresholded at each SNP's allele frequency, so LD decays with distance and blocks are
 * independent; each haplotype comes from one of two populations (Balding-Nichols, Fst 0.08) with a
 * probability set by the donor's ancestry PC 1, so PCA recovers structure. Genotype = sum of two
 * haplotypes (HWE by construction), except the planted traps: related pairs (one haplotype per
 * block shared), samples with excess or deficient heterozygosity, samples and SNPs with high
 * missingness, HWE violators, duplicate SNP ids, rare SNPs; chrX is hemizygous in genetic males,
 * and a few donors' reported sex (.fam, pheno) disagrees with their genetic sex.
 */
final class Genotypes {
    final int n, snps;
    /** snps x n genotype = count of A1 alleles (0,1,2), -1 missing. */
    final byte[] g;
    final String[] snpId, a1, a2;
    final int[] chr, bp;
    final double[] freqA1;
    final boolean[] geneticFemale;
    /** Causal SNPs and their true per-A1 effects on the liability. */
    final int[] causal;
    final double[] causalBeta;
    /** Standardised genetic value (true score) per donor. */
    final double[] geneticValue;
    final Map<String, List<String>> traps = new LinkedHashMap<>();

    static final String[][] ALLELE_PAIRS = {{"A", "C"}, {"A", "G"}, {"C", "T"}, {"G", "T"}, {"A", "T"}, {"C", "G"}};
    static final int[] CHR_WEIGHT = {249, 242, 198, 190, 181, 171, 159, 145, 138, 134, 135, 133, 114, 107, 102, 90, 83, 80, 59, 64, 47, 51};

    Genotypes(CohortSimulator.Preset preset, long seed, String[] ids, boolean[] reportedFemale, double[] ancestry) {
        n = ids.length;
        int autosomal = preset.snps, xSnps = Math.max(600, autosomal / 20);
        snps = autosomal + xSnps;
        SplittableRandom r = KeyedStreams.stream(seed, 60);
        g = new byte[snps * n];
        snpId = new String[snps];
        a1 = new String[snps];
        a2 = new String[snps];
        chr = new int[snps];
        bp = new int[snps];
        freqA1 = new double[snps];

        geneticFemale = reportedFemale.clone();
        List<String> sexMismatch = new ArrayList<>();
        for (int i : Shuffles.sample(r, n, Math.max(2, n / 100))) {
            geneticFemale[i] = !reportedFemale[i];
            sexMismatch.add(ids[i]);
        }
        traps.put("sex_mismatch", sexMismatch);
        // population of origin probability per donor from ancestry PC1 (standardised, logistic)
        double[] popB = new double[n];
        double m = Arrays.stream(ancestry).average().orElse(0), s = Math.sqrt(Arrays.stream(ancestry).map(x -> (x - m) * (x - m))
                .sum() / n);
        for (int i = 0; i < n; i++) popB[i] = 1 / (1 + Math.exp(-3 * (ancestry[i] - m) / s + 2));

        // layout: chromosomes, blocks, positions
        int totalW = Arrays.stream(CHR_WEIGHT).sum(), idx = 0;
        for (int c = 1; c <= 23; c++) {
            int count = c == 23 ? xSnps : (c == 22 ? autosomal - idx : (int) Math.round((double) autosomal * CHR_WEIGHT[c - 1] / totalW));
            int pos = 10_000 + r.nextInt(50_000);
            for (int k = 0; k < count; k++, idx++) {
                chr[idx] = c;
                pos += r.nextDouble() < 0.04 ? 50_000 + r.nextInt(150_000) : 500 + r.nextInt(6_000);
                bp[idx] = pos;
                snpId[idx] = "rs" + (100_000 + idx * 7 + r.nextInt(7));
                String[] pair = ALLELE_PAIRS[r.nextDouble() < 0.15 ? 4 + r.nextInt(2) : r.nextInt(4)];
                boolean flip = r.nextBoolean();
                a1[idx] = pair[flip ? 1 : 0];
                a2[idx] = pair[flip ? 0 : 1];
                // U-shaped MAF spectrum with ~8% below 0.01 (QC trap)
                double maf = r.nextDouble() < 0.08 ? 0.001 + 0.008 * r.nextDouble() : 0.01 + 0.49 * Math.pow(r.nextDouble(), 1.6);
                freqA1[idx] = maf;
            }
        }
        // haplotypes block by block
        NormalDistribution std = new NormalDistribution(null, 0, 1);
        double fst = 0.08;
        double[] thrA = new double[snps], thrB = new double[snps];
        for (int j = 0; j < snps; j++) {
            double p = freqA1[j];
            double pa = Variates.gamma(r, p * (1 - fst) / fst), pb = Variates.gamma(r, (1 - p) * (1 - fst) / fst);
            double pA = clampF(pa / (pa + pb)), pB2 = Variates.gamma(r, p * (1 - fst) / fst), pB3 = Variates.gamma(r,
                    (1 - p) * (1 - fst) / fst);
            double pB = clampF(pB2 / (pB2 + pB3));
            // keep rare SNPs rare in both populations; chrX undifferentiated so that the sex check
            // (F on chrX) separates the sexes cleanly, as it does within one ancestry
            if (p < 0.01 || chr[j] == 23) { pA = p; pB = p; }
            thrA[j] = std.inverseCumulativeProbability(pA);
            thrB[j] = std.inverseCumulativeProbability(pB);
        }
        int[] blockStart = blocks(r);
        byte[][] hap = new byte[2 * n][snps];
        for (int h = 0; h < 2 * n; h++) {
            SplittableRandom rh = KeyedStreams.stream(seed, 61, h);
            for (int b = 0; b + 1 < blockStart.length; b++) {
                boolean fromB = rh.nextDouble() < popB[h / 2];
                double rho = 0.85 + 0.13 * KeyedStreams.stream(seed, 62, b).nextDouble();
                double z = rh.nextGaussian();
                for (int j = blockStart[b]; j < blockStart[b + 1]; j++) {
                    z = rho * z + Math.sqrt(1 - rho * rho) * rh.nextGaussian();
                    hap[h][j] = (byte) (z < (fromB ? thrB[j] : thrA[j]) ? 1 : 0);
                }
            }
        }
        // related pairs: the second donor inherits one haplotype per block from the first
        List<String> related = new ArrayList<>();
        int[] rel = Shuffles.sample(r, n, 2 * Math.max(1, n / 100));
        for (int k = 0; k + 1 < rel.length; k += 2) {
            int parent = rel[k], child = rel[k + 1];
            for (int b = 0; b + 1 < blockStart.length; b++) {
                int from = 2 * parent + (r.nextBoolean() ? 1 : 0);
                for (int j = blockStart[b]; j < blockStart[b + 1]; j++) hap[2 * child][j] = hap[from][j];
            }
            related.add(ids[parent] + "," + ids[child]);
        }
        traps.put("related_pairs", related);
        for (int j = 0; j < snps; j++) {
            for (int i = 0; i < n; i++) {
                int v = hap[2 * i][j] + hap[2 * i + 1][j];
                if (chr[j] == 23 && !geneticFemale[i]) v = 2 * hap[2 * i][j]; // hemizygous
                g[j * n + i] = (byte) v;
            }
        }
        // heterozygosity outliers
        List<String> hetHigh = new ArrayList<>(), hetLow = new ArrayList<>();
        int[] het = Shuffles.sample(r, n, 3);
        for (int k = 0; k < het.length; k++) {
            int i = het[k];
            for (int j = 0; j < autosomal; j++) {
                int v = g[j * n + i];
                if (k < 2 && v != 1 && r.nextDouble() < 0.3) g[j * n + i] = 1;           // contamination-like excess
                if (k == 2 && v == 1 && r.nextDouble() < 0.5) g[j * n + i] = (byte) (r.nextBoolean() ? 0 : 2); // inbreeding-like
            }
            (k < 2 ? hetHigh : hetLow).add(ids[i]);
        }
        traps.put("heterozygosity_excess", hetHigh);
        traps.put("heterozygosity_deficit", hetLow);
        // missingness: background 0.2%, two samples at 5%, 1% of SNPs at 4%
        List<String> missSamples = new ArrayList<>();
        int[] ms = Shuffles.sample(r, n, 2);
        for (int i : ms) missSamples.add(ids[i]);
        boolean[] highMissSample = new boolean[n];
        for (int i : ms) highMissSample[i] = true;
        List<String> missSnps = new ArrayList<>(), hweSnps = new ArrayList<>();
        for (int j = 0; j < snps; j++) {
            boolean badSnp = r.nextDouble() < 0.01;
            if (badSnp) missSnps.add(snpId[j]);
            for (int i = 0; i < n; i++) {
                double rate = 0.002 + (highMissSample[i] ? 0.05 : 0) + (badSnp ? 0.04 : 0);
                if (r.nextDouble() < rate) g[j * n + i] = -1;
            }
        }
        traps.put("high_missing_samples", missSamples);
        traps.put("high_missing_snps", missSnps);
        // HWE violators: common autosomal SNPs with heterozygotes turned homozygous
        for (int k = 0; k < Math.max(5, autosomal / 2000); k++) {
            int j = r.nextInt(autosomal);
            if (freqA1[j] < 0.2) continue;
            for (int i = 0; i < n; i++) if (g[j * n + i] == 1) g[j * n + i] = (byte) (r.nextBoolean() ? 0 : 2);
            hweSnps.add(snpId[j]);
        }
        traps.put("hwe_violators", hweSnps);
        // duplicate SNP ids: a neighbour takes the same id
        List<String> dups = new ArrayList<>();
        for (int k = 0; k < Math.max(3, autosomal / 5000); k++) {
            int j = 1 + r.nextInt(autosomal - 2);
            if (chr[j] != chr[j - 1]) continue;
            snpId[j] = snpId[j - 1];
            dups.add(snpId[j]);
        }
        traps.put("duplicate_snp_ids", dups);

        // causal SNPs (common, autosomal) and the true genetic value
        int nc = Math.max(50, preset.snps / 200);
        causal = new int[nc];
        causalBeta = new double[nc];
        int found = 0;
        while (found < nc) {
            int j = r.nextInt(autosomal);
            if (freqA1[j] < 0.05) continue;
            causal[found] = j;
            causalBeta[found++] = r.nextGaussian();
        }
        double[] gv = new double[n];
        for (int c = 0; c < nc; c++) {
            int j = causal[c];
            for (int i = 0; i < n; i++) {
                int v = g[j * n + i];
                gv[i] += causalBeta[c] * (v < 0 ? 2 * freqA1[j] : v);
            }
        }
        geneticValue = Donors.standardise(gv);
    }

    static double clampF(double p) { return Math.max(0.002, Math.min(0.998, p)); }

    private int[] blocks(SplittableRandom r) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int j = 1; j < snps; j++) {
            int last = starts.get(starts.size() - 1);
            if (chr[j] != chr[j - 1] || bp[j] - bp[j - 1] > 50_000 || j - last >= 20 + r.nextInt(60)) starts.add(j);
        }
        starts.add(snps);
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** PLINK 1 binary fileset: .bed (SNP-major), .bim, .fam (reported sex). */
    void writePlink(Path prefix, String[] ids, boolean[] reportedFemale) {
        AtomicFile.write(Path.of(prefix + ".fam"), w -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) sb.append(ids[i]).append(' ').append(ids[i]).append(" 0 0 ").append(reportedFemale[i] ? 2 : 1)
                    .append(" -9\n");
            w.write(sb.toString());
        });
        AtomicFile.write(Path.of(prefix + ".bim"), w -> {
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < snps; j++) {
                sb.append(chr[j] == 23 ? "X" : Integer.toString(chr[j])).append('\t').append(snpId[j]).append("\t0\t").append(bp[j])
                        .append('\t').append(a1[j]).append('\t').append(a2[j]).append('\n');
                if (sb.length() > 60_000) { w.write(sb.toString()); sb.setLength(0); }
            }
            w.write(sb.toString());
        });
        Path bed = Path.of(prefix + ".bed");
        Path tmp = Path.of(prefix + ".bed.part");
        int bytesPerSnp = (n + 3) / 4;
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            os.write(new byte[] {0x6c, 0x1b, 0x01});
            byte[] row = new byte[bytesPerSnp];
            for (int j = 0; j < snps; j++) {
                Arrays.fill(row, (byte) 0);
                for (int i = 0; i < n; i++) {
                    int v = g[j * n + i];
                    // PLINK 1 codes: 00 hom A1, 01 missing, 10 het, 11 hom A2
                    int code = v < 0 ? 1 : v == 2 ? 0 : v == 1 ? 2 : 3;
                    row[i >> 2] |= (byte) (code << ((i & 3) * 2));
                }
                os.write(row);
            }
        } catch (IOException e) {
            throw new UserException(bed + ": cannot be written (" + e.getMessage() + ")");
        }
        try {
            Files.move(tmp, bed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserException(bed + ": cannot be written (" + e.getMessage() + ")");
        }
    }
}
