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
        int hets = mid, homr = (rare - mid) / 2, homc = genotypes - hets - homr;
        for (int h = mid; h > 1; h -= 2) {
            prob[h - 2] = prob[h] * h * (h - 1.0) / (4.0 * (homr + 1.0) * (homc + 1.0));
            sum += prob[h - 2];
            homr++;
            homc++;
        }
        hets = mid;
        homr = (rare - mid) / 2;
        homc = genotypes - hets - homr;
        for (int h = mid; h <= rare - 2; h += 2) {
            prob[h + 2] = prob[h] * 4.0 * homr * homc / ((h + 2.0) * (h + 1.0));
            sum += prob[h + 2];
            homr--;
            homc--;
        }
        double obs = prob[het], p = 0;
        // ties: probabilities equal up to rounding count as "as extreme" (relative 1e-12)
        double limit = obs * (1 + 1e-12);
        for (int h = rare & 1; h <= rare; h += 2) if (prob[h] <= limit) p += prob[h];
        return Math.min(1, p / sum);
    }
}
