package org.cohortex.prs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Variant and sample filters of the paper's genotype QC, in plink 1.9's order of operations:
 * duplicate variant ids (every copy removed, as plink2 --rm-dup exclude-all), sample call rate
 * (--mind), variant call rate (--geno), Hardy-Weinberg exact test (--hwe; chrX on females only),
 * minor allele frequency (--maf). Rates and frequencies are computed over the samples still kept
 * at that step, as plink does. Two passes over the .bed.
 */
public final class GenotypeQc {
    public record Settings(double maf, double geno, double mind, double hwe) {
        public static Settings paper() { return new Settings(0.01, 0.01, 0.01, 1e-6); }
    }

    /** What one step removed: variant or sample indices into the fileset, with the reason. */
    public record Step(String name, String what, List<Integer> removed, String reason) {}

    public record Result(int[] variants, int[] samples, List<Step> steps) {}

    private GenotypeQc() {}

    public static Result run(PlinkFileset fs, int[] startSamples, Settings s) {
        List<Step> steps = new ArrayList<>();
        int m = fs.m();
        // 1. duplicate variant ids
        Map<String, Integer> seen = new HashMap<>();
        for (int j = 0; j < m; j++) seen.merge(fs.variants.get(j).id(), 1, Integer::sum);
        List<Integer> dup = new ArrayList<>(), vars = new ArrayList<>();
        for (int j = 0; j < m; j++) (seen.get(fs.variants.get(j).id()) > 1 ? dup : vars).add(j);
        steps.add(new Step("duplicate_ids", "variants", dup, "variant id occurs more than once in the .bim (every copy removed)"));
        int[] v = vars.stream().mapToInt(Integer::intValue).toArray();

        // 2. sample call rate over the remaining variants
        int[] missing = new int[fs.n()];
        // missing calls per sample straight from the packed bytes: code 01 marks a missing call
        fs.streamPacked(v, (pos, buf, off) -> {
            for (int b = 0; b < fs.bytesPerVariant; b++) {
                int x = buf[off + b] & 0xff;
                int miss = x & ~(x >>> 1) & 0x55; // low bit set, high bit clear
                while (miss != 0) {
                    int bit = Integer.numberOfTrailingZeros(miss);
                    missing[(b << 2) + (bit >>> 1)]++;
                    miss &= miss - 1;
                }
            }
        });
        int[] missingStart = new int[startSamples.length];
        for (int k = 0; k < startSamples.length; k++) missingStart[k] = missing[startSamples[k]];
        List<Integer> keptS = new ArrayList<>(), lowCall = new ArrayList<>();
        for (int i = 0; i < startSamples.length; i++) {
            if (v.length > 0 && (double) missingStart[i] / v.length > s.mind()) lowCall.add(startSamples[i]);
            else keptS.add(startSamples[i]);
        }
        steps.add(new Step("sample_call_rate", "samples", lowCall, "missing call rate > " + s.mind()));
        int[] samples = keptS.stream().mapToInt(Integer::intValue).toArray();
        boolean[] male = maleMask(fs, samples);

        // 3-5. per-variant call rate, HWE, MAF on the kept samples
        List<Integer> geno = new ArrayList<>(), hwe = new ArrayList<>(), maf = new ArrayList<>(), kept = new ArrayList<>();
        AlleleCounts c = new AlleleCounts();
        // autosomes: counts over all samples by byte tables, minus the samples already removed
        boolean[] isKept = new boolean[fs.n()];
        for (int i : samples) isKept[i] = true;
        int[] dropped = IntStream.range(0, fs.n()).filter(i -> !isKept[i]).toArray();
        int[] all = new int[4];
        byte[] full = new byte[samples.length];
        fs.streamPacked(v, (pos, buf, off) -> {
            int j = v[pos];
            boolean x = fs.variants.get(j).x();
            if (x || samples.length < dropped.length) {
                fs.decode(buf, off, samples, full);
                c.count(full, male, x);
            } else {
                fs.countAll(buf, off, all);
                c.hom1 = all[0]; c.het = all[1]; c.hom2 = all[2]; c.missing = all[3];
                for (int i : dropped) {
                    int code = (buf[off + (i >> 2)] >> ((i & 3) * 2)) & 3;
                    if (code == 0) c.hom1--; else if (code == 2) c.het--; else if (code == 3) c.hom2--; else c.missing--;
                }
            }
            if (samples.length > 0 && (double) c.missing / samples.length > s.geno()) { geno.add(j); return; }
            double p = x ? HardyWeinberg.exactP(c.femHet, c.femHom1, c.femHom2) : HardyWeinberg.exactP(c.het, c.hom1, c.hom2);
            if (p < s.hwe()) { hwe.add(j); return; }
            double f = c.a1Freq(x);
            if (!(AlleleCounts.maf(f) >= s.maf())) { maf.add(j); return; }
            kept.add(j);
        });
        steps.add(new Step("variant_call_rate", "variants", geno, "missing call rate > " + s.geno()));
        steps.add(new Step("hwe", "variants", hwe, "Hardy-Weinberg exact p < " + s.hwe() + " (chrX: females)"));
        steps.add(new Step("maf", "variants", maf, "minor allele frequency < " + s.maf()));
        return new Result(kept.stream().mapToInt(Integer::intValue).toArray(), samples, steps);
    }

    static boolean[] maleMask(PlinkFileset fs, int[] samples) {
        boolean[] male = new boolean[samples.length];
        for (int k = 0; k < samples.length; k++) male[k] = fs.samples.get(samples[k]).sex() == 1;
        return male;
    }
}
