package org.cohortex.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.cohortex.UserException;
import org.cohortex.backend.Backends;
import org.cohortex.celltype.CellTypeDeRequest;
import org.cohortex.counts.LimmaVoom;
import org.cohortex.counts.LimmaVoom.Normalization;
import org.cohortex.counts.LimmaVoom.Weights;
import org.cohortex.deconv.SignatureBuilder;
import org.cohortex.io.SafeNames;
import org.cohortex.io.TextFiles;
import org.cohortex.prs.Clumping;
import org.cohortex.prs.GenotypeQc;
import org.cohortex.prs.PrsPipeline;
import org.cohortex.prs.SummaryStatistics;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The study configuration of `cohortex run` (config/README.md documents every key). Paths are
 * relative to the config file's folder, or to `base` when given. Everything is checked before any
 * unit runs, and every problem is reported at once, by YAML key: unknown keys, wrong types and
 * ranges, missing files, traits absent from the phenotype table, cell types no panel has, names
 * that cannot become folder names.
 */
public final class StudyConfig {
    public record Region(String name, Path counts, String panel) {}

    public record Panel(String name, Path counts, Path labels, Path signature) {}

    /** The PRS step: genotypes, GWAS, the trait it becomes, the trait that picks the threshold, settings. */
    public record Prs(Path plink, Path gwas, String name, String target, PrsPipeline.QcSettings qc, PrsPipeline.ScoreSettings score) {}

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
    /** How cell-type sets are tested: interaction (the direct test on bulk), bmind (bMIND's test), imputed (the paper's path). */
    public final String cellTypeTest;
    /** The interaction model's scale and form (log2-share by default; linear = CellDMC's model on CPM with the mixture variance). */
    public final CellTypeDeRequest.FitScale interactionScale;
    /** Markers per cell type scanned when a signature is built from a panel (CIBERSORTx's G.min, G.max). */
    public final int minMarkers, maxMarkers;
    public final double alpha;
    public final int permutations;
    /** Freedman-Lane permutations per DE analysis (0 = none). */
    public final int dePermutations;
    /** edgeR/limma steps: filterByExpr, TMM ("tmm"/"none"), voom weights ("voom"/"none") on the bulk counts; eBayes on every set. */
    public final boolean filterByExpr, moderated, trend;
    public final String normalize, weights;
    public final long seed;
    public final String backend;
    public final Map<String, Object> raw;

    /** Problems found so far, each naming its key; reported together. */
    private final List<String> problems = new ArrayList<>();
    private final Path dir;

