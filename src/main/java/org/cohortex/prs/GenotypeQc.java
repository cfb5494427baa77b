package org.cohortex.prs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        int[] missing = new int[startSamples.length];
        fs.stream(v, startSamples, (pos, g) -> {
            for (int i = 0; i < g.length; i++) if (g[i] < 0) missing[i]++;
        });
        List<Integer> keptS = new ArrayList<>(), lowCall = new ArrayList<>();
        for (int i = 0; i < startSamples.length; i++) {
            if (v.length > 0 && (double) missing[i] / v.length > s.mind()) lowCall.add(startSamples[i]);
            else keptS.add(startSamples[i]);
        }
        steps.add(new Step("sample_call_rate", "samples", lowCall, "missing call rate > " + s.mind()));
        int[] samples = keptS.stream().mapToInt(Integer::intValue).toArray();
        boolean[] male = maleMask(fs, samples);

        // 3-5. per-variant call rate, HWE, MAF on the kept samples
        List<Integer> geno = new ArrayList<>(), hwe = new ArrayList<>(), maf = new ArrayList<>(), kept = new ArrayList<>();
        AlleleCounts c = new AlleleCounts();
        fs.stream(v, samples, (pos, g) -> {
            int j = v[pos];
            boolean x = fs.variants.get(j).x();
            c.count(g, male, x);
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
