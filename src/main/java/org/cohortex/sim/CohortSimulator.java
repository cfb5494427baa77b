package org.cohortex.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.Json;
import org.cohortex.io.MatrixWriter;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.random.KeyedStreams;
import org.cohortex.random.Shuffles;

/**
 * `cohortex simulate`: a paper-shaped synthetic cohort with known truth. The generative model is
 * documented in README.md ("The simulated cohort"). Every random stream is keyed by
 * (seed, purpose, region, gene), so the output is byte-identical for a seed on any thread count.
 */
public final class CohortSimulator {
    public static final String[] REGIONS = {"dACC", "DLPFC", "BLA", "MeA"};
    public static final String[] CELL_TYPES = {"astrocyte", "endothelial", "excitatory", "inhibitory", "microglia", "oligodendrocyte",
            "opc"};
    static final int OPC = 6, MICRO = 4, ENDO = 1, ASTRO = 0, EXC = 2, INH = 3, OLIGO = 5;

    /** Cohort sizes, and the reference panels' default donors and cells per donor. */
    public enum Preset {
        PAPER(304, 20_000, 100_000, 20, 120, 1.0),
        SMALL(80, 1_500, 8_000, 12, 60, 1.0),
        /** SPEC 6's cohort ten times the paper's: 3,000 donors (about 2,900 samples a region) x 60,000 genes. */
        LARGE(3_000, 60_000, 100_000, 20, 120, 1.0);

        final int donors, genes, snps, referenceDonors, cellsPerDonor;
        final double effectScale;

        Preset(int donors, int genes, int snps, int referenceDonors, int cellsPerDonor, double effectScale) {
            this.donors = donors;
            this.genes = genes;
            this.snps = snps;
            this.referenceDonors = referenceDonors;
            this.cellsPerDonor = cellsPerDonor;
            this.effectScale = effectScale;
        }

        public static Preset named(String s) {
            for (Preset p : values()) if (p.name().equalsIgnoreCase(s)) return p;
            throw new UserException("--preset " + s + ": choose paper, small or large");
        }

        /** Planted-gene counts scale with the number of genes (paper sizes at 20,000). */
        int count(int paperCount) {
            return Math.max(Math.min(paperCount, 3), (int) Math.round(paperCount * genes / 20_000.0));
        }
    }

    static boolean isAmygdala(String region) { return region.equals("BLA") || region.equals("MeA"); }

    static String panelOf(String region) { return isAmygdala(region) ? "amygdala" : "cortex"; }

    static int[] cellTypesOf(String panel) {
        return panel.equals("amygdala") ? new int[] {0, 1, 2, 3, 4, 5, 6} : new int[] {0, 1, 2, 3, 4, 5};
    }

    /** Mean cell-type proportions per panel (Dirichlet means); microglia a small share. */
    static double[] meanProportions(String region) {
        //                   astro  endo  exc   inh   micro oligo opc
        double[] cortex = {0.17, 0.05, 0.36, 0.13, 0.05, 0.24};
        double[] amyg = {0.18, 0.06, 0.20, 0.18, 0.06, 0.25, 0.07};
        double[] p = isAmygdala(region) ? amyg : cortex;
        if (region.equals("MeA")) p = new double[] {0.20, 0.07, 0.15, 0.22, 0.06, 0.23, 0.07};
        if (region.equals("DLPFC")) p = new double[] {0.16, 0.05, 0.38, 0.14, 0.05, 0.22};
        return p;
    }

    /**
     * What a run may change beyond the preset: the effect scale and the reference panels' donors
     * and cells per donor.
     */
    public record Settings(double effectScale, int referenceDonors, int cellsPerDonor) {
        public static Settings of(Preset p) { return new Settings(p.effectScale, p.referenceDonors, p.cellsPerDonor); }

        public Settings {
            if (referenceDonors < 1) throw new UserException("--reference-donors " + referenceDonors + ": give at least 1 reference donor");
            if (cellsPerDonor < 1) {
                throw new UserException("--cells-per-donor " + cellsPerDonor + ": give at least 1 cell per reference donor");
            }
        }
    }

    private CohortSimulator() {}

    public static void run(Preset preset, long seed, Path out) {
        run(preset, seed, out, Settings.of(preset));
    }

    public static void run(Preset preset, long seed, Path out, double effectScale) {
        run(preset, seed, out, new Settings(effectScale, preset.referenceDonors, preset.cellsPerDonor));
    }

