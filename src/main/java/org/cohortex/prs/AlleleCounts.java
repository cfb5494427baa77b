package org.cohortex.prs;

/**
 * Genotype counts of one variant over a set of samples, and the A1 frequency plink derives from
 * them. On chrX, males (by .fam sex) are hemizygous: a homozygous male call is one allele, and a
 * heterozygous male call is treated as missing, as plink 1.9 does with "het. haploid" calls.
 */
final class AlleleCounts {
    int hom1, het, hom2, missing;       // all samples (A1 count 2 / 1 / 0 / missing)
    int femHom1, femHet, femHom2;       // females only (chrX HWE)
    int maleA1, maleA2, maleHet;        // hemizygous males on chrX

    void count(byte[] g, boolean[] male, boolean x) {
        hom1 = het = hom2 = missing = femHom1 = femHet = femHom2 = maleA1 = maleA2 = maleHet = 0;
        for (int i = 0; i < g.length; i++) {
            int v = g[i];
            if (v < 0) { missing++; continue; }
            if (x && male[i]) {
                if (v == 2) maleA1++; else if (v == 0) maleA2++; else maleHet++;
            } else if (x) {
                if (v == 2) femHom1++; else if (v == 1) femHet++; else femHom2++;
            }
            if (v == 2) hom1++; else if (v == 1) het++; else hom2++;
        }
    }

    /** A1 frequency over nonmissing calls (NaN when none). */
    double a1Freq(boolean x) {
        double a1, total;
        if (x) {
            a1 = 2.0 * femHom1 + femHet + maleA1;
            total = 2.0 * (femHom1 + femHet + femHom2) + maleA1 + maleA2;
        } else {
            a1 = 2.0 * hom1 + het;
            total = 2.0 * (hom1 + het + hom2);
        }
        return total == 0 ? Double.NaN : a1 / total;
    }

    static double maf(double f) { return Math.min(f, 1 - f); }
}
