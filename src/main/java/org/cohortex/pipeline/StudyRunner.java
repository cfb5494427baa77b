package org.cohortex.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.Version;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.celltype.CellTypeDe;
import org.cohortex.celltype.CellTypeDeRequest;
import org.cohortex.de.DeRequest;
import org.cohortex.de.DeTable;
import org.cohortex.de.DifferentialExpression;
import org.cohortex.deconv.Deconvolution;
import org.cohortex.deconv.DeconvolutionEngine;
import org.cohortex.deconv.DeconvolutionRequest;
import org.cohortex.deconv.Signature;
import org.cohortex.enrich.EnrichmentEngine;
import org.cohortex.enrich.EnrichmentRequest;
import org.cohortex.impute.ImputationEngine;
import org.cohortex.impute.ImputationRequest;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.Json;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.PhenotypeColumns;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.io.Scale;
import org.cohortex.prs.PrsPipeline;
import org.cohortex.sva.CovariateSelection;
import org.cohortex.sva.SvaAnalysis;

/**
 * `cohortex run`: the study grid of a configuration ({@link Plan}), unit by unit through the
 * engines every command uses, then the finish step: experiment-wise Bonferroni over all sets,
 * enrichment, manifest.json and report.html. A whole run, one unit ({@link #runUnit}) or the finish
 * alone ({@link #finish}) work on the same output folder, so units may run in separate processes.
 */
public final class StudyRunner {
    private final Plan plan;
    private final StudyConfig c;
    private final Path out;
    private final ComputeBackend backend;
    private final UnitRunner runner;
    private final Map<String, Object> manifest = new LinkedHashMap<>();
    /**
     * Region matrices parsed or made by earlier units (the counts by deconvolution, the imputed matrices by imputation) for
     * the region's DE units, least recently used first, kept while they take at most an eighth of the heap (the newest
     * parsed one is always kept).
     */
    private final LinkedHashMap<Path, ExpressionMatrix> matrices = new LinkedHashMap<>(16, 0.75f, true);
    /** Signatures built from a panel, by panel: the regions that share a panel share its signature. */
    private final Map<String, Signature> signatures = new HashMap<>();

    private StudyRunner(StudyConfig c, Path out, boolean reuse, ComputeBackend backend, UnitRunner.Listener listener) {
        this.c = c;
        this.out = out;
        this.backend = backend;
        this.plan = Plan.of(c, out);
        this.runner = new UnitRunner(out, c.file.toString(), reuse, listener);
        manifest.put("cohortex_version", Version.get());
        manifest.put("config_file", c.file.toString());
        manifest.put("config", c.raw);
        manifest.put("backend", backend.describe());
        manifest.put("java", System.getProperty("java.version"));
        manifest.put("input_checksums", runner.checksums());
        manifest.put("units", runner.units());
    }

    /** The whole grid; with {@code resume}, units whose key is unchanged and whose outputs exist are reused. */
    public static void run(StudyConfig c, Path out, boolean resume, ComputeBackend backend) {
        run(c, out, resume, backend, new UnitRunner.Listener() {});
    }

    static void run(StudyConfig c, Path out, boolean resume, ComputeBackend backend, UnitRunner.Listener listener) {
        Preflight.check(c, out); // before anything is written
        try (RunLock lock = RunLock.exclusive(out)) {
            lock.removeStaleParts(out);
            new StudyRunner(c, out, resume, backend, listener).runAll();
        }
    }

    /** The checks of the inputs' contents a whole run makes before it writes anything ({@link Preflight}). */
    public static void preflight(StudyConfig c, Path out) { Preflight.check(c, out); }

    /** One unit of the plan, against the upstream outputs already in {@code out}; nothing if it is current. */
    public static void runUnit(StudyConfig c, Path out, String id, ComputeBackend backend) {
        try (RunLock lock = id.equals(Plan.FINISH) ? RunLock.exclusive(out) : RunLock.shared(out)) {
            runUnitLocked(c, out, id, backend);
        }
    }

    private static void runUnitLocked(StudyConfig c, Path out, String id, ComputeBackend backend) {
        StudyRunner s = new StudyRunner(c, out, true, backend, new UnitRunner.Listener() {});
        if (id.equals(Plan.FINISH)) {
            s.finish();
            return;
        }
        Unit u = s.plan.unit(id).orElseThrow(() -> new UserException("no unit '" + id + "' in the plan of " + c.file
                + " (run --plan FILE lists them)"));
        for (String up : u.upstream()) {
            Unit upstream = s.plan.unit(up).orElseThrow();
            if (!s.runner.isCurrent(upstream)) {
                throw new UserException("unit '" + id + "' needs '" + up + "', which has not run in " + out
                        + " or whose inputs or settings changed since: run it first");
            }
        }
        s.runner.expect(1);
        s.execute(u);
    }

