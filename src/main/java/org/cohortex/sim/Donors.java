package org.cohortex.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.cohortex.io.PhenotypeTable;
import org.cohortex.random.KeyedStreams;
import org.cohortex.random.Shuffles;
import org.cohortex.random.Variates;

/**
 * Donors and their phenotype table, shaped like the paper's cohort (Methods, Table 1): sex split
 * 115/304 female, age ~ 46.75, the five traits, lifetime-opioid variables that correlate with
 * fentanyl through a latent opioid-use factor (but not with oxymorphone), technical variables,
 * ancestry PCs, collinear groups, and missingness up to ~70%. Also the donor-level confounders
 * that act on expression, some of them written to the table (measured), some only to truth/.
 */
final class Donors {
    final int n;
    final String[] ids;
    final boolean[] female;
    final double[] age;
    final int[] chronicPain, migraine, fentanyl, oxymorphone;
    /** Polygenic risk score as the genotype part will produce it (standardised). */
    final double[] prs;
    final double[] rin, pmi, ph;
    final String[] batch;
    /** Hidden (unmeasured) donor-level factors acting on expression. */
    final double[][] hidden;
    final PhenotypeTable table;
    final double[] ancestryPc1;
    final Genotypes genotypes;
    final Gwas gwas;
    /** Columns that are technical/measured confounders with an expression effect. */
    static final String[] MEASURED_CONFOUNDERS = {"rin", "pmi", "ph", "batch"};
    static final String[] OTHER_OPIOIDS = {"oxycodone", "hydrocodone", "morphine", "heroin", "methadone", "buprenorphine",
        "codeine", "tramadol", "hydromorphone", "tapentadol"};

    Donors(CohortSimulator.Preset preset, long seed) {
        n = preset.donors;
        SplittableRandom r = KeyedStreams.stream(seed, 1);
        ids = new String[n];
        for (int i = 0; i < n; i++) ids[i] = String.format("D%03d", i + 1);
        female = new boolean[n];
        int nf = (int) Math.round(n * 115.0 / 304.0);
        for (int i : Shuffles.sample(r, n, nf)) female[i] = true;
        age = new double[n];
        for (int i = 0; i < n; i++) age[i] = Math.round(clamp(46.75 + 14 * r.nextGaussian(), 18, 90) * 10) / 10.0;

        SplittableRandom ra = KeyedStreams.stream(seed, 5);
        ancestryPc1 = new double[n];
        for (int i = 0; i < n; i++) ancestryPc1[i] = round4(0.05 * ra.nextGaussian());
        genotypes = new Genotypes(preset, seed, ids, female, ancestryPc1);
        gwas = new Gwas(genotypes, seed);
        prs = clumpThresholdScore(genotypes, gwas);
        // chronic pain: liability from the true genetic value, age and sex; ~32% cases
        double[] painLiability = new double[n];
        for (int i = 0; i < n; i++) {
            painLiability[i] = 0.45 * genotypes.geneticValue[i] + 0.015 * (age[i] - 46.75) + (female[i] ? 0.3 : 0) + r.nextGaussian();
        }
        chronicPain = threshold(painLiability, 0.68);
        double[] mig = new double[n];
        for (int i = 0; i < n; i++) mig[i] = 0.5 * chronicPain[i] + (female[i] ? 0.6 : 0) + r.nextGaussian();
        migraine = threshold(mig, 0.86);
        // lifetime opioids: a latent use factor drives fentanyl and the others; oxymorphone has its own
        double[] opioidUse = new double[n];
        for (int i = 0; i < n; i++) opioidUse[i] = 0.4 * chronicPain[i] + r.nextGaussian();
        double[] fen = new double[n];
        for (int i = 0; i < n; i++) fen[i] = 1.2 * opioidUse[i] + 0.6 * r.nextGaussian();
        fentanyl = threshold(fen, 0.85);
        double[] oxy = new double[n];
        for (int i = 0; i < n; i++) oxy[i] = 0.3 * chronicPain[i] + r.nextGaussian();
        oxymorphone = threshold(oxy, 0.92);

        rin = new double[n];
        pmi = new double[n];
        ph = new double[n];
        batch = new String[n];
        for (int i = 0; i < n; i++) {
            rin[i] = Math.round(clamp(7 + r.nextGaussian(), 3, 10) * 10) / 10.0;
            pmi[i] = Math.round(Variates.gamma(r, 4) * 6 * 10) / 10.0;
            ph[i] = Math.round(clamp(6.5 + 0.25 * r.nextGaussian(), 5.6, 7.2) * 100) / 100.0;
            batch[i] = "B" + (1 + r.nextInt(8));
        }
        hidden = new double[2][];
        hidden[0] = standardise(gaussians(r, n)); // e.g. agonal state
        hidden[1] = standardise(gaussians(r, n)); // e.g. tissue handling

        table = buildTable(r, opioidUse);
    }

