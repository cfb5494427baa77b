package org.cohortex.sim;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import org.cohortex.stats.StudentT;

/**
 * Benchmark-sized genotypes (PLINK 1 binary) with realistic LD, GWAS summary statistics and a
 * binary trait, written in streaming fashion so that 3,000 x 1,000,000 fits in little memory.
 * LD: within a block of 20-80 variants every haplotype copies one of 8 founder haplotypes (1%
 * per-site mutation), so r^2 decays between blocks as in real data and pruning/clumping have
 * work to do. 0.2% missing calls. Not the paper cohort (see CohortSimulator); a speed fixture.
 *   java -cp cohortex.jar org.cohortex.sim.LargeGenotypes SAMPLES VARIANTS OUTDIR [SEED]
 */
public final class LargeGenotypes {
    private LargeGenotypes() {}

    public static void main(String[] args) throws IOException {
        int n = Integer.parseInt(args[0]), m = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        // layout: blocks and positions
        int[] blockStart = new int[m / 20 + 2];
        int blocks = 0;
        SplittableRandom r = new SplittableRandom(seed);
        for (int j = 0; j < m; ) {
            blockStart[blocks++] = j;
            j += 20 + r.nextInt(61);
        }
        blockStart[blocks] = m;
        int[] chr = new int[m];
        long[] bp = new long[m];
        int perChr = (m + 21) / 22;
        long pos = 0;
        for (int j = 0; j < m; j++) {
            chr[j] = 1 + j / perChr;
            if (j % perChr == 0) pos = 10_000;
            pos += 500 + r.nextInt(5_000);
            bp[j] = pos;
        }
        String[][] pairs = {{"A", "C"}, {"A", "G"}, {"C", "T"}, {"G", "T"}, {"A", "T"}, {"C", "G"}};
        int bytesPer = (n + 3) / 4;
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out.resolve("cohort.bed")), 1 << 20);
             Writer bim = Files.newBufferedWriter(out.resolve("cohort.bim"));
             Writer ss = new BufferedWriter(new OutputStreamWriter(
                     new GZIPOutputStream(Files.newOutputStream(out.resolve("sumstats.tsv.gz")), 1 << 16)), 1 << 16)) {
            os.write(new byte[] {0x6c, 0x1b, 0x01});
            ss.write("SNP\tCHR\tBP\tA1\tA2\tBETA\tSE\tP\tMAF\tINFO\n");
            int chunk = 64; // blocks per parallel chunk
            for (int b0 = 0; b0 < blocks; b0 += chunk) {
                int b1 = Math.min(blocks, b0 + chunk);
                int v0 = blockStart[b0], v1 = blockStart[b1];
                byte[] rows = new byte[(v1 - v0) * bytesPer];
                double[] freq = new double[v1 - v0];
                IntStream.range(b0, b1).parallel().forEach(b -> {
                    SplittableRandom rb = new SplittableRandom(seed * 1_000_003L + b);
                    int s0 = blockStart[b], s1 = blockStart[b + 1], len = s1 - s0, k = 8;
                    boolean[][] founder = new boolean[k][len];
                    for (int j = 0; j < len; j++) {
                        double p = 0.02 + 0.96 * rb.nextDouble();
                        for (int f = 0; f < k; f++) founder[f][j] = rb.nextDouble() < p;
                    }
                    int[] pick = new int[2 * n];
                    for (int h = 0; h < 2 * n; h++) pick[h] = rb.nextInt(k);
                    for (int j = 0; j < len; j++) {
                        int off = (s0 - v0 + j) * bytesPer, a1 = 0, called = 0;
                        for (int i = 0; i < n; i++) {
                            int g = (founder[pick[2 * i]][j] ^ rb.nextDouble() < 0.01 ? 1 : 0) + (founder[pick[2 * i
                                    + 1]][j] ^ rb.nextDouble() < 0.01 ? 1 : 0);
                            boolean miss = rb.nextDouble() < 0.002;
                            int code = miss ? 1 : g == 2 ? 0 : g == 1 ? 2 : 3;
                            if (!miss) { a1 += g; called++; }
                            rows[off + (i >> 2)] |= (byte) (code << ((i & 3) * 2));
                        }
                        freq[s0 - v0 + j] = called == 0 ? 0.5 : a1 / (2.0 * called);
                    }
                });
                os.write(rows);
                StringBuilder sb = new StringBuilder(), sbs = new StringBuilder();
                for (int j = v0; j < v1; j++) {
                    SplittableRandom rj = new SplittableRandom(seed * 7_000_003L + j);
                    String[] pr = pairs[rj.nextDouble() < 0.15 ? 4 + rj.nextInt(2) : rj.nextInt(4)];
                    String id = "rs" + (1_000_000 + j);
                    sb.append(chr[j]).append('\t').append(id).append("\t0\t").append(bp[j]).append('\t').append(pr[0]).append('\t')
                            .append(pr[1]).append('\n');
                    double f = Math.max(1e-3, Math.min(freq[j - v0], 1 - freq[j - v0]));
                    double se = 1 / Math.sqrt(2.0 * 400_000 * f * (1 - f));
                    double beta = (rj.nextDouble() < 0.002 ? 5 * se * rj.nextGaussian() : 0) + se * rj.nextGaussian();
                    boolean swap = rj.nextDouble() < 0.1;
                    sbs.append(id).append('\t').append(chr[j]).append('\t').append(bp[j]).append('\t').append(swap ? pr[1] : pr[0])
                            .append('\t').append(swap ? pr[0] : pr[1])
                            .append('\t').append(String.format(Locale.ROOT, "%.6g\t%.6g\t%.6g\t%.4f\t%.3f", swap ? -beta : beta, se,
                                    StudentT.twoSidedP(beta / se, 1e7), f,
                                    rj.nextDouble() < 0.05 ? 0.5 : 0.9)).append('\n');
                }
                bim.write(sb.toString());
                ss.write(sbs.toString());
            }
        }
        try (Writer fam = Files.newBufferedWriter(out.resolve("cohort.fam"));
             Writer ph = Files.newBufferedWriter(out.resolve("pheno.tsv"))) {
            ph.write("sample\ttrait\n");
            SplittableRandom rp = new SplittableRandom(seed + 99);
            for (int i = 0; i < n; i++) {
                String id = String.format(Locale.ROOT, "S%06d", i + 1);
                fam.write(id + " " + id + " 0 0 " + (1 + rp.nextInt(2)) + " -9\n");
                ph.write(id + "\t" + rp.nextInt(2) + "\n");
            }
        }
        System.out.printf(Locale.ROOT, "%d samples x %d variants -> %s in %.1f s%n", n, m, out, (System.nanoTime() - t0) / 1e9);
    }
}