    /** The finish step alone, over the units already in {@code out}. */
    public static void finishOnly(StudyConfig c, Path out, ComputeBackend backend) {
        try (RunLock lock = RunLock.exclusive(out)) {
            new StudyRunner(c, out, true, backend, new UnitRunner.Listener() {}).finish();
        }
    }

    private void runAll() {
        long t0 = System.nanoTime();
        runner.expect(plan.units().size() + 1);
        for (Unit u : plan.units()) {
            execute(u);
            Json.write(out.resolve("manifest.json"), manifest);
        }
        finish();
        manifest.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        Json.write(out.resolve("manifest.json"), manifest);
        Log.info("run: %d units (%d run, %d reused) in %.1f s; report: %s", runner.done(), runner.ran(), runner.done() - runner.ran(),
                (System.nanoTime() - t0) / 1e9, out.resolve("report.html"));
    }

    private void execute(Unit u) {
        switch (u.kind()) {
            case PRS -> runner.run(u, () -> prs((Unit.Prs) u));
            case DECONVOLVE -> runner.run(u, () -> deconvolve((Unit.Deconvolve) u));
            case IMPUTE -> runner.run(u, () -> impute((Unit.Impute) u));
            case DE -> runner.run(u, () -> de((Unit.De) u));
            case CELLTYPE -> runner.run(u, () -> cellType((Unit.CellType) u));
            default -> throw new IllegalArgumentException("unit kind " + u.kind() + " runs in the finish step");
        }
        for (Path p : u.outputs()) runner.invalidate(p);
    }

    // ------------------------------------------------------------------ units

    private void prs(Unit.Prs u) {
        StudyConfig.Prs p = u.prs();
        PrsPipeline.qc(p.plink(), p.gwas(), p.qc(), backend, u.dir().resolve("qc"));
        PhenotypeTable table = PhenotypeReader.read(c.phenotypes, c.sampleColumn, Set.of());
        PrsPipeline.score(p.plink(), u.dir().resolve("qc"), table, p.target(), p.score(), backend, u.dir().resolve("score"));
        PhenotypeColumns.put(c.phenotypes, c.sampleColumn, p.name(), u.dir().resolve("score").resolve("prs.best.tsv"), u.phenotypesOut());
    }

    private void deconvolve(Unit.Deconvolve u) {
        DeconvolutionRequest r = new DeconvolutionRequest(u.region().counts(), Scale.COUNTS, null, u.panel().counts(), u.panel().labels(),
                c.minMarkers, c.maxMarkers, Deconvolution.Method.valueOf(c.deconvolution.toUpperCase(Locale.ROOT)), 0, c.seed, u.dir());
        Signature sig = signatures.get(u.panel().name());
        if (sig == null) {
            sig = DeconvolutionEngine.signature(r);
            signatures.put(u.panel().name(), sig);
        } else {
            Log.info("signature: panel '%s' as built for an earlier region (%d genes)", u.panel().name(), sig.genes().length);
        }
        DeconvolutionEngine.run(r, region(u.region().counts()), sig, backend, runner.sink());
    }

    private void impute(Unit.Impute u) {
        ImputationRequest r = ImputationRequest.forGrid(u.region().counts(), u.proportions(), u.panel().counts(), u.panel().labels(),
                c.imputation.equals("gibbs"), c.seed, u.dir());
        ImputationEngine.Written w = ImputationEngine.write(r, region(u.region().counts()), backend, runner.sink(), budget());
        if (w.matrices() == null) return;
        // the region's imputed DE units take these instead of parsing the files back (the same values: rounded as written)
        Map<Path, ExpressionMatrix> made = new LinkedHashMap<>();
        for (int t = 0; t < w.cellTypes().size(); t++) made.put(u.dir().resolve(w.cellTypes().get(t) + ".tsv.gz"), w.matrices().get(t));
        long size = made.values().stream().mapToLong(StudyRunner::bytes).sum();
        if (size > budget()) return; // nothing evicted for them: the region's counts stay for its bulk units
        evictFor(size);
        matrices.putAll(made);
    }