    public static void run(Preset preset, long seed, Path out, Settings settings) {
        long t0 = System.nanoTime();
        double effectScale = settings.effectScale();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UserException(out + ": cannot create the output directory (" + e.getMessage() + ")");
        }
        GeneModel genes = new GeneModel(preset.genes, seed);
        CellTypeCovariance cov = new CellTypeCovariance(genes, seed);
        // the panels' layouts first (cheap; their counts are made when written): a panel too small fails before any work
        List<ReferencePanel> panels = new ArrayList<>();
        for (String panel : new String[] {"cortex", "amygdala"}) {
            panels.add(ReferencePanel.simulate(seed, panel, genes, cov, settings.referenceDonors(), settings.cellsPerDonor()));
        }
        Donors donors = new Donors(preset, seed);
        List<Effect> effects = plantEffects(preset, seed, genes, effectScale);
        writePhenotypes(out.resolve("pheno.tsv"), donors.table);
        Log.info("simulate: %d donors, %d phenotype columns, %d genes, %d planted effects", donors.n, donors.table.columnNames().size(),
                preset.genes, effects.size());

        int[] truthGenes = truthGenes(genes.genes, effects);
        for (int r = 0; r < REGIONS.length; r++) RegionSimulator.simulate(seed, r, donors, genes, cov, effects, truthGenes, out);
        int markers = Math.max(15, preset.count(50));
        for (ReferencePanel p : panels) p.write(out, markers);
        cov.write(out.resolve("truth").resolve("celltype_covariance.tsv.gz"));
        Map<String, Object> model = CellTypeCovariance.describe();
        model.put("reference_donors_per_panel", settings.referenceDonors());
        model.put("cells_per_reference_donor", settings.cellsPerDonor());
        model.put("true_expression_genes", truthGenes.length);
        Json.write(out.resolve("truth").resolve("celltype_model.json"), model);
        GeneSets.write(preset, seed, genes, effects, out);
        donors.genotypes.writePlink(out.resolve("genotypes").resolve("cohort"), donors.ids, donors.female);
        donors.gwas.write(out.resolve("gwas").resolve("mcp_sumstats.tsv.gz"), donors.genotypes, seed);
        writeTruth(out, donors, effects);
        writeConfig(out, preset, seed);
        Log.info("simulate: wrote %s in %.1f s", out, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Genes whose true log2 cell-type expression is written: every gene up to 2,000 genes, else every
     * planted gene plus the first 1,000 (null genes for an oracle DE), ascending.
     */
    static int[] truthGenes(int genes, List<Effect> effects) {
        if (genes <= 2000) return range(genes);
        Set<Integer> set = new TreeSet<>();
        for (int g = 0; g < 1000; g++) set.add(g);
        for (Effect e : effects) set.add(e.gene());
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The paper's shape (Results): CP mainly in BLA microglia; migraine in MeA microglia/endothelial; see README. */
    static List<Effect> plantEffects(Preset preset, long seed, GeneModel g, double scale) {
        SplittableRandom r = KeyedStreams.stream(seed, 3);
        List<Effect> e = new ArrayList<>();
        Set<Integer> cpGenes = new HashSet<>();
        // chronic pain
        List<Integer> cpBlaMicro = pick(r, g, MICRO, preset.count(400), Set.of());
        add(e, r, "chronic_pain", "BLA", "microglia", cpBlaMicro, 0.8, 1.6, scale);
        List<Integer> cpBlaEndo = pick(r, g, ENDO, preset.count(15), Set.copyOf(cpBlaMicro));
        add(e, r, "chronic_pain", "BLA", "endothelial", cpBlaEndo, 0.8, 1.4, scale);
        add(e, r, "chronic_pain", "BLA", "astrocyte", pick(r, g, ASTRO, preset.count(20), Set.copyOf(cpBlaMicro)), 0.6, 1.2, scale);
        List<Integer> cpMeaMicro = pick(r, g, MICRO, preset.count(40), Set.copyOf(cpBlaMicro));
        add(e, r, "chronic_pain", "MeA", "microglia", cpMeaMicro, 0.8, 1.4, scale);
        List<Integer> cpMeaEndo = pick(r, g, ENDO, preset.count(10), Set.copyOf(cpBlaEndo));
        add(e, r, "chronic_pain", "MeA", "endothelial", cpMeaEndo, 0.8, 1.4, scale);
        add(e, r, "chronic_pain", "dACC", "bulk", pick(r, g, -1, 3, Set.of()), 0.35, 0.5, scale);
        add(e, r, "chronic_pain", "dACC", "oligodendrocyte", pick(r, g, OLIGO, preset.count(10), Set.of()), 0.5, 1.0, scale);
        for (Effect x : e) cpGenes.add(x.gene());
        // migraine: MeA microglia and endothelial, a small overlap with chronic pain there
        int share = Math.max(1, preset.count(10));
        List<Integer> migMicro = new ArrayList<>(cpMeaMicro.subList(0, Math.min(share, cpMeaMicro.size())));
        migMicro.addAll(pick(r, g, MICRO, preset.count(150) - migMicro.size(), cpGenes));
        add(e, r, "migraine", "MeA", "microglia", migMicro, 0.8, 1.4, scale);
        List<Integer> migEndo = new ArrayList<>(cpMeaEndo.subList(0, Math.min(Math.max(1, preset.count(4)), cpMeaEndo.size())));
        migEndo.addAll(pick(r, g, ENDO, preset.count(80) - migEndo.size(), cpGenes));
        add(e, r, "migraine", "MeA", "endothelial", migEndo, 0.8, 1.4, scale);
        // oxymorphone: overlaps chronic pain in amygdala endothelial/microglia genes, same sign
        int oxShare = Math.max(2, preset.count(15));
        for (int k = 0; k < oxShare && k < cpBlaMicro.size(); k++) {
            double cp = findEffect(e, "chronic_pain", "BLA", "microglia", cpBlaMicro.get(k));
            e.add(new Effect("lifetime_oxymorphone", "BLA", "microglia", cpBlaMicro.get(k),
                    Math.signum(cp) * (0.8 + 0.6 * r.nextDouble()) * scale));
        }
        add(e, r, "lifetime_oxymorphone", "BLA", "microglia", pick(r, g, MICRO, preset.count(10), cpGenes), 0.8, 1.4, scale);
        for (int k = 0; k < Math.min(Math.max(1, preset.count(5)), cpBlaEndo.size()); k++) {
            double cp = findEffect(e, "chronic_pain", "BLA", "endothelial", cpBlaEndo.get(k));
            e.add(new Effect("lifetime_oxymorphone", "BLA", "endothelial", cpBlaEndo.get(k),
                    Math.signum(cp) * (0.8 + 0.6 * r.nextDouble()) * scale));
        }
        // fentanyl: few effects, none shared with chronic pain
        add(e, r, "lifetime_fentanyl", "DLPFC", "excitatory", pick(r, g, EXC, preset.count(15), cpGenes), 0.6, 1.0, scale);
        add(e, r, "lifetime_fentanyl", "BLA", "inhibitory", pick(r, g, INH, preset.count(5), cpGenes), 0.6, 1.0, scale);
        // genetic risk: dACC oligodendrocytes, per SD of the PRS
        add(e, r, "mcp_prs", "dACC", "oligodendrocyte", pick(r, g, OLIGO, preset.count(60), cpGenes), 0.25, 0.45, scale);
        return e;
    }

    static double findEffect(List<Effect> e, String trait, String region, String cell, int gene) {
        for (Effect x : e) if (x.trait().equals(trait) && x.region().equals(region) && x.cellType().equals(cell)
                && x.gene() == gene) return x.log2fc();
        throw new IllegalStateException("no effect " + trait + " " + gene);
    }

    static void add(List<Effect> e, SplittableRandom r, String trait, String region, String cell, List<Integer> genes, double lo,
            double hi, double scale) {
        for (int gene : genes) {
            double size = (lo + (hi - lo) * r.nextDouble()) * (r.nextBoolean() ? 1 : -1) * scale;
            e.add(new Effect(trait, region, cell, gene, size));
        }
    }

    /**
     * k genes expressed in the cell type (its expression above the 60th percentile of that type's
     * profile, so that an effect there reaches the bulk), excluding {@code avoid}; any gene for -1.
     */
    static List<Integer> pick(SplittableRandom r, GeneModel g, int cell, int k, Set<Integer> avoid) {
        List<Integer> pool = new ArrayList<>();
        double cut = cell < 0 ? Double.NEGATIVE_INFINITY : g.quantileOfCell(cell, 0.6);
        for (int i = 0; i < g.genes; i++) {
            if (avoid.contains(i)) continue;
            if (g.mean[i] < 2) continue; // skip the lowest-expressed genes, which filtering would drop
            if (cell < 0 || g.cellLog2(i, cell) >= cut) pool.add(i);
        }
        List<Integer> out = new ArrayList<>();
        for (int idx : Shuffles.sample(r, pool.size(), Math.min(k, pool.size()))) out.add(pool.get(idx));
        out.sort(null);
        return out;
    }

    static void writePhenotypes(Path file, PhenotypeTable t) {
        List<String> names = t.columnNames();
        AtomicFile.write(file, w -> {
            StringBuilder sb = new StringBuilder("donor_id");
            for (String c : names) sb.append('\t').append(c);
            sb.append('\n');
            for (int i = 0; i < t.sampleCount(); i++) {
                sb.append(t.samples().get(i));
                for (String c : names) {
                    PhenotypeTable.Column col = t.column(c);
                    sb.append('\t');
                    if (col.isMissing(i)) sb.append("NA");
                    else if (col.type == PhenotypeTable.Type.NUMERIC) sb.append(MatrixWriter.format(col.numeric[i]));
                    else sb.append(col.levels[i]);
                }
                sb.append('\n');
            }
            w.write(sb.toString());
        });
    }

    static void writeTruth(Path out, Donors d, List<Effect> effects) {
        Path truth = out.resolve("truth");
        AtomicFile.write(truth.resolve("degs.tsv"), w -> {
            w.write("trait\tregion\tcell_type\tgene\tlog2fc\n");
            for (Effect e : effects) {
                w.write(e.trait() + "\t" + e.region() + "\t" + e.cellType() + "\t" + GeneModel.id(e.gene()) + "\t" + e.log2fc() + "\n");
            }
        });
        AtomicFile.write(truth.resolve("hidden_confounders.tsv"), w -> {
            w.write("donor_id\thidden1\thidden2\n");
            for (int i = 0; i < d.n; i++) w.write(d.ids[i] + "\t" + d.hidden[0][i] + "\t" + d.hidden[1][i] + "\n");
        });
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("measured_confounders_with_expression_effects", List.of(Donors.MEASURED_CONFOUNDERS));
        conf.put("hidden_donor_confounders", List.of("hidden1", "hidden2"));
        conf.put("hidden_sample_confounder", "dissection (one per donor and region; in truth/regions/<region>.dissection.tsv)");
        conf.put("note", "hidden confounders are absent from pheno.tsv: SVA must recover them");
        Json.write(truth.resolve("confounders.json"), conf);
        Genotypes g = d.genotypes;
        AtomicFile.write(truth.resolve("prs_weights.tsv"), w -> {
            w.write("SNP\tCHR\tBP\tA1\tbeta\n");
            for (int c = 0; c < g.causal.length; c++) {
                int j = g.causal[c];
                w.write(g.snpId[j] + "\t" + g.chr[j] + "\t" + g.bp[j] + "\t" + g.a1[j] + "\t" + g.causalBeta[c] * d.gwas.scale + "\n");
            }
        });
        Map<String, Object> traps = new LinkedHashMap<>();
        traps.put("genotypes", g.traps);
        traps.put("gwas", d.gwas.trapCounts);
        traps.put("gwas_ambiguous_snps", "about 15% of SNPs have A/T or C/G alleles");
        traps.put("gwas_low_maf", "about 8% of SNPs have MAF < 0.01");
        Json.write(truth.resolve("genotype_traps.json"), traps);
        AtomicFile.write(truth.resolve("genetic_value.tsv"), w -> {
            w.write("donor_id\tgenetic_value\tmcp_prs\n");
            for (int i = 0; i < d.n; i++) w.write(d.ids[i] + "\t" + g.geneticValue[i] + "\t" + d.prs[i] + "\n");
        });
    }

    static void writeConfig(Path out, Preset preset, long seed) {
        StringBuilder y = new StringBuilder();
        y.append("# Ready config for the whole grid on this simulated cohort (cohortex simulate --preset ")
                .append(preset.name().toLowerCase(Locale.ROOT)).append(" --seed ").append(seed).append(").\n");
        y.append("cohort:\n  phenotypes: pheno.tsv\n  sample_column: donor_id\n");
        y.append("regions:\n");
        for (String r : REGIONS) {
            y.append("  ").append(r).append(":\n    counts: expr/").append(r).append(".counts.tsv.gz\n    panel: ").append(panelOf(r))
                    .append('\n');
        }
        y.append("panels:\n");
        for (String p : new String[] {"cortex", "amygdala"}) {
            y.append("  ").append(p).append(":\n    counts: reference/").append(p).append(".counts.tsv.gz\n    labels: reference/")
                    .append(p).append(".labels.tsv\n    signature: reference/").append(p).append(".signature.tsv\n");
        }
        y.append("genotypes:\n  plink: genotypes/cohort\n  gwas: gwas/mcp_sumstats.tsv.gz\n");
        y.append("prs:\n  name: mcp_prs        # computed from genotypes + GWAS; replaces pheno.tsv's simulated column\n  target: "
                + "chronic_pain  # the trait that picks the p threshold\n");
        y.append("traits: [chronic_pain, migraine, lifetime_fentanyl, lifetime_oxymorphone, mcp_prs]\n");
        y.append("enrichment:\n  gmt: [genesets/simulated.gmt]\n  lists: [genesets/mouse_microglia_pain.txt, "
                + "genesets/whole_blood_pain.txt]\n");
        AtomicFile.writeString(out.resolve("cohort.yaml"), y.toString());
    }

    static int[] range(int n) { return IntStream.range(0, n).toArray(); }

    static String fmt(double v) { return MatrixWriter.format(v); }

    static double[] copy(double[] v) { return Arrays.copyOf(v, v.length); }
}
