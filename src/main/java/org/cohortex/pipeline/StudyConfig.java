package org.cohortex.pipeline;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cohortex.UserException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The study configuration of `cohortex run` (config/README.md documents every key). Paths are
 * relative to the config file's folder, or to `base` when given. Unknown keys and wrong types are
 * errors that name the key.
 */
public final class StudyConfig {
    public record Region(String name, Path counts, String panel) {}

    public record Panel(String name, Path counts, Path labels, Path signature) {}

    /** The PRS step: genotypes, GWAS, the trait it becomes, the trait that picks the threshold, settings. */
    public record Prs(Path plink, Path gwas, String name, String target, org.cohortex.prs.PrsPipeline.QcSettings qc,
            org.cohortex.prs.PrsPipeline.ScoreSettings score) {}

    public final Path file;
    public final Path phenotypes;
    public final String sampleColumn;
    public final Map<String, Region> regions = new LinkedHashMap<>();
    public final Map<String, Panel> panels = new LinkedHashMap<>();
    public final List<String> traits;
    public final List<Path> gmt = new ArrayList<>(), lists = new ArrayList<>();
    /** Null when the config has no `prs` section (then a PRS trait, if any, comes from the phenotype file). */
    public final Prs prs;
    // analysis settings
    public final List<String> cellTypes;
    public final String numSv;
    public final boolean selectCovariates;
    public final List<String> exclude;
    public final List<String> covariates;
    public final String deconvolution, imputation;
    /** Markers per cell type scanned when a signature is built from a panel (CIBERSORTx's G.min, G.max). */
    public final int minMarkers, maxMarkers;
    public final double alpha;
    public final int permutations;
    /** Freedman-Lane permutations per DE analysis (0 = none). */
    public final int dePermutations;
    public final long seed;
    public final String backend;
    public final Map<String, Object> raw;