    /**
     * The matrix of {@code file}, parsed once while it stays in {@link #matrices}. Before a new file is parsed, the least
     * recently used matrices go until one more of the largest size would fit the budget, so a large cohort holds no more
     * than before (one matrix at 10x in a 16 GB heap).
     */
    private ExpressionMatrix region(Path file) {
        ExpressionMatrix m = matrices.get(file);
        if (m != null) return m;
        evictFor(matrices.values().stream().mapToLong(StudyRunner::bytes).max().orElse(0));
        m = MatrixReader.read(file);
        matrices.put(file, m);
        return m;
    }

    /** What {@link #matrices} may hold: an eighth of the heap. */
    private static long budget() {
        return Runtime.getRuntime().maxMemory() / 8;
    }

    /** Drops the least recently used matrices until {@code more} bytes fit the budget beside the rest (or none is left). */
    private void evictFor(long more) {
        long used = matrices.values().stream().mapToLong(StudyRunner::bytes).sum();
        for (Iterator<ExpressionMatrix> it = matrices.values().iterator(); it.hasNext() && used + more > budget(); ) {
            used -= bytes(it.next());
            it.remove();
        }
    }

    private static long bytes(ExpressionMatrix m) {
        return 8L * m.geneCount() * m.sampleCount() + 64L * (m.geneCount() + m.sampleCount());
    }

    private void de(Unit.De u) {
        Path reason = u.dir().resolve("not_fitted.txt");
        try {
            DifferentialExpression.run(deRequest(u), region(u.expression()), backend, runner.sink());
            Files.deleteIfExists(reason);
        } catch (UserException e) {
            // an analysis that cannot be fitted (e.g. more model columns than complete samples) is a
            // result, not the end of the run: its reason is kept and the rest of the grid goes on
            String why = e.render(StudyConfig::settingKey);
            Log.warn("%s/%s: not fitted: %s", u.trait(), u.set(), why);
            AtomicFile.writeString(reason, why + "\n");
            deleteQuietly(u.dir().resolve("de.tsv")); // a stale result of an earlier run must not count
            deleteQuietly(u.dir().resolve("model.json"));
        } catch (IOException e) {
            throw new UserException(reason + ": " + e.getMessage());
        }
    }

    /** One trait in every cell type of a region; a model that cannot be fitted is recorded in each cell type's folder. */
    private void cellType(Unit.CellType u) {
        SvaAnalysis.Settings sva = new SvaAnalysis.Settings(c.numSv, c.permutations, SvaAnalysis.Settings.DEFAULT.iterations(), c.seed);
        List<String> exclude = c.exclude != null ? c.exclude : c.traits;
        DeRequest.Selection sel = c.selectCovariates ? new DeRequest.Selection(null, Set.copyOf(exclude),
                CovariateSelection.Options.DEFAULT) : null;
        CellTypeDeRequest.Method method = CellTypeDeRequest.Method.valueOf(c.cellTypeTest.toUpperCase(Locale.ROOT));
        CellTypeDeRequest r = new CellTypeDeRequest(u.counts(), Scale.COUNTS, u.proportions(), u.phenotypes(), c.sampleColumn, u.trait(),
                c.covariates, Set.of(), false, method, c.interactionScale, c.interactionScale.defaultVariance(), sva, sel, null, null,
                c.imputation.equals("gibbs"), c.seed, u.region(), u.cellTypes(), u.imputed());
        try {
            ExpressionMatrix bulk = method == CellTypeDeRequest.Method.IMPUTED ? null : region(u.counts());
            CellTypeDe.run(r, bulk, new CellTypeDe.Folders(u.joint(), u.typeRoot(), true), backend, runner.sink());
            for (String t : u.cellTypes()) deleteQuietly(u.setDir(t).resolve("not_fitted.txt"));
        } catch (UserException e) {
            String why = e.render(StudyConfig::settingKey);
            Log.warn("%s: not fitted: %s", u.id(), why);
            for (String t : u.cellTypes()) {
                AtomicFile.writeString(u.setDir(t).resolve("not_fitted.txt"), why + "\n");
                deleteQuietly(u.setDir(t).resolve("de.tsv"));
                deleteQuietly(u.setDir(t).resolve("model.json"));
            }
        }
    }

