package org.cohortex.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.cohortex.deconv.SignatureBuilder;
import org.cohortex.io.SafeNames;
import org.cohortex.io.Scale;

/**
 * The study grid as a list of units, in the order a single process runs them: the PRS (when
 * configured), then region by region its deconvolution and imputation followed by its DE analyses
 * (set-major, so a matrix is parsed once for all traits), and the finish step (experiment-wise correction,
 * enrichment, report) over all of them. Built from the configuration alone, without running
 * anything: the cell types of a region are its panel's labels.
 */
public final class Plan {
    /** The finish step's id in the plan and on the command line. */
    public static final String FINISH = "finish";

    private final StudyConfig config;
    private final Path out;
    private final Path phenotypes;
    private final List<Unit> units = new ArrayList<>();
    private final Map<String, List<String>> regionTypes = new LinkedHashMap<>();

    private Plan(StudyConfig c, Path out) {
        this.config = c;
        this.out = out;
        Unit.Prs prs = c.prs == null ? null : prsUnit(c, out);
        if (prs != null) units.add(prs);
        phenotypes = prs != null ? prs.phenotypesOut() : c.phenotypes;
        for (StudyConfig.Region region : c.regions.values()) {
            // region by region: a region's DE units follow its deconvolution and imputation, so the matrices those
            // units leave in memory (the counts, the imputed types) serve the region's sets before the next region's
            List<Unit> sets = new ArrayList<>();
            StudyConfig.Panel panel = c.panels.get(region.panel());
            Unit.Deconvolve dc = deconvolveUnit(region, panel);
            units.add(dc);
            // the interaction model needs only the proportions; bMIND's test and the paper's path test imputed expression
            Unit.Impute imp = c.cellTypeTest.equals("interaction") ? null : imputeUnit(region, panel, dc);
            if (imp != null) units.add(imp);
            List<String> types = analysedTypes(List.of(SignatureBuilder.cellTypes(panel.labels())));
            regionTypes.put(region.name(), types);
            for (String trait : c.traits) sets.add(deUnit(trait, region.name(), region.counts(), Scale.COUNTS, List.of(), region.counts()));
            if (types.isEmpty()) {
                units.addAll(sets);
                continue;
            }
            if (c.cellTypeTest.equals("imputed")) {
                for (String t : types) {
                    Path matrix = imp.dir().resolve(t + ".tsv.gz");
                    for (String trait : c.traits) {
                        sets.add(deUnit(trait, region.name() + "." + t, matrix, Scale.LOG2, List.of(imp.id()), region.counts()));
                    }
                }
            } else {
                for (String trait : c.traits) sets.add(cellTypeUnit(trait, region, dc, imp, types));
            }
            units.addAll(sets);
        }
    }

    public static Plan of(StudyConfig c, Path out) { return new Plan(c, out); }

    public List<Unit> units() { return units; }

    public Optional<Unit> unit(String id) { return units.stream().filter(u -> u.id().equals(id)).findFirst(); }

    /** One analysed set (a bulk region, or a region's cell type) and the unit that writes it. */
    public record SetRef(String unitId, String trait, String set, Path dir) {}

    /** Every set of the grid, in plan order: what the experiment-wise correction, enrichment and the report read. */
    public List<SetRef> sets() {
        List<SetRef> out = new ArrayList<>();
        for (Unit u : units) {
            if (u instanceof Unit.De d) out.add(new SetRef(d.id(), d.trait(), d.set(), d.dir()));
            if (u instanceof Unit.CellType ct) {
                for (String t : ct.cellTypes()) out.add(new SetRef(ct.id(), ct.trait(), ct.region() + "." + t, ct.setDir(t)));
            }
        }
        return out;
    }

    /** The units that write sets (DE and cell-type units): the finish step's upstream. */
    public List<String> setUnitIds() {
        return units.stream().filter(u -> u.kind() == Unit.Kind.DE || u.kind() == Unit.Kind.CELLTYPE).map(Unit::id).toList();
    }

    /** Region -> the cell types analysed there (the panel's, filtered and ordered by analysis.cell_types). */
    public Map<String, List<String>> regionTypes() { return regionTypes; }

    /** The phenotype table the analyses read: the configuration's, or it with the computed PRS. */
    public Path phenotypes() { return phenotypes; }

