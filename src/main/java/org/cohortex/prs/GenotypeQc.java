package org.cohortex.prs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import org.cohortex.prs.QcStep.Unit;

/**
 * Variant and sample filters of the paper's genotype QC as plink 1.9 runs `--mind --geno --hwe
 * --maf` in one command (plink.c, plink_filter.c: mind_filter, calc_freqs_and_hwe,
 * enforce_hwe_threshold, enforce_minor_allele_thresholds), after duplicate variant ids (every copy
 * removed, as plink2 --rm-dup exclude-all):
 * <ul>
 * <li>--mind: missing calls per sample; chrY calls count for males only (others' denominator leaves
 * chrY out); removed when missing &gt; floor(mind x variants x (1 + 2^-44)).
 * <li>--geno, on the samples kept: call rate (chrY: of the males) &lt; (1 - geno)(1 - 2^-44).
 * <li>--hwe: Wigginton's exact test (not mid-p) on founders; when the .fam has a case/control status
 * and a kept sample is a control, on control founders only (plink 1.9's default; `hweAllSamples` is
 * its include-nonctrl). chrX: the non-male ones. chrY and MT are not tested. p &lt; hwe (1 - 2^-44).
 * <li>--maf: A1 frequency over founders (chrX: non-males diploid plus males' homozygous calls once;
 * chrY: males' homozygous calls; MT: homozygous calls), 0.5 when none is called; removed when the
 * minor allele frequency &lt; maf (1 - 2^-44).
 * </ul>
 * Each filter sees only what the previous ones kept, in that order. Two passes over the .bed; the
 * second counts genotype classes within each sample set by popcounts over the packed two-bit codes
 * (32 samples per word, about 12 operations per word and set).
 */
public final class GenotypeQc {
    /** hweAllSamples: test every founder even when the .fam has controls (plink 1.9's --hwe include-nonctrl). */
    public record Settings(double maf, double geno, double mind, double hwe, boolean hweAllSamples) {
        public static Settings paper() { return new Settings(0.01, 0.01, 0.01, 1e-6, false); }
    }

    public record Result(int[] variants, int[] samples, List<QcStep> steps) {}

    /** plink 1.9's SMALL_EPSILON (plink_common.h), by which it loosens every threshold. */
    static final double SMALL_EPSILON = 0x1p-44;

    private static final int CHR_X = 23, CHR_Y = 24, CHR_MT = 26;

    private GenotypeQc() {}

    public static Result run(PlinkFileset fs, int[] startSamples, Settings s) {
        QcStep dup = duplicateIds(fs);
        QcStep mind = sampleCallRate(fs, dup.kept(), startSamples, s.mind());
        int[] samples = mind.kept();
        SampleMasks masks = new SampleMasks(fs, samples, s.hweAllSamples());
        int[] v = dup.kept();
        // per variant, the first filter it fails (KEPT when none), then one step per filter
        byte[] fate = new byte[v.length];
        long[] codes = new long[(fs.n() + 31) >>> 5];
        int[] c = new int[3];
        fs.streamPacked(v, (pos, buf, off) -> {
            int chr = fs.variants.get(v[pos]).chr();
            load(buf, off, fs.bytesPerVariant, codes);
            if (failsCallRate(codes, masks, chr, s.geno())) fate[pos] = GENO;
            else if (failsHwe(codes, masks, chr, s.hwe(), c)) fate[pos] = HWE;
            else if (failsMaf(codes, masks, chr, s.maf(), c)) fate[pos] = MAF;
        });
        String mafWhy = "minor allele frequency < " + s.maf()
                + (masks.founders < samples.length ? " (in the " + masks.founders + " founders)" : "");
        List<QcStep> steps = new ArrayList<>(List.of(dup, mind));
        steps.add(variantStep("variant_call_rate", v, fate, GENO, "missing call rate > " + s.geno()));
        steps.add(variantStep("hwe", v, fate, HWE, "Hardy-Weinberg exact p < " + s.hwe() + " " + masks.hweDescription()));
        steps.add(variantStep("maf", v, fate, MAF, mafWhy));
        return new Result(steps.get(steps.size() - 1).kept(), samples, steps);
    }

    private static final byte KEPT = 0, GENO = 1, HWE = 2, MAF = 3;

    /** The variants that reached filter `which` (fate 0 or >= which), split by whether it removed them. */
    private static QcStep variantStep(String name, int[] v, byte[] fate, byte which, String why) {
        List<Integer> kept = new ArrayList<>(), removed = new ArrayList<>();
        for (int k = 0; k < v.length; k++) {
            if (fate[k] == which) removed.add(v[k]);
            else if (fate[k] == KEPT || fate[k] > which) kept.add(v[k]);
        }
        return new QcStep(name, Unit.VARIANTS, kept.size() + removed.size(), unbox(kept), unbox(removed), why);
    }