    private PhenotypeTable buildTable(SplittableRandom r, double[] opioidUse) {
        Map<String, Object> cols = new LinkedHashMap<>();
        String[] sex = new String[n];
        for (int i = 0; i < n; i++) sex[i] = female[i] ? "F" : "M";
        cols.put("sex", sex);
        cols.put("age", age.clone());
        cols.put("chronic_pain", toDouble(chronicPain));
        cols.put("migraine", withMissing(r, toDouble(migraine), 0.02));
        cols.put("lifetime_fentanyl", toDouble(fentanyl));
        cols.put("lifetime_oxymorphone", toDouble(oxymorphone));
        cols.put("mcp_prs", prs.clone());
        for (String o : OTHER_OPIOIDS) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = 0.9 * opioidUse[i] + 0.7 * r.nextGaussian();
            cols.put("lifetime_" + o, withMissing(r, toDouble(threshold(v, 0.7 + 0.2 * r.nextDouble())), 0.03));
        }
        // technical
        cols.put("rin", rin.clone());
        cols.put("pmi", pmi.clone());
        cols.put("ph", withMissing(r, ph.clone(), 0.08));
        cols.put("batch", batch.clone());
        double[] brainWeight = new double[n];
        for (int i = 0; i < n; i++) brainWeight[i] = Math.round(1350 + (female[i] ? -120 : 0) + 110 * r.nextGaussian());
        cols.put("brain_weight_g", withMissing(r, brainWeight, 0.15));
        // ancestry
        double[][] pcs = new double[10][n];
        String[] race = new String[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 10; k++) pcs[k][i] = k == 0 ? ancestryPc1[i] : round4(r.nextGaussian() * 0.05 / (1 + k));
            race[i] = pcs[0][i] > 0.04 ? "Black" : pcs[0][i] < -0.07 ? "Other" : "White";
        }
        for (int k = 0; k < 10; k++) cols.put("ancestry_pc" + (k + 1), pcs[k]);
        cols.put("race", race);
        // collinear groups: body size, smoking, alcohol, education, age duplicates
        double[] height = new double[n], weight = new double[n], bmi = new double[n], lbs = new double[n];
        for (int i = 0; i < n; i++) {
            height[i] = Math.round((female[i] ? 163 : 177) + 7 * r.nextGaussian());
            bmi[i] = Math.round(clamp(28 + 5 * r.nextGaussian(), 16, 55) * 10) / 10.0;
            weight[i] = Math.round(bmi[i] * height[i] * height[i] / 1e4 * 10) / 10.0;
            lbs[i] = Math.round(weight[i] * 2.20462 * 10) / 10.0;
        }
        cols.put("height_cm", withMissing(r, height, 0.12));
        cols.put("weight_kg", withMissing(r, weight, 0.12));
        cols.put("weight_lb", weight.clone()); // collinear with weight_kg
        cols.put("bmi", withMissing(r, bmi, 0.12));
        double[] packs = new double[n], smoker = new double[n];
        for (int i = 0; i < n; i++) {
            smoker[i] = r.nextDouble() < 0.45 ? 1 : 0;
            packs[i] = smoker[i] == 1 ? Math.round(Variates.gamma(r, 2) * 10) : 0;
        }
        cols.put("smoker", smoker);
        cols.put("smoking_pack_years", withMissing(r, packs, 0.35));
        double[] drinks = new double[n], aud = new double[n];
        for (int i = 0; i < n; i++) {
            drinks[i] = Math.round(Variates.gamma(r, 0.8) * 8);
            aud[i] = drinks[i] > 14 ? 1 : 0;
        }
        cols.put("alcohol_drinks_week", withMissing(r, drinks, 0.25));
        cols.put("alcohol_use_disorder", aud);
        double[] eduYears = new double[n];
        String[] eduLevel = new String[n];
        for (int i = 0; i < n; i++) {
            eduYears[i] = Math.round(clamp(13 + 2.5 * r.nextGaussian(), 6, 22));
            eduLevel[i] = eduYears[i] < 12 ? "less_than_hs" : eduYears[i] < 13 ? "high_school" : eduYears[i] < 16
                    ? "some_college" : "college";
        }
        cols.put("education_years", withMissing(r, eduYears, 0.3));
        cols.put("education_level", withMissing(r, eduLevel, 0.3));
        double[] ageMonths = new double[n];
        for (int i = 0; i < n; i++) ageMonths[i] = Math.round(age[i] * 12);
        cols.put("age_months", ageMonths); // collinear with age
        // psychiatric diagnoses, correlated through a latent factor
        double[] psych = gaussians(r, n);
        for (String d : new String[] {"ptsd", "mdd", "bipolar", "schizophrenia", "anxiety_disorder", "substance_use_disorder",
            "adhd", "ocd", "eating_disorder", "personality_disorder"}) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = 0.8 * psych[i] + r.nextGaussian();
            cols.put(d, withMissing(r, toDouble(threshold(v, 0.6 + 0.35 * r.nextDouble())), 0.05));
        }
        String[] manner = new String[n];
        String[] mannerLevels = {"natural", "accident", "suicide", "homicide", "undetermined"};
        double[] mannerP = {0.42, 0.33, 0.13, 0.07, 0.05};
        for (int i = 0; i < n; i++) manner[i] = mannerLevels[pick(r, mannerP)];
        cols.put("manner_of_death", manner);
        String[] smokingStatus = new String[n];
        for (int i = 0; i < n; i++) smokingStatus[i] = smoker[i] == 1 ? (r.nextDouble() < 0.7 ? "current" : "former") : "never";
        cols.put("smoking_status", smokingStatus);
        // toxicology at death and other lifetime drug use
        String[] tox = {"cocaine", "cannabis", "benzodiazepine", "amphetamine", "antidepressant", "antipsychotic", "ethanol",
            "nicotine", "opiate_screen", "barbiturate", "anticonvulsant", "antihistamine", "ssri", "snri", "tca", "lithium",
            "gabapentin", "pregabalin", "muscle_relaxant", "zolpidem", "ketamine", "mdma", "lsd", "psilocybin", "pcp",
            "synthetic_cannabinoid", "kratom", "methamphetamine", "acetaminophen", "nsaid"};
        for (String t : tox) {
            double p = 0.03 + 0.3 * r.nextDouble();
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = r.nextDouble() < p ? 1 : 0;
            cols.put("tox_" + t, withMissing(r, v, new double[] {0.0, 0.1, 0.3, 0.55, 0.7}[r.nextInt(5)]));
        }
        String[] lifetime = {"cocaine", "cannabis", "amphetamine", "methamphetamine", "benzodiazepine", "hallucinogen", "inhalant",
            "sedative", "stimulant_rx", "alcohol", "tobacco", "kratom", "ketamine", "mdma", "pcp"};
        for (String t : lifetime) {
            double p = 0.05 + 0.5 * r.nextDouble();
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = r.nextDouble() < p ? 1 : 0;
            cols.put("lifetime_" + t, withMissing(r, v, new double[] {0.02, 0.1, 0.4, 0.6}[r.nextInt(4)]));
        }
        String[] medical = {"hypertension", "diabetes", "copd", "asthma", "cardiovascular_disease", "stroke", "cancer", "hiv",
            "hepatitis_c", "obesity", "sleep_apnea", "epilepsy", "tbi", "arthritis", "fibromyalgia", "neuropathy", "back_pain",
            "headache_disorder", "kidney_disease", "liver_disease", "thyroid_disease", "autoimmune_disease", "chronic_fatigue",
            "irritable_bowel", "endometriosis", "osteoporosis", "gout", "anemia", "dementia", "parkinsonism"};
        for (String m : medical) {
            double p = 0.02 + 0.3 * r.nextDouble();
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = r.nextDouble() < p ? 1 : 0;
            cols.put(m, withMissing(r, v, new double[] {0.0, 0.05, 0.2, 0.52, 0.65}[r.nextInt(5)]));
        }
        String[] labs = {"blood_alcohol", "cholesterol", "hba1c", "creatinine", "alt", "ast", "crp", "wbc", "hemoglobin", "platelets",
            "sodium", "potassium", "glucose", "tsh", "vitamin_d", "ferritin", "albumin", "bilirubin", "urea", "triglycerides"};
        for (String l : labs) {
            double mu = 1 + 100 * r.nextDouble();
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = round4(mu * Math.exp(0.3 * r.nextGaussian()));
            cols.put("lab_" + l, withMissing(r, v, new double[] {0.1, 0.3, 0.5, 0.75}[r.nextInt(4)]));
        }
        String[] life = {"childhood_trauma", "combat_exposure", "military_service", "married", "employed", "homeless_ever",
            "incarceration_ever", "veteran", "suicide_attempt_ever", "psychotherapy_ever", "psychiatric_hosp_ever", "urban_residence"};
        for (String l : life) {
            double p = 0.1 + 0.6 * r.nextDouble();
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = r.nextDouble() < p ? 1 : 0;
            cols.put(l, withMissing(r, v, new double[] {0.0, 0.15, 0.45, 0.6}[r.nextInt(4)]));
        }
        String[] site = new String[n];
        for (int i = 0; i < n; i++) site[i] = "ME" + (1 + r.nextInt(5));
        cols.put("me_office", site);
        double[] freezer = new double[n];
        for (int i = 0; i < n; i++) freezer[i] = Math.round(Variates.gamma(r, 3) * 400);
        cols.put("freezer_days", freezer);
        double[] hours = new double[n];
        for (int i = 0; i < n; i++) hours[i] = Math.round(pmi[i] * 0.8 + 2 * r.nextGaussian()); // correlated with PMI
        cols.put("refrigeration_hours", withMissing(r, hours, 0.4));

        List<PhenotypeTable.Column> list = new ArrayList<>();
        for (Map.Entry<String, Object> e : cols.entrySet()) {
            if (e.getValue() instanceof double[]) list.add(PhenotypeTable.numericColumn(e.getKey(), (double[]) e.getValue()));
            else list.add(PhenotypeTable.categoricalColumn(e.getKey(), (String[]) e.getValue()));
        }
        return PhenotypeTable.of("pheno.tsv", "donor_id", Arrays.asList(ids), list);
    }

    /**
     * The `mcp_prs` trait as a clumping+thresholding pipeline would give it: per LD neighbourhood
     * (250 kb) the SNP with the smallest GWAS p below 1e-5, weighted by its GWAS beta, standardised.
     * The planted chronic-pain liability uses the true genetic value, so the PRS is an imperfect proxy.
     */
    static double[] clumpThresholdScore(Genotypes geno, Gwas gwas) {
        int n = geno.n;
        double[] score = new double[n];
        int lastChr = -1, lastBp = -1_000_000, best = -1;
        List<Integer> chosen = new ArrayList<>();
        for (int j = 0; j <= geno.snps; j++) {
            boolean boundary = j == geno.snps || geno.chr[j] != lastChr || geno.bp[j] - lastBp > 250_000;
            if (boundary && best >= 0) { chosen.add(best); best = -1; }
            if (j == geno.snps) break;
            if (geno.chr[j] == 23) continue;
            if (boundary) { lastChr = geno.chr[j]; lastBp = geno.bp[j]; }
            if (gwas.p[j] < 1e-5 && geno.freqA1[j] >= 0.01 && (best < 0 || gwas.p[j] < gwas.p[best])) best = j;
        }
        for (int j : chosen) {
            for (int i = 0; i < n; i++) {
                int v = geno.g[j * n + i];
                score[i] += gwas.beta[j] * (v < 0 ? 2 * geno.freqA1[j] : v);
            }
        }
        if (chosen.isEmpty()) return new double[n];
        return standardise(score);
    }

    static double clamp(double v, double lo, double hi) { return Math.max(lo, Math.min(hi, v)); }

    static double round4(double v) { return Math.round(v * 1e4) / 1e4; }

    static double[] gaussians(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
        return v;
    }

    static double[] standardise(double[] v) {
        double m = Arrays.stream(v).average().orElse(0), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        s = Math.sqrt(s / (v.length - 1));
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = Math.round((v[i] - m) / s * 1e6) / 1e6;
        return o;
    }

    /** 1 for values above the given quantile. */
    static int[] threshold(double[] v, double quantile) {
        double[] s = v.clone();
        Arrays.sort(s);
        double cut = s[(int) Math.min(s.length - 1, Math.floor(quantile * s.length))];
        int[] o = new int[v.length];
        for (int i = 0; i < v.length; i++) o[i] = v[i] >= cut ? 1 : 0;
        return o;
    }

    static double[] toDouble(int[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = v[i];
        return o;
    }

    static double[] withMissing(SplittableRandom r, double[] v, double rate) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) if (r.nextDouble() < rate) o[i] = Double.NaN;
        return o;
    }

    static String[] withMissing(SplittableRandom r, String[] v, double rate) {
        String[] o = v.clone();
        for (int i = 0; i < o.length; i++) if (r.nextDouble() < rate) o[i] = null;
        return o;
    }

    static int pick(SplittableRandom r, double[] p) {
        double u = r.nextDouble(), c = 0;
        for (int k = 0; k < p.length; k++) { c += p[k]; if (u < c) return k; }
        return p.length - 1;
    }
}