    private StudyConfig(Path file, Map<String, Object> m) {
        this.file = file;
        this.raw = m;
        check(m, "", Set.of("base", "cohort", "regions", "panels", "traits", "genotypes", "prs", "enrichment", "analysis"));
        Path dir = file.toAbsolutePath().getParent();
        if (m.containsKey("base")) dir = dir.resolve(str(m, "base", "base"));
        Map<String, Object> cohort = map(m, "cohort", "cohort", true);
        check(cohort, "cohort.", Set.of("phenotypes", "sample_column"));
        phenotypes = dir.resolve(str(cohort, "phenotypes", "cohort.phenotypes"));
        sampleColumn = cohort.containsKey("sample_column") ? str(cohort, "sample_column", "cohort.sample_column") : null;
        Map<String, Object> ps = map(m, "panels", "panels", true);
        for (String p : ps.keySet()) {
            Map<String, Object> pm = map(ps, p, "panels." + p, true);
            check(pm, "panels." + p + ".", Set.of("counts", "labels", "signature"));
            panels.put(p, new Panel(p, dir.resolve(str(pm, "counts", "panels." + p + ".counts")), dir.resolve(str(pm, "labels", "panels." + p + ".labels")),
                    pm.containsKey("signature") ? dir.resolve(str(pm, "signature", "panels." + p + ".signature")) : null));
        }
        Map<String, Object> rs = map(m, "regions", "regions", true);
        for (String r : rs.keySet()) {
            Map<String, Object> rm = map(rs, r, "regions." + r, true);
            check(rm, "regions." + r + ".", Set.of("counts", "panel"));
            String panel = str(rm, "panel", "regions." + r + ".panel");
            if (!panels.containsKey(panel)) throw new UserException(file + ": regions." + r + ".panel: no panel named '" + panel + "' under panels");
            regions.put(r, new Region(r, dir.resolve(str(rm, "counts", "regions." + r + ".counts")), panel));
        }
        traits = strings(m, "traits", "traits", true);
        Map<String, Object> geno = m.containsKey("genotypes") ? map(m, "genotypes", "genotypes", false) : Map.of();
        check(geno, "genotypes.", Set.of("plink", "gwas"));
        if (m.containsKey("prs")) {
            Map<String, Object> pm = map(m, "prs", "prs", false);
            check(pm, "prs.", Set.of("name", "target", "maf", "geno", "mind", "hwe", "hwe_all_samples", "indep_pairwise", "het_sd", "rel_cutoff",
                    "pcs", "min_info", "gwas_duplicates", "clump_r2", "clump_kb", "clump_p", "thresholds"));
            if (!geno.containsKey("plink") || !geno.containsKey("gwas")) throw new UserException(file + ": 'prs' needs genotypes.plink and genotypes.gwas");
            var d = org.cohortex.prs.PrsPipeline.QcSettings.paper();
            List<String> ip = pm.containsKey("indep_pairwise") ? strings(pm, "indep_pairwise", "prs.indep_pairwise", false) : List.of("200", "25", "0.25");
            if (ip.size() != 3) throw new UserException(file + ": 'prs.indep_pairwise' must be [window, step, r2], got " + ip);
            double maf = opt(pm, "maf", d.genotype().maf());
            boolean hweAll = pm.containsKey("hwe_all_samples") && bool(pm, "hwe_all_samples", "prs.hwe_all_samples");
            var dup = pm.containsKey("gwas_duplicates")
                    ? org.cohortex.prs.SummaryStatistics.Duplicates.of(oneOf(pm, "gwas_duplicates", "prs.gwas_duplicates", "exclude-all", "keep-first"))
                    : d.sumstats().duplicates();
            var qc = new org.cohortex.prs.PrsPipeline.QcSettings(
                    new org.cohortex.prs.GenotypeQc.Settings(maf, opt(pm, "geno", d.genotype().geno()), opt(pm, "mind", d.genotype().mind()),
                            opt(pm, "hwe", d.genotype().hwe()), hweAll),
                    (int) Double.parseDouble(ip.get(0)), (int) Double.parseDouble(ip.get(1)), Double.parseDouble(ip.get(2)), opt(pm, "het_sd", d.hetSd()),
                    d.sexFemaleMax(), d.sexMaleMin(), opt(pm, "rel_cutoff", d.relCutoff()), (int) opt(pm, "pcs", d.pcs()),
                    new org.cohortex.prs.SummaryStatistics.Settings(maf, opt(pm, "min_info", d.sumstats().minInfo()), dup));
            double[] th = org.cohortex.prs.PrsPipeline.ScoreSettings.defaultThresholds();
            if (pm.containsKey("thresholds")) {
                List<String> t = strings(pm, "thresholds", "prs.thresholds", false);
                th = new double[t.size()];
                for (int k = 0; k < th.length; k++) {
                    try {
                        th[k] = Double.parseDouble(t.get(k));
                    } catch (NumberFormatException e) {
                        throw new UserException(file + ": 'prs.thresholds' must be numbers, got '" + t.get(k) + "'");
                    }
                }
                java.util.Arrays.sort(th);
            }
            var sc = new org.cohortex.prs.PrsPipeline.ScoreSettings(new org.cohortex.prs.Clumping.Settings(opt(pm, "clump_p", 1), 1, opt(pm, "clump_r2", 0.1),
                    (int) opt(pm, "clump_kb", 250)), th);
            String name = pm.containsKey("name") ? str(pm, "name", "prs.name") : "prs";
            String target = str(pm, "target", "prs.target");
            prs = new Prs(dir.resolve(str(geno, "plink", "genotypes.plink")), dir.resolve(str(geno, "gwas", "genotypes.gwas")), name, target, qc, sc);
        } else {
            prs = null;
        }
        if (m.containsKey("enrichment")) {
            Map<String, Object> em = map(m, "enrichment", "enrichment", false);
            check(em, "enrichment.", Set.of("gmt", "lists"));
            if (em.containsKey("gmt")) for (String g : strings(em, "gmt", "enrichment.gmt", false)) gmt.add(dir.resolve(g));
            if (em.containsKey("lists")) for (String l : strings(em, "lists", "enrichment.lists", false)) lists.add(dir.resolve(l));
        }
        Map<String, Object> a = m.containsKey("analysis") ? map(m, "analysis", "analysis", false) : Map.of();
        check(a, "analysis.", Set.of("cell_types", "num_sv", "select_covariates", "exclude", "covariates", "deconvolution", "imputation",
                "min_markers", "max_markers", "alpha", "permutations", "de_permutations", "seed", "backend"));
        cellTypes = a.containsKey("cell_types") ? strings(a, "cell_types", "analysis.cell_types", false) : null;
        numSv = a.containsKey("num_sv") ? String.valueOf(a.get("num_sv")) : "be";
        selectCovariates = a.containsKey("select_covariates") ? bool(a, "select_covariates", "analysis.select_covariates") : true;
        exclude = a.containsKey("exclude") ? strings(a, "exclude", "analysis.exclude", false) : null;
        covariates = a.containsKey("covariates") ? strings(a, "covariates", "analysis.covariates", false) : List.of();
        deconvolution = a.containsKey("deconvolution") ? oneOf(a, "deconvolution", "analysis.deconvolution", "nusvr", "nnls", "dwls") : "nusvr";
        minMarkers = a.containsKey("min_markers") ? (int) num(a, "min_markers", "analysis.min_markers") : org.cohortex.deconv.SignatureBuilder.MIN_MARKERS;
        maxMarkers = a.containsKey("max_markers") ? (int) num(a, "max_markers", "analysis.max_markers") : org.cohortex.deconv.SignatureBuilder.MAX_MARKERS;
        if (!org.cohortex.deconv.SignatureBuilder.validMarkerRange(minMarkers, maxMarkers)) {
            throw new org.cohortex.UserException("analysis.min_markers / analysis.max_markers: need 1 <= min_markers <= max_markers, got " + minMarkers + " and " + maxMarkers);
        }
        imputation = a.containsKey("imputation") ? oneOf(a, "imputation", "analysis.imputation", "eb", "gibbs") : "eb";
        alpha = a.containsKey("alpha") ? num(a, "alpha", "analysis.alpha") : 0.05;
        permutations = a.containsKey("permutations") ? (int) num(a, "permutations", "analysis.permutations") : 20;
        dePermutations = a.containsKey("de_permutations") ? (int) num(a, "de_permutations", "analysis.de_permutations") : 0;
        if (dePermutations < 0) throw new org.cohortex.UserException("analysis.de_permutations: must be >= 0, got " + dePermutations);
        seed = a.containsKey("seed") ? (long) num(a, "seed", "analysis.seed") : 1;
        backend = a.containsKey("backend") ? str(a, "backend", "analysis.backend") : "auto";
    }