    /** Every copy of an id that occurs more than once in the .bim. */
    private static QcStep duplicateIds(PlinkFileset fs) {
        Map<String, Integer> seen = new HashMap<>();
        for (PlinkFileset.Variant x : fs.variants) seen.merge(x.id(), 1, Integer::sum);
        List<Integer> dup = new ArrayList<>(), vars = new ArrayList<>();
        for (int j = 0; j < fs.m(); j++) (seen.get(fs.variants.get(j).id()) > 1 ? dup : vars).add(j);
        return new QcStep("duplicate_ids", Unit.VARIANTS, fs.m(), unbox(vars), unbox(dup),
                "variant id occurs more than once in the .bim (every copy removed)");
    }

    /** plink 1.9's mind_filter: integer thresholds, chrY counted for males only. */
    private static QcStep sampleCallRate(PlinkFileset fs, int[] v, int[] startSamples, double mind) {
        int[] missing = new int[fs.n()];
        long[] maleMask = fs.keepMask(males(fs));
        int[] nonY = {0};
        // missing calls per sample straight from the packed bytes: code 01 marks a missing call
        fs.streamPacked(v, (pos, buf, off) -> {
            boolean y = fs.variants.get(v[pos]).chr() == CHR_Y;
            if (!y) nonY[0]++;
            for (int b = 0; b < fs.bytesPerVariant; b++) {
                int x = buf[off + b] & 0xff;
                int miss = x & ~(x >>> 1) & 0x55; // low bit set, high bit clear
                while (miss != 0) {
                    int bit = Integer.numberOfTrailingZeros(miss);
                    int i = (b << 2) + (bit >>> 1);
                    if (!y || (maleMask[i >>> 6] & (1L << (i & 63))) != 0) missing[i]++;
                    miss &= miss - 1;
                }
            }
        });
        long maleLimit = (long) (mind * v.length * (1 + SMALL_EPSILON)), otherLimit = (long) (mind * nonY[0] * (1 + SMALL_EPSILON));
        List<Integer> keptS = new ArrayList<>(), lowCall = new ArrayList<>();
        for (int i : startSamples) {
            long limit = fs.samples.get(i).sex() == 1 ? maleLimit : otherLimit;
            (mind < 1 && missing[i] > limit ? lowCall : keptS).add(i);
        }
        return new QcStep("sample_call_rate", Unit.SAMPLES, startSamples.length, unbox(keptS), unbox(lowCall),
                "missing call rate > " + mind);
    }

    private static boolean failsCallRate(long[] codes, SampleMasks m, int chr, double geno) {
        if (geno >= 1) return false;
        double rate;
        if (chr == CHR_Y) {
            rate = m.maleCount == 0 ? 0 : called(codes, m.males) * (1.0 / m.maleCount);
        } else {
            rate = called(codes, m.kept) * (1.0 / m.keptCount);
        }
        return rate < (1 - geno) * (1 - SMALL_EPSILON);
    }

    private static boolean failsHwe(long[] codes, SampleMasks m, int chr, double hwe, int[] c) {
        if (!(hwe > 0) || chr == CHR_Y || chr == CHR_MT) return false;
        count(codes, chr == CHR_X ? m.hweNonMales : m.hwe, c);
        return HardyWeinberg.exactP(c[1], c[0], c[2]) < hwe * (1 - SMALL_EPSILON);
    }

    private static boolean failsMaf(long[] codes, SampleMasks m, int chr, double maf, int[] c) {
        double a1, total;
        if (chr == CHR_X || chr == CHR_Y || chr == CHR_MT) {
            // haploid calls: homozygous ones count once, heterozygous ones not at all
            count(codes, chr == CHR_MT ? m.founderMask : m.founderMales, c);
            a1 = c[0];
            total = c[0] + c[2];
            if (chr == CHR_X) {
                count(codes, m.founderNonMales, c);
                a1 += 2.0 * c[0] + c[1];
                total += 2.0 * (c[0] + c[1] + c[2]);
            }
        } else {
            count(codes, m.founderMask, c);
            a1 = 2.0 * c[0] + c[1];
            total = 2.0 * (c[0] + c[1] + c[2]);
        }
        double f = total == 0 ? 0.5 : a1 / total;
        return AlleleCounts.maf(f) < maf * (1 - SMALL_EPSILON);
    }