    public Path out() { return out; }

    public StudyConfig config() { return config; }

    /** The plan as `run --plan` writes it: every unit with its dependencies, and the finish step. */
    public Map<String, Object> toJson() {
        List<Object> list = new ArrayList<>();
        for (Unit u : units) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", u.id());
            m.put("kind", u.kind().name().toLowerCase(Locale.ROOT));
            m.put("upstream", u.upstream());
            m.put("gpu", u.gpu());
            m.put("memory_mb", u.memoryMb());
            m.put("settings", u.settings());
            m.put("inputs", absolute(u.inputs()));
            m.put("outputs", absolute(u.outputs()));
            // a DE analysis that cannot be fitted is done with its reason instead of its tables
            m.put("alternative_outputs", absolute(u.alternativeOutputs()));
            list.add(m);
        }
        Map<String, Object> finish = new LinkedHashMap<>();
        finish.put("id", FINISH);
        finish.put("upstream", setUnitIds());
        finish.put("outputs", absolute(List.of(out.resolve("de_summary.tsv"), out.resolve("experimentwise_degs.tsv"), out.resolve("enrich"),
                out.resolve("report.html"), out.resolve("manifest.json"))));
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("config", config.file.toAbsolutePath().toString());
        plan.put("out", out.toAbsolutePath().toString());
        plan.put("units", list);
        plan.put("finish", finish);
        return plan;
    }

    private static List<String> absolute(List<Path> paths) {
        return paths.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList();
    }

    // ------------------------------------------------------------------ units

    private static Unit.Prs prsUnit(StudyConfig c, Path out) {
        StudyConfig.Prs p = c.prs;
        Path dir = out.resolve("prs");
        List<String> settings = List.of("prs", p.name(), p.target(), p.qc().toString(), p.score().clump().toString(),
                Arrays.toString(p.score().thresholds()));
        List<Path> inputs = List.of(Path.of(p.plink() + ".bed"), Path.of(p.plink() + ".bim"), Path.of(p.plink() + ".fam"), p.gwas(),
                c.phenotypes);
        Path pheno = dir.resolve("pheno.tsv");
        return new Unit.Prs("prs", settings, inputs, List.of(dir.resolve("score").resolve("prs.best.tsv"), pheno), estimateMb(inputs, 4), p,
                dir, pheno);
    }

    private Unit.Deconvolve deconvolveUnit(StudyConfig.Region region, StudyConfig.Panel panel) {
        Path dir = folder(out.resolve("deconvolution"), region.name());
        List<Path> inputs = List.of(region.counts(), panel.counts(), panel.labels());
        return new Unit.Deconvolve("deconvolve/" + region.name(), List.of("deconvolve", config.deconvolution,
                config.minMarkers + "-" + config.maxMarkers), inputs, List.of(dir.resolve("proportions.tsv")), estimateMb(inputs, 6),
                        region, panel, dir);
    }

    private Unit.Impute imputeUnit(StudyConfig.Region region, StudyConfig.Panel panel, Unit.Deconvolve dc) {
        Path dir = folder(out.resolve("imputation"), region.name());
        Path proportions = dc.dir().resolve("proportions.tsv");
        List<String> types = List.of(SignatureBuilder.cellTypes(panel.labels()));
        List<Path> outputs = new ArrayList<>();
        for (String t : types) outputs.add(dir.resolve(SafeNames.require(t, panel.labels() + ": cell type") + ".tsv.gz"));
        List<Path> inputs = List.of(region.counts(), proportions, panel.counts(), panel.labels());
        boolean gibbs = config.imputation.equals("gibbs");
        return new Unit.Impute("impute/" + region.name(), List.of("impute", config.imputation, Long.toString(config.seed)), inputs, outputs,
                List.of(dc.id()), gibbs, estimateMb(List.of(region.counts()), 4 * types.size()), region, panel, proportions, types, dir);
    }

    /** The panel's cell types restricted to analysis.cell_types, in that list's order. */
    private List<String> analysedTypes(List<String> all) {
        if (config.cellTypes == null) return all;
        List<String> keep = new ArrayList<>();
        for (String t : config.cellTypes) if (all.contains(t)) keep.add(t);
        return keep;
    }

    /**
     * {@code sized}: the file the memory estimate is taken from, the region's counts for an imputed set too (the same
     * genes x samples): the imputed matrix does not exist before its upstream unit ran, and a plan must not change
     * once it has (a workflow manager's cache keys on it).
     */
    private Unit.De deUnit(String trait, String set, Path matrix, Scale scale, List<String> imputation, Path sized) {
        Path dir = folder(folder(out.resolve("de"), trait), set);
        List<String> exclude = config.exclude != null ? config.exclude : config.traits;
        List<String> settings = List.of("de", trait, scale == Scale.COUNTS ? "log2cpm" : "none", config.numSv,
                Boolean.toString(config.selectCovariates), String.join(",", exclude), String.join(",", config.covariates),
                Integer.toString(config.permutations), Integer.toString(config.dePermutations), Long.toString(config.seed),
                config.limma(scale == Scale.COUNTS).toString());
        List<String> upstream = new ArrayList<>(imputation);
        if (config.prs != null) upstream.add(0, "prs");
        List<Path> inputs = List.of(matrix, phenotypes);
        return new Unit.De("de/" + trait + "/" + set, settings, inputs, List.of(dir.resolve("de.tsv"), dir.resolve("model.json")),
                List.of(dir.resolve("not_fitted.txt")), upstream, config.dePermutations > 0, estimateMb(List.of(sized), 6), trait, set,
                        matrix,
                scale, phenotypes, dir);
    }

    /** One trait in every cell type of a region (interaction model, or bMIND's test on the region's imputation). */
    private Unit.CellType cellTypeUnit(String trait, StudyConfig.Region region, Unit.Deconvolve dc, Unit.Impute imp, List<String> types) {
        Path typeRoot = out.resolve("de").resolve(trait), joint = out.resolve("celltype").resolve(trait).resolve(region.name());
        List<String> exclude = config.exclude != null ? config.exclude : config.traits;
        List<String> settings = List.of("celltype", trait, config.cellTypeTest, "scale=" + config.interactionScale, String.join(",", types),
                config.numSv,
                Boolean.toString(config.selectCovariates), String.join(",", exclude), String.join(",", config.covariates),
                Integer.toString(config.permutations), Long.toString(config.seed));
        Path proportions = dc.dir().resolve("proportions.tsv");
        List<Path> inputs = new ArrayList<>(List.of(region.counts(), proportions, phenotypes));
        if (imp != null) inputs.addAll(imp.outputs());
        List<String> upstream = new ArrayList<>();
        if (config.prs != null) upstream.add("prs");
        upstream.add(imp != null ? imp.id() : dc.id());
        List<Path> outputs = new ArrayList<>(), notFitted = new ArrayList<>();
        for (String t : types) {
            Path d = typeRoot.resolve(region.name() + "." + t);
            outputs.add(d.resolve("de.tsv"));
            outputs.add(d.resolve("model.json"));
            notFitted.add(d.resolve("not_fitted.txt"));
        }
        return new Unit.CellType("celltype/" + trait + "/" + region.name(), settings, inputs, outputs, notFitted, upstream, false,
                estimateMb(List.of(region.counts()), 8), trait, region.name(), types, region.counts(), proportions, phenotypes,
                imp == null ? null : imp.dir(), joint, typeRoot);
    }

    /**
     * {@code parent/name}, after checking that {@code name} is one safe folder name (the configuration's
     * names are checked when it is read; this is the last word before a unit writes there).
     */
    private static Path folder(Path parent, String name) {
        return parent.resolve(SafeNames.require(name, "a unit's folder name"));
    }

    /**
     * Peak memory from the inputs' sizes: 1 GB for the JVM and libraries, plus {@code copies} copies of
     * the values as doubles (a gzip TSV holds ~2 bytes per value; an absent upstream output counts 200 MB).
     */
    static long estimateMb(List<Path> inputs, int copies) {
        long bytes = 0;
        for (Path p : inputs) {
            try {
                long size = Files.size(p);
                bytes += p.toString().endsWith(".gz") ? size * 4 : size;
            } catch (IOException e) {
                bytes += 200L << 20;
            }
        }
        return 1024 + bytes / 8 * 8 * copies / (1 << 20);
    }
}
