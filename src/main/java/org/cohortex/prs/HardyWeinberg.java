package org.cohortex.prs;

/**
 * Hardy-Weinberg exact test (Wigginton, Cutler and Abecasis 2005, AJHG 76:887), the test behind
 * plink's --hardy and --hwe: the probability of heterozygote counts at least as extreme (no more
 * probable) than the observed one, given the allele counts. Probabilities are computed relative to
 * the mode and summed once, so there is no under- or overflow for large samples.
 */
public final class HardyWeinberg {
    private HardyWeinberg() {}

    /** Two-sided exact p-value for hom1/het/hom2 counts. */
    public static double exactP(int het, int hom1, int hom2) {
        int homRare = Math.min(hom1, hom2), homCommon = Math.max(hom1, hom2);
        int rare = 2 * homRare + het;
        int genotypes = het + homCommon + homRare;
        if (genotypes == 0 || rare == 0) return 1;
        double[] prob = new double[rare + 1];
        // start at the expected heterozygote count with the right parity
        int mid = (int) ((long) rare * (2L * genotypes - rare) / (2L * genotypes));
        if ((mid & 1) != (rare & 1)) mid++;
        prob[mid] = 1;
        double sum = 1;
        // walk out from the mode; the distribution is unimodal, so once past the observed count a
        // term below 1e-20 of the running sum ends that side (the rest cannot change a double sum)
        int lo = mid, hi = mid;
        int homr = (rare - mid) / 2, homc = genotypes - mid - homr;
        for (int h = mid; h > 1; h -= 2) {
            double next = prob[h] * h * (h - 1.0) / (4.0 * (homr + 1.0) * (homc + 1.0));
            prob[h - 2] = next;
            sum += next;
            lo = h - 2;
            homr++;
            homc++;
            if (lo <= het && next < 1e-20 * sum) break;
        }
        homr = (rare - mid) / 2;
        homc = genotypes - mid - homr;
        for (int h = mid; h <= rare - 2; h += 2) {
            double next = prob[h] * 4.0 * homr * homc / ((h + 2.0) * (h + 1.0));
            prob[h + 2] = next;
            sum += next;
            hi = h + 2;
            homr--;
            homc--;
            if (hi >= het && next < 1e-20 * sum) break;
        }
        double obs = prob[het], p = 0;
        // ties: probabilities equal up to rounding count as "as extreme" (relative 1e-12)
        double limit = obs * (1 + 1e-12);
        for (int h = lo; h <= hi; h += 2) if (prob[h] <= limit) p += prob[h];
        return Math.min(1, p / sum);
    }
}