    public static StudyConfig read(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            if (!(o instanceof Map)) throw new UserException(file + ": the configuration must be a YAML mapping of keys");
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            return new StudyConfig(file, m);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserException(file + ": file not found");
        } catch (IOException e) {
            throw new UserException(file + ": cannot be read (" + e.getMessage() + ")");
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new UserException(file + ": not valid YAML (" + e.getMessage().replace('\n', ' ') + ")");
        }
    }

    private void check(Map<String, Object> m, String prefix, Set<String> allowed) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) throw new UserException(file + ": unknown key '" + prefix + k + "' (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Map<String, Object> m, String k, String key, boolean required) {
        Object v = m.get(k);
        if (v == null) {
            if (required) throw new UserException(file + ": missing key '" + key + "'");
            return Map.of();
        }
        if (!(v instanceof Map)) throw new UserException(file + ": '" + key + "' must be a mapping, got " + describe(v));
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) v).forEach((kk, vv) -> out.put(String.valueOf(kk), vv));
        return out;
    }

    private String str(Map<String, Object> m, String k, String key) {
        Object v = m.get(k);
        if (v == null) throw new UserException(file + ": missing key '" + key + "'");
        if (!(v instanceof String || v instanceof Number)) throw new UserException(file + ": '" + key + "' must be a text value, got " + describe(v));
        return String.valueOf(v);
    }

    private List<String> strings(Map<String, Object> m, String k, String key, boolean required) {
        Object v = m.get(k);
        if (v == null) {
            if (required) throw new UserException(file + ": missing key '" + key + "'");
            return List.of();
        }
        if (!(v instanceof List)) throw new UserException(file + ": '" + key + "' must be a list, got " + describe(v));
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            if (o instanceof Map || o instanceof List) throw new UserException(file + ": '" + key + "' must be a list of names");
            out.add(String.valueOf(o));
        }
        return out;
    }

    private double num(Map<String, Object> m, String k, String key) {
        Object v = m.get(k);
        if (!(v instanceof Number)) throw new UserException(file + ": '" + key + "' must be a number, got " + describe(v));
        return ((Number) v).doubleValue();
    }

    private double opt(Map<String, Object> m, String k, double dflt) {
        return m.containsKey(k) ? num(m, k, "prs." + k) : dflt;
    }

    private boolean bool(Map<String, Object> m, String k, String key) {
        Object v = m.get(k);
        if (!(v instanceof Boolean)) throw new UserException(file + ": '" + key + "' must be true or false, got " + describe(v));
        return (Boolean) v;
    }

    private String oneOf(Map<String, Object> m, String k, String key, String... options) {
        String v = str(m, k, key);
        for (String o : options) if (o.equals(v)) return v;
        throw new UserException(file + ": '" + key + "' must be one of " + String.join(", ", options) + ", got '" + v + "'");
    }

    private static String describe(Object v) {
        return v instanceof Map ? "a mapping" : v instanceof List ? "a list" : "'" + v + "'";
    }
}