    private static final long EVEN = 0x5555_5555_5555_5555L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * One variant's packed .bed bytes as 64-bit words of 32 two-bit codes, sample i at bits 2(i % 32)
     * of word i / 32 (the .bed's own order read little-endian; bytes past the variant are 0).
     */
    static void load(byte[] buf, int off, int bytes, long[] codes) {
        int full = bytes >>> 3;
        for (int w = 0; w < full; w++) codes[w] = (long) LONGS.get(buf, off + 8 * w);
        if (full < codes.length) {
            long x = 0;
            for (int b = 8 * full; b < bytes; b++) x |= (buf[off + b] & 0xffL) << (8 * (b - 8 * full));
            codes[full] = x;
        }
    }

    /** Called genotypes among mask's samples (mask: a 1 at the low bit of each chosen sample's code). */
    private static int called(long[] codes, long[] mask) {
        int n = 0;
        for (int w = 0; w < mask.length; w++) {
            long x = codes[w];
            n += Long.bitCount((~x | x >>> 1) & mask[w]); // not code 01 (missing): low bit clear or high bit set
        }
        return n;
    }

    /** c = {hom A1, het, hom A2} among mask's samples: .bed codes 00, 10, 11. */
    static void count(long[] codes, long[] mask, int[] c) {
        int h1 = 0, he = 0, h2 = 0;
        for (int w = 0; w < mask.length; w++) {
            long lo = codes[w], hi = codes[w] >>> 1, m = mask[w];
            h1 += Long.bitCount(~(lo | hi) & m);
            he += Long.bitCount(hi & ~lo & m);
            h2 += Long.bitCount(hi & lo & m);
        }
        c[0] = h1;
        c[1] = he;
        c[2] = h2;
    }

    /** The sample sets the variant filters count in, as bit masks over the whole .fam. */
    private static final class SampleMasks {
        final long[] kept, males, founderMask, founderMales, founderNonMales, hwe, hweNonMales;
        final int keptCount, maleCount, founders, hweCount, hweNonMaleCount;
        final String hweWho;
        final boolean allFounders;

        SampleMasks(PlinkFileset fs, int[] samples, boolean hweAllSamples) {
            kept = mask(fs, samples);
            males = and(kept, mask(fs, males(fs)), false);
            long[] founderBits = mask(fs, filter(fs, samples, x -> x.founder()));
            founderMask = and(kept, founderBits, false);
            founderMales = and(founderMask, males, false);
            founderNonMales = and(founderMask, males, true);
            int[] ctrl = filter(fs, samples, x -> x.status() == PlinkFileset.Sample.CONTROL);
            boolean controls = !hweAllSamples && fs.caseControl && ctrl.length > 0;
            hwe = controls ? and(founderMask, mask(fs, ctrl), false) : founderMask;
            hweNonMales = and(hwe, males, true);
            keptCount = samples.length;
            maleCount = bits(males);
            founders = bits(founderMask);
            hweCount = bits(hwe);
            hweNonMaleCount = bits(hweNonMales);
            hweWho = controls ? "control founders (.fam case/control status)"
                    : "founders (" + (hweAllSamples ? "--hwe-all-samples"
                            : fs.caseControl ? "no control among them" : "no case/control status in the .fam") + ")";
            allFounders = !controls;
        }

        String hweDescription() {
            return String.format(Locale.ROOT, "in %s%d %s; chrX: the %d of them not male", allFounders ? "all " : "the ", hweCount, hweWho,
                    hweNonMaleCount);
        }

        /** The samples as bits at the low bit of their two-bit codes (the layout of {@link #load}). */
        private static long[] mask(PlinkFileset fs, int[] samples) {
            long[] m = new long[(fs.n() + 31) >>> 5];
            for (int i : samples) m[i >>> 5] |= 1L << (2 * (i & 31));
            return m;
        }

        private static long[] and(long[] a, long[] b, boolean notB) {
            long[] r = new long[a.length];
            for (int w = 0; w < a.length; w++) r[w] = a[w] & (notB ? ~b[w] : b[w]);
            return r;
        }

        private static int bits(long[] a) {
            int n = 0;
            for (long x : a) n += Long.bitCount(x);
            return n;
        }
    }

    private static int[] males(PlinkFileset fs) { return filter(fs, rangeOf(fs.n()), x -> x.sex() == 1); }

    private static int[] filter(PlinkFileset fs, int[] samples, Predicate<PlinkFileset.Sample> p) {
        return Arrays.stream(samples).filter(i -> p.test(fs.samples.get(i))).toArray();
    }

    private static int[] rangeOf(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    private static int[] unbox(List<Integer> l) { return l.stream().mapToInt(Integer::intValue).toArray(); }

    static boolean[] maleMask(PlinkFileset fs, int[] samples) {
        boolean[] male = new boolean[samples.length];
        for (int k = 0; k < samples.length; k++) male[k] = fs.samples.get(samples[k]).sex() == 1;
        return male;
    }
}