    private StudyConfig(Path file, Map<String, Object> m) {
        this.file = file;
        this.raw = m;
        check(m, "", Set.of("base", "cohort", "regions", "panels", "traits", "genotypes", "prs", "enrichment", "analysis"));
        Path base = file.toAbsolutePath().getParent();
        dir = m.containsKey("base") ? base.resolve(str(m, "base", "base", ".")) : base;
        Map<String, Object> cohort = map(m, "cohort", "cohort", true);
        check(cohort, "cohort.", Set.of("phenotypes", "sample_column"));
        phenotypes = path(cohort, "phenotypes", "cohort.phenotypes", true);
        sampleColumn = cohort.containsKey("sample_column") ? str(cohort, "sample_column", "cohort.sample_column", null) : null;
        readPanels(map(m, "panels", "panels", true));
        readRegions(map(m, "regions", "regions", true));
        traits = names(m, "traits", "traits", true);
        if (m.containsKey("traits") && traits.isEmpty()) problem("traits", "lists no trait");
        prs = m.containsKey("prs") ? readPrs(map(m, "genotypes", "genotypes", false), map(m, "prs", "prs", false)) : null;
        if (!m.containsKey("prs")) check(map(m, "genotypes", "genotypes", false), "genotypes.", Set.of("plink", "gwas"));
        Map<String, Object> em = map(m, "enrichment", "enrichment", false);
        check(em, "enrichment.", Set.of("gmt", "lists"));
        for (String g : strings(em, "gmt", "enrichment.gmt", false)) gmt.add(existing(dir.resolve(g), "enrichment.gmt"));
        for (String l : strings(em, "lists", "enrichment.lists", false)) lists.add(existing(dir.resolve(l), "enrichment.lists"));
        Map<String, Object> a = map(m, "analysis", "analysis", false);
        check(a, "analysis.", Set.of("cell_types", "num_sv", "select_covariates", "exclude", "covariates", "deconvolution", "imputation",
                "min_markers", "max_markers", "alpha", "permutations", "de_permutations", "seed", "backend", "cell_type_test", "normalize",
                "filter_by_expr", "weights", "moderated", "trend", "interaction_scale"));
        cellTypes = a.containsKey("cell_types") ? names(a, "cell_types", "analysis.cell_types", false) : null;
        numSv = numSv(a);
        selectCovariates = !a.containsKey("select_covariates") || bool(a, "select_covariates", "analysis.select_covariates");
        exclude = a.containsKey("exclude") ? strings(a, "exclude", "analysis.exclude", false) : null;
        covariates = strings(a, "covariates", "analysis.covariates", false);
        deconvolution = a.containsKey("deconvolution") ? oneOf(a, "deconvolution", "analysis.deconvolution", "nusvr", "nnls",
                "dwls") : "nusvr";
        minMarkers = (int) integer(a, "min_markers", "analysis.min_markers", SignatureBuilder.MIN_MARKERS, 1);
        maxMarkers = (int) integer(a, "max_markers", "analysis.max_markers", SignatureBuilder.MAX_MARKERS, 1);
        if (!SignatureBuilder.validMarkerRange(minMarkers, maxMarkers)) {
            problem("analysis.min_markers, analysis.max_markers", "need min_markers <= max_markers, got " + minMarkers + " and "
                    + maxMarkers);
        }
        imputation = a.containsKey("imputation") ? oneOf(a, "imputation", "analysis.imputation", "eb", "gibbs") : "eb";
        cellTypeTest = a.containsKey("cell_type_test")
                ? oneOf(a, "cell_type_test", "analysis.cell_type_test", "interaction", "bmind", "imputed") : "interaction";
        interactionScale = CellTypeDeRequest.FitScale.named(a.containsKey("interaction_scale")
                ? oneOf(a, "interaction_scale", "analysis.interaction_scale", "log2-share", "linear", "log2") : "log2-share");
        alpha = fraction(a, "alpha", "analysis.alpha", 0.05);
        permutations = (int) integer(a, "permutations", "analysis.permutations", 20, 1);
        dePermutations = (int) integer(a, "de_permutations", "analysis.de_permutations", 0, 0);
        seed = integer(a, "seed", "analysis.seed", 1, Long.MIN_VALUE);
        // counts are filtered and TMM-normalised by default (SPEC 4.1); the fit stays the paper's OLS unless asked
        filterByExpr = !a.containsKey("filter_by_expr") || bool(a, "filter_by_expr", "analysis.filter_by_expr");
        normalize = a.containsKey("normalize") ? oneOf(a, "normalize", "analysis.normalize", "tmm", "none") : "tmm";
        weights = a.containsKey("weights") ? oneOf(a, "weights", "analysis.weights", "none", "voom") : "none";
        moderated = a.containsKey("moderated") && bool(a, "moderated", "analysis.moderated");
        trend = a.containsKey("trend") && bool(a, "trend", "analysis.trend");
        checkLimma();
        backend = a.containsKey("backend") ? oneOf(a, "backend", "analysis.backend", Backends.NAMES) : "auto";
        checkAgainstInputs();
        if (!problems.isEmpty()) {
            throw new UserException(file + ": " + (problems.size() == 1 ? problems.get(0)
                    : problems.size() + " problems:\n  " + String.join("\n  ", problems)));
        }
    }

    /** The combinations of the edgeR/limma keys that `de` refuses, found before anything runs (as DeRequest's builder checks them). */
    private void checkLimma() {
        if (trend && !moderated) problem("analysis.trend", "needs analysis.moderated: true (limma-trend is a way of moderating the t)");
        if (dePermutations > 0 && (moderated || weights.equals("voom"))) {
            String other = moderated ? "analysis.moderated: true" : "analysis.weights: voom";
            problem("analysis.de_permutations", "cannot be combined with " + other + ": the Freedman-Lane permutations test the"
                    + " ordinary t of one unweighted design (set de_permutations: 0, or drop"
                    + " moderation and voom weights)");
        }
    }