    /** The DE request of a grid analysis: the configuration's settings, the other traits never covariates. */
    private DeRequest deRequest(Unit.De u) {
        List<String> exclude = c.exclude != null ? c.exclude : c.traits;
        SvaAnalysis.Settings sva = new SvaAnalysis.Settings(c.numSv, c.permutations, SvaAnalysis.Settings.DEFAULT.iterations(), c.seed);
        DeRequest.Selection sel = c.selectCovariates ? new DeRequest.Selection(null, Set.copyOf(exclude),
                CovariateSelection.Options.DEFAULT) : null;
        return DeRequest.builder(u.expression(), u.phenotypes(), u.trait(), u.dir()).sampleColumn(c.sampleColumn).covariates(c.covariates)
                .inputScale(u.scale()).set(u.set()).sva(sva).selection(sel).permutations(c.dePermutations, c.seed)
                .limma(c.limma(u.scale() == Scale.COUNTS)).build();
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UserException(f + ": cannot be removed (" + e.getMessage() + ")");
        }
    }

    // ------------------------------------------------------------------ finish

    /**
     * Experiment-wise correction, enrichment, manifest and report over the DE units in the folder; each de.tsv is parsed
     * once however many of these read it.
     */
    private void finish() {
        try (DeTable.SharedReads shared = DeTable.shareReads()) {
            finishSteps();
        }
    }

    private void finishSteps() {
        List<Path> fitted = new ArrayList<>();
        Map<String, String> notFitted = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Plan.SetRef set : plan.sets()) {
            if (Files.isRegularFile(set.dir().resolve("de.tsv"))) fitted.add(set.dir());
            else if (Files.isRegularFile(set.dir().resolve("not_fitted.txt"))) {
                notFitted.put(out.resolve("de").relativize(set.dir()).toString(), readOr(set.dir().resolve("not_fitted.txt"), "no output"));
            } else if (!missing.contains(set.unitId())) missing.add(set.unitId());
        }
        if (!missing.isEmpty()) {
            throw new UserException(missing.size() + " analyses have not run in " + out + " (" + String.join(", ", missing.subList(0,
                    Math.min(5,
                    missing.size()))) + (missing.size() > 5 ? ", ..." : "") + "): run them before --finish");
        }
        manifest.put("not_fitted", notFitted);
        if (fitted.isEmpty() && !notFitted.isEmpty()) {
            Json.write(out.resolve("manifest.json"), manifest);
            throw new UserException("none of the " + notFitted.size() + " analyses could be fitted (reasons in manifest.json): "
                    + reasons(notFitted));
        }
        if (!notFitted.isEmpty()) {
            Log.warn("run: %d of %d analyses could not be fitted (listed in manifest.json and the report)", notFitted.size(),
                    plan.sets().size());
        }
        manifest.put("experiment_wise_tests", ExperimentWise.write(fitted, c.alpha, out));
        Unit.Enrich enrich = enrichUnit(fitted);
        Map<String, Path> props = new LinkedHashMap<>();
        for (String r : plan.regionTypes().keySet()) props.put(r, out.resolve("deconvolution").resolve(r).resolve("proportions.tsv"));
        runner.run(enrich, () -> EnrichmentEngine.run(EnrichmentRequest.forGrid(fitted, c.gmt, c.lists, props, c.alpha, enrich.dir()),
                runner.sink()));
        for (Unit u : plan.units()) { // units that ran in other processes (run --unit) are in the manifest too
            if (!runner.units().containsKey(u.id())) {
                Map<String, Object> record = runner.record(u.id());
                if (record != null) runner.units().put(u.id(), record);
            }
        }
        if (TruthScores.available(c)) TruthScores.write(out, c, plan, backend);
        Json.write(out.resolve("manifest.json"), manifest);
        Report.write(out, c, plan);
    }

    private Unit.Enrich enrichUnit(List<Path> fitted) {
        List<Path> inputs = new ArrayList<>();
        for (Path d : fitted) inputs.add(d.resolve("de.tsv"));
        inputs.addAll(c.gmt);
        inputs.addAll(c.lists);
        Path dir = out.resolve("enrich");
        return new Unit.Enrich("enrich", List.of("enrich", Double.toString(c.alpha)), inputs, List.of(dir.resolve("overlap.tsv")),
                plan.setUnitIds(), fitted, dir);
    }

    /** The distinct reasons, most frequent first, with how many analyses each stopped. */
    private static String reasons(Map<String, String> notFitted) {
        Map<String, Integer> count = new LinkedHashMap<>();
        for (String why : notFitted.values()) count.merge(why, 1, Integer::sum);
        List<Map.Entry<String, Integer>> l = new ArrayList<>(count.entrySet());
        l.sort((a, b) -> b.getValue() - a.getValue());
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> e : l.subList(0, Math.min(3, l.size()))) sb.append("\n  ").append(e.getValue()).append(" x ")
                .append(e.getKey());
        if (l.size() > 3) sb.append("\n  ... and ").append(l.size() - 3).append(" other reasons");
        return sb.toString();
    }

    private static String readOr(Path f, String dflt) {
        try {
            return Files.readString(f).trim();
        } catch (IOException e) {
            return dflt;
        }
    }
}