    /**
     * The edgeR/limma settings of one analysed set: the counts steps apply to the bulk counts only (an
     * imputed cell-type set is log2 expression: no filter, TMM or voom there); moderation to every set.
     */
    public LimmaVoom.Settings limma(boolean counts) {
        return new LimmaVoom.Settings(counts && filterByExpr, counts && normalize.equals("tmm") ? Normalization.TMM : Normalization.NONE,
                counts && weights.equals("voom") ? Weights.VOOM : Weights.NONE, moderated, trend && moderated);
    }

    /** Reads and checks a configuration; every problem is in one message. */
    public static StudyConfig read(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            LoaderOptions lo = new LoaderOptions();
            lo.setAllowDuplicateKeys(false);
            Object o = new Yaml(new SafeConstructor(lo)).load(r);
            if (!(o instanceof Map)) throw new UserException(file + ": the configuration must be a YAML mapping of keys");
            return new StudyConfig(file, textKeys(file, (Map<?, ?>) o, ""));
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": file not found");
        } catch (IOException e) {
            throw new UserException(file + ": cannot be read (" + e.getMessage() + ")");
        } catch (YAMLException e) {
            throw new UserException(file + ": not valid YAML (" + e.getMessage().replace('\n', ' ') + ")");
        }
    }

    /** The mapping with every key checked to be text (YAML allows `1: x` or `[a]: b`; a configuration does not). */
    private static Map<String, Object> textKeys(Path file, Map<?, ?> m, String prefix) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new UserException(file + ": " + (prefix.isEmpty() ? "a top-level key" : "a key under '" + prefix + "'")
                        + " is not text: "
                        + e.getKey());
            }
            Object v = e.getValue();
            out.put(k, v instanceof Map<?, ?> sub ? textKeys(file, sub, prefix.isEmpty() ? k : prefix + "." + k) : v);
        }
        return out;
    }

    /**
     * How a configuration names an engine's setting ({@link UserException#setting}) in a message:
     * num_sv is analysis.num_sv; settings `run` does not expose are named as such.
     */
    public static String settingKey(String setting) {
        switch (setting) {
            case "sample_column":
                return "cohort.sample_column";
            case "sv_permutations":
                return "analysis.permutations";
            case "permutations":
                return "analysis.de_permutations";
            case "method":
                return "analysis.deconvolution";
            case "covariates": case "num_sv": case "min_markers": case "max_markers": case "alpha": case "seed": case "cell_types":
            case "exclude": case "select_covariates": case "imputation": case "cell_type_test": case "normalize": case "filter_by_expr":
            case "interaction_scale":
            case "weights": case "moderated": case "trend":
                return "analysis." + setting;
            default:
                return "the setting '" + setting + "' (fixed in a run)";
        }
    }

    // ------------------------------------------------------------------ sections

    private void readPanels(Map<String, Object> ps) {
        for (String p : ps.keySet()) {
            String key = "panels." + p;
            Map<String, Object> pm = map(ps, p, key, true);
            check(pm, key + ".", Set.of("counts", "labels", "signature"));
            Path sig = pm.containsKey("signature") ? path(pm, "signature", key + ".signature", true) : null;
            panels.put(p, new Panel(p, path(pm, "counts", key + ".counts", true), path(pm, "labels", key + ".labels", true), sig));
        }
    }

    private void readRegions(Map<String, Object> rs) {
        for (String r : rs.keySet()) {
            String key = "regions." + r;
            name(r, key);
            Map<String, Object> rm = map(rs, r, key, true);
            check(rm, key + ".", Set.of("counts", "panel"));
            String panel = str(rm, "panel", key + ".panel", "");
            if (rm.containsKey("panel") && !panels.containsKey(panel)) problem(key + ".panel", "no panel named '" + panel
                    + "' under panels");
            regions.put(r, new Region(r, path(rm, "counts", key + ".counts", true), panel));
        }
    }

    private Prs readPrs(Map<String, Object> geno, Map<String, Object> pm) {
        check(geno, "genotypes.", Set.of("plink", "gwas"));
        check(pm, "prs.", Set.of("name", "target", "maf", "geno", "mind", "hwe", "hwe_all_samples", "indep_pairwise", "het_sd",
                "rel_cutoff",
                "pcs", "min_info", "gwas_duplicates", "clump_r2", "clump_kb", "clump_p", "thresholds"));
        if (!geno.containsKey("plink") || !geno.containsKey("gwas")) problem("prs", "needs genotypes.plink and genotypes.gwas");
        PrsPipeline.QcSettings d = PrsPipeline.QcSettings.paper();
        List<String> ip = pm.containsKey("indep_pairwise") ? strings(pm, "indep_pairwise", "prs.indep_pairwise", false) : List.of("200",
                "25", "0.25");
        int window = 200, step = 25;
        double pruneR2 = 0.25;
        if (ip.size() != 3 || !ip.get(0).matches("[0-9]+") || !ip.get(1).matches("[0-9]+") || !ip.get(2).matches("[0-9.eE+-]+")) {
            problem("prs.indep_pairwise", "must be [window, step, r2] (two whole numbers and an r2), got " + ip);
        } else {
            window = Integer.parseInt(ip.get(0));
            step = Integer.parseInt(ip.get(1));
            pruneR2 = Double.parseDouble(ip.get(2));
            if (window < 2 || step < 1 || !(pruneR2 > 0 && pruneR2 <= 1)) problem("prs.indep_pairwise",
                    "needs window >= 2, step >= 1, 0 < r2 <= 1");
        }
        double maf = range(pm, "maf", "prs.maf", d.genotype().maf(), 0, 0.5, false);
        boolean hweAll = pm.containsKey("hwe_all_samples") && bool(pm, "hwe_all_samples", "prs.hwe_all_samples");
        SummaryStatistics.Duplicates dup = pm.containsKey("gwas_duplicates")
                ? SummaryStatistics.Duplicates.of(oneOf(pm, "gwas_duplicates", "prs.gwas_duplicates", "exclude-all", "keep-first"))
                : d.sumstats().duplicates();
        GenotypeQc.Settings gq = new GenotypeQc.Settings(maf, range(pm, "geno", "prs.geno", d.genotype().geno(), 0, 1, false),
                range(pm, "mind", "prs.mind", d.genotype().mind(), 0, 1, false), fraction(pm, "hwe", "prs.hwe", d.genotype().hwe()),
                        hweAll);
        PrsPipeline.QcSettings qc = new PrsPipeline.QcSettings(gq, window, step, pruneR2, positive(pm, "het_sd", "prs.het_sd", d.hetSd()),
                d.sexFemaleMax(), d.sexMaleMin(), fraction(pm, "rel_cutoff", "prs.rel_cutoff", d.relCutoff()),
                (int) integer(pm, "pcs", "prs.pcs", d.pcs(), 0), new SummaryStatistics.Settings(maf, range(pm, "min_info", "prs.min_info",
                        d.sumstats().minInfo(), 0, 1, false), dup));
        PrsPipeline.ScoreSettings sc = new PrsPipeline.ScoreSettings(new Clumping.Settings(fraction(pm, "clump_p", "prs.clump_p", 1), 1,
                fraction(pm, "clump_r2", "prs.clump_r2", 0.1), (int) integer(pm, "clump_kb", "prs.clump_kb", 250, 1)), thresholds(pm));
        String name = pm.containsKey("name") ? str(pm, "name", "prs.name", "prs") : "prs";
        name(name, "prs.name");
        String target = str(pm, "target", "prs.target", "");
        Path plink = geno.containsKey("plink") ? dir.resolve(str(geno, "plink", "genotypes.plink", "")) : null;
        if (plink != null) for (String ext : new String[] {".bed", ".bim", ".fam"}) existing(Path.of(plink + ext), "genotypes.plink");
        return new Prs(plink, path(geno, "gwas", "genotypes.gwas", true), name, target, qc, sc);
    }

    private double[] thresholds(Map<String, Object> pm) {
        if (!pm.containsKey("thresholds")) return PrsPipeline.ScoreSettings.defaultThresholds();
        List<String> t = strings(pm, "thresholds", "prs.thresholds", false);
        double[] th = new double[t.size()];
        for (int k = 0; k < th.length; k++) {
            try {
                th[k] = Double.parseDouble(t.get(k));
                if (!(th[k] > 0 && th[k] <= 1)) problem("prs.thresholds", "p thresholds must be in (0, 1], got " + t.get(k));
            } catch (NumberFormatException e) {
                problem("prs.thresholds", "must be numbers, got '" + t.get(k) + "'");
            }
        }
        if (th.length == 0) problem("prs.thresholds", "lists no threshold");
        Arrays.sort(th);
        return th;
    }

    private String numSv(Map<String, Object> a) {
        if (!a.containsKey("num_sv")) return "be";
        String v = String.valueOf(a.get("num_sv"));
        if (!v.equals("be") && !v.equals("leek") && !v.matches("[0-9]{1,6}")) problem("analysis.num_sv",
                "must be be, leek or a number of SVs (0 or more), got '" + v + "'");
        return v;
    }

    /** The checks that read the inputs' headers: traits in the phenotype table, cell types in the panels' labels, safe names. */
    private void checkAgainstInputs() {
        if (traits != null) {
            Set<String> seen = new LinkedHashSet<>();
            for (String t : traits) if (!seen.add(t)) problem("traits", "'" + t + "' is listed twice");
        }
        Set<String> columns = phenotypeColumns();
        if (columns != null && traits != null) {
            for (String t : traits) {
                boolean computed = prs != null && t.equals(prs.name());
                if (!computed && !columns.contains(t)) problem("traits", "'" + t + "' is not a column of " + phenotypes);
            }
            if (prs != null && !prs.target().isEmpty() && !columns.contains(prs.target())) {
                problem("prs.target", "'" + prs.target() + "' is not a column of " + phenotypes);
            }
            for (String c : covariates) if (!columns.contains(c)) problem("analysis.covariates", "'" + c + "' is not a column of "
                    + phenotypes);
        }
        Set<String> panelTypes = new TreeSet<>();
        for (Panel p : panels.values()) {
            if (p.labels() == null || !Files.isRegularFile(p.labels())) continue; // missing: already a problem
            try {
                for (String t : SignatureBuilder.cellTypes(p.labels())) {
                    panelTypes.add(t);
                    String bad = SafeNames.problem(t);
                    if (bad != null) problem("panels." + p.name() + ".labels", "cell type '" + t + "' cannot name a folder: " + bad);
                }
            } catch (UserException e) {
                problem("panels." + p.name() + ".labels", e.getMessage());
            }
        }
        if (cellTypes != null) {
            for (String t : cellTypes) {
                if (!panelTypes.isEmpty() && !panelTypes.contains(t)) {
                    problem("analysis.cell_types", "no panel has cells of type '" + t + "' (panels have " + String.join(", ",
                            panelTypes) + ")");
                }
            }
        }
    }

    /** The phenotype table's column names (header only), or null when it cannot be read (already a problem). */
    private Set<String> phenotypeColumns() {
        if (phenotypes == null || !Files.isRegularFile(phenotypes)) return null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(TextFiles.open(phenotypes), StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null) {
                problem("cohort.phenotypes", phenotypes + " is empty");
                return null;
            }
            if (header.startsWith("\uFEFF")) header = header.substring(1);
            Set<String> cols = new LinkedHashSet<>();
            for (String h : TextFiles.split(header, (char) TextFiles.delimiterFor(phenotypes, header))) cols.add(TextFiles.unquote(h));
            if (sampleColumn != null && !cols.contains(sampleColumn)) problem("cohort.sample_column",
                    "'" + sampleColumn + "' is not a column of " + phenotypes);
            return cols;
        } catch (IOException | UserException e) {
            problem("cohort.phenotypes", phenotypes + " cannot be read (" + e.getMessage() + ")");
            return null;
        }
    }

    // ------------------------------------------------------------------ typed access, recording problems

    private void problem(String key, String message) { problems.add(key + ": " + message); }

    private void check(Map<String, Object> m, String prefix, Set<String> allowed) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) problem(prefix + k, "unknown key (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Map<String, Object> m, String k, String key, boolean required) {
        Object v = m.get(k);
        if (v == null) {
            if (required) problem(key, "missing");
            return Map.of();
        }
        if (!(v instanceof Map)) {
            problem(key, "must be a mapping, got " + describe(v));
            return Map.of();
        }
        return (Map<String, Object>) v;
    }

    private String str(Map<String, Object> m, String k, String key, String dflt) {
        Object v = m.get(k);
        if (v == null) {
            problem(key, "missing");
            return dflt;
        }
        if (!(v instanceof String || v instanceof Number)) {
            problem(key, "must be a text value, got " + describe(v));
            return dflt;
        }
        return String.valueOf(v);
    }

    /** A path relative to the configuration's folder (or base); with {@code mustExist}, a missing file is a problem. */
    private Path path(Map<String, Object> m, String k, String key, boolean mustExist) {
        if (!m.containsKey(k)) {
            problem(key, "missing");
            return null;
        }
        Path p = dir.resolve(str(m, k, key, "."));
        return mustExist ? existing(p, key) : p;
    }

    private Path existing(Path p, String key) {
        if (!Files.isRegularFile(p)) problem(key, (Files.isDirectory(p) ? "is a folder, not a file: " : "file not found: ") + p);
        return p;
    }

    private List<String> strings(Map<String, Object> m, String k, String key, boolean required) {
        Object v = m.get(k);
        if (v == null) {
            if (required) problem(key, "missing");
            return List.of();
        }
        if (!(v instanceof List)) {
            problem(key, "must be a list, got " + describe(v));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            if (o == null || o instanceof Map || o instanceof List) {
                problem(key, "must be a list of names, got " + describe(o));
                continue;
            }
            out.add(String.valueOf(o));
        }
        return out;
    }

    /** A list of names that become folder names (traits, cell types): each checked with {@link SafeNames}. */
    private List<String> names(Map<String, Object> m, String k, String key, boolean required) {
        List<String> out = strings(m, k, key, required);
        for (String s : out) name(s, key);
        return out;
    }

    private void name(String s, String key) {
        String bad = SafeNames.problem(s);
        if (bad != null) problem(key, "'" + s + "' cannot name a folder: " + bad);
    }

    private double num(Map<String, Object> m, String k, String key, double dflt) {
        Object v = m.get(k);
        if (v == null) return dflt;
        if (!(v instanceof Number)) {
            problem(key, "must be a number, got " + describe(v));
            return dflt;
        }
        return ((Number) v).doubleValue();
    }

    /** A whole number at least {@code min}. */
    private long integer(Map<String, Object> m, String k, String key, long dflt, long min) {
        Object v = m.get(k);
        if (v == null) return dflt;
        if (!(v instanceof Integer || v instanceof Long)) {
            problem(key, "must be a whole number, got " + describe(v));
            return dflt;
        }
        long x = ((Number) v).longValue();
        if (x < min) problem(key, "must be " + min + " or more, got " + x);
        return x;
    }

    /** A number in [lo, hi]; with {@code openLow}, in (lo, hi] (a p threshold or a share of 0 means nothing). */
    private double range(Map<String, Object> m, String k, String key, double dflt, double lo, double hi, boolean openLow) {
        double x = num(m, k, key, dflt);
        if (!((openLow ? x > lo : x >= lo) && x <= hi)) problem(key, "must be in " + (openLow ? "(" : "[") + lo + ", " + hi + "], got "
                + x);
        return x;
    }

    private double fraction(Map<String, Object> m, String k, String key, double dflt) { return range(m, k, key, dflt, 0, 1, true); }

    private double positive(Map<String, Object> m, String k, String key, double dflt) {
        double x = num(m, k, key, dflt);
        if (!(x > 0)) problem(key, "must be positive, got " + x);
        return x;
    }

    private boolean bool(Map<String, Object> m, String k, String key) {
        Object v = m.get(k);
        if (!(v instanceof Boolean)) {
            problem(key, "must be true or false, got " + describe(v));
            return false;
        }
        return (Boolean) v;
    }

    private String oneOf(Map<String, Object> m, String k, String key, String... options) {
        String v = str(m, k, key, options[0]);
        for (String o : options) if (o.equals(v)) return v;
        problem(key, "must be one of " + String.join(", ", options) + ", got '" + v + "'");
        return options[0];
    }

    private static String describe(Object v) {
        return v == null ? "nothing" : v instanceof Map ? "a mapping" : v instanceof List ? "a list" : "'" + v + "'";
    }
}
