package org.cohortex.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.Version;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.de.DifferentialExpression;
import org.cohortex.deconv.Deconvolution;
import org.cohortex.deconv.Signature;
import org.cohortex.deconv.SignatureBuilder;
import org.cohortex.enrich.DeResult;
import org.cohortex.enrich.Enrichment;
import org.cohortex.enrich.GeneSetFiles;
import org.cohortex.impute.CellTypeImputation;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.Json;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.MatrixWriter;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.io.Scale;
import org.cohortex.prs.PrsPipeline;

/**
 * `cohortex run`: the paper's whole grid from one configuration (SPEC 4.10). Units: deconvolution
 * and imputation per region, SVA + covariate selection + DE per trait x set (bulk region or region x
 * cell type), enrichment over all DE results. Each unit's key hashes its settings and the SHA-256
 * of its input files (upstream outputs included); manifest.json is rewritten atomically after
 * every unit, so a killed run loses only the unit it was in, and --resume skips units whose key is
 * unchanged and whose outputs are present.
 */
public final class StudyRunner {
    /** Test hook: stop (as if killed) after this many units have run; negative = never. */
    public static volatile int stopAfterUnits = -1;

    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;
        Stopped() { super("stopped by the test hook"); }
    }

    private final StudyConfig c;
    private final Path out;
    private final boolean resume;
    private final ComputeBackend backend;
    private final Map<String, Object> manifest = new LinkedHashMap<>();
    private final Map<String, Object> units = new LinkedHashMap<>();
    private final Map<String, String> checksums = new LinkedHashMap<>();
    private Map<String, String> previous = Map.of();
    private int ran, total, done;
    /** The last expression matrix parsed by a DE unit: consecutive units of one set share it. */
    /** The phenotype file the analyses read: the config's, or it plus the computed PRS column. */
    private Path phenotypes;
    private String cachedPath;
    private ExpressionMatrix cached;

    private StudyRunner(StudyConfig c, Path out, boolean resume, ComputeBackend backend) {
        this.c = c;
        this.out = out;
        this.resume = resume;
        this.backend = backend;
    }

    public static void run(StudyConfig c, Path out, boolean resume, ComputeBackend backend) {
        new StudyRunner(c, out, resume, backend).runAll();
    }

    private void runAll() {
        long t0 = System.nanoTime();
        if (resume) previous = readPreviousKeys();
        manifest.put("cohortex_version", Version.get());
        manifest.put("config_file", c.file.toString());
        manifest.put("config", c.raw);
        manifest.put("backend", backend.describe());
        manifest.put("java", System.getProperty("java.version"));
        manifest.put("input_checksums", checksums);
        manifest.put("units", units);
        phenotypes = c.phenotypes;
        if (c.prs != null) {
            // the PRS is computed from genotypes first and joins the phenotypes as a trait (paper: MCP-PRS)
            Path prsDir = out.resolve("prs");
            StudyConfig.Prs p = c.prs;
            total++;
            unit("prs", key("prs", p.name(), p.target(), p.qc().toString(), p.score().clump().toString(), Arrays.toString(p.score().thresholds()),
                    file(Path.of(p.plink() + ".bed")), file(Path.of(p.plink() + ".bim")), file(Path.of(p.plink() + ".fam")), file(p.gwas()), file(c.phenotypes)),
                    List.of(prsDir.resolve("score").resolve("prs.best.tsv"), prsDir.resolve("pheno.tsv")), () -> prs(p, prsDir));
            phenotypes = prsDir.resolve("pheno.tsv");
        }
        PhenotypeTable pheno = PhenotypeReader.read(phenotypes, c.sampleColumn, Set.of());
        for (String t : c.traits) pheno.column(t);
        List<String[]> sets = new ArrayList<>(); // {trait, set, expression file, transform}
        List<String> regions = new ArrayList<>(c.regions.keySet());
        Map<String, List<String>> regionTypes = new LinkedHashMap<>();
        for (String r : regions) regionTypes.put(r, null);
        total += regions.size() * 2 + 1;
        for (String r : regions) {
            StudyConfig.Region region = c.regions.get(r);
            StudyConfig.Panel panel = c.panels.get(region.panel());
            Path dc = out.resolve("deconvolution").resolve(r);
            unit("deconvolve/" + r, key("deconvolve", c.deconvolution, c.minMarkers + "-" + c.maxMarkers, file(region.counts()), file(panel.counts()), file(panel.labels())),
                    List.of(dc.resolve("proportions.tsv")), () -> deconvolve(region, panel, dc));
            List<String> types = cellTypes(dc.resolve("proportions.tsv"));
            regionTypes.put(r, types);
            Path imp = out.resolve("imputation").resolve(r);
            List<Path> impOut = new ArrayList<>();
            for (String t : types) impOut.add(imp.resolve(t + ".tsv.gz"));
            unit("impute/" + r, key("impute", c.imputation, Long.toString(c.seed), file(region.counts()), file(dc.resolve("proportions.tsv")), file(panel.counts()),
                    file(panel.labels())), impOut, () -> impute(region, panel, dc.resolve("proportions.tsv"), imp));
            // set-major, so that each expression matrix is parsed once for all traits
            for (String trait : c.traits) sets.add(new String[] {trait, r, region.counts().toString(), "log2cpm"});
            for (String t : types) for (String trait : c.traits) sets.add(new String[] {trait, r + "." + t, imp.resolve(t + ".tsv.gz").toString(), "none"});
        }
        total += sets.size();
        List<Path> allDe = new ArrayList<>();
        List<Path> deDirs = allDe;
        for (String[] s : sets) {
            Path dir = out.resolve("de").resolve(s[0]).resolve(s[1]);
            deDirs.add(dir);
            List<String> excl = c.exclude != null ? c.exclude : new ArrayList<>(c.traits);
            unit("de/" + s[0] + "/" + s[1], key("de", s[0], s[3], c.numSv, Boolean.toString(c.selectCovariates), String.join(",", excl),
                    String.join(",", c.covariates), Integer.toString(c.permutations), Integer.toString(c.dePermutations), Long.toString(c.seed),
                    file(Path.of(s[2])), file(phenotypes)),
                    List.of(dir.resolve("de.tsv"), dir.resolve("model.json")), List.of(dir.resolve("not_fitted.txt")), () -> de(s, dir, excl));
        }
        // an analysis that cannot be fitted (e.g. more model columns than complete samples) is a
        // result, not the end of the run: its reason is kept and the rest of the grid goes on
        Map<String, String> notFitted = new LinkedHashMap<>();
        List<Path> fitted = new ArrayList<>();
        for (Path d : deDirs) {
            if (Files.isRegularFile(d.resolve("de.tsv"))) fitted.add(d);
            else notFitted.put(out.resolve("de").relativize(d).toString(), readOr(d.resolve("not_fitted.txt"), "no output"));
        }
        manifest.put("not_fitted", notFitted);
        if (!notFitted.isEmpty()) Log.warn("run: %d of %d analyses could not be fitted (listed in manifest.json and the report)", notFitted.size(), deDirs.size());
        deDirs = fitted;
        experimentWise(deDirs);
        List<String> enrichInputs = new ArrayList<>(List.of("enrich", Double.toString(c.alpha)));
        for (Path d : deDirs) enrichInputs.add(file(d.resolve("de.tsv")));
        for (Path g : c.gmt) enrichInputs.add(file(g));
        for (Path l : c.lists) enrichInputs.add(file(l));
        Path en = out.resolve("enrich");
        List<Path> enrichDirs = deDirs;
        unit("enrich", key(enrichInputs.toArray(new String[0])), List.of(en.resolve("overlap.tsv")), () -> enrich(enrichDirs, regionTypes, en));
        manifest.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        Json.write(out.resolve("manifest.json"), manifest);
        Report.write(out, c, regionTypes);
        Log.info("run: %d units (%d run, %d reused) in %.1f s; report: %s", done, ran, done - ran, (System.nanoTime() - t0) / 1e9, out.resolve("report.html"));
    }

    // ------------------------------------------------------------------ units

    private interface Work { void run(); }

    private void unit(String name, String key, List<Path> outputs, Work w) { unit(name, key, outputs, null, w); }

    /** alternative: outputs that also count as the unit done (a recorded "not fitted"). */
    private void unit(String name, String key, List<Path> outputs, List<Path> alternative, Work w) {
        done++;
        boolean present = outputs.stream().allMatch(Files::isRegularFile) || (alternative != null && alternative.stream().allMatch(Files::isRegularFile));
        if (resume && key.equals(previous.get(name)) && present) {
            units.put(name, Map.of("key", key, "status", "reused"));
            progress(name + ": unchanged, reused", 0);
            return;
        }
        if (stopAfterUnits >= 0 && ran >= stopAfterUnits) throw new Stopped();
        long t0 = System.nanoTime();
        w.run();
        double secs = (System.nanoTime() - t0) / 1e9;
        ran++;
        units.put(name, Map.of("key", key, "status", "ran", "seconds", Math.round(secs * 100) / 100.0));
        Json.write(out.resolve("manifest.json"), manifest);
        progress(name, secs);
    }

    /** A progress bar on a terminal; one log line per unit otherwise (files, CI). */
    private void progress(String what, double secs) {
        if (System.console() == null) {
            if (secs > 0) Log.info("[%d/%d] %s (%.1f s)", done, total, what, secs); else Log.info("[%d/%d] %s", done, total, what);
            return;
        }
        int width = 30, filled = (int) Math.round(width * (double) done / Math.max(1, total));
        String bar = "=".repeat(filled) + " ".repeat(Math.max(0, width - filled));
        String line = String.format("\r[%s] %d/%d %-60s", bar, done, total, what.length() > 60 ? what.substring(0, 60) : what);
        System.err.print(line);
        if (done == total) System.err.println();
        System.err.flush();
    }

    private void deconvolve(StudyConfig.Region region, StudyConfig.Panel panel, Path dir) {
        ExpressionMatrix bulk = MatrixReader.read(region.counts());
        ExpressionMatrix cpm = Scale.COUNTS.toLinear(bulk, region.counts().toString());
        Signature sig = SignatureBuilder.build(MatrixReader.read(panel.counts()), panel.labels(), c.minMarkers, c.maxMarkers);
        Deconvolution.Result r = Deconvolution.run(cpm, sig, Deconvolution.Method.valueOf(c.deconvolution.toUpperCase(Locale.ROOT)), 0, c.seed, backend);
        sig.write(dir.resolve("signature.tsv"));
        MatrixWriter.write(dir.resolve("proportions.tsv"), "sample", r.samples(), r.cellTypes(), r.proportions());
    }

    private void impute(StudyConfig.Region region, StudyConfig.Panel panel, Path proportions, Path dir) {
        ExpressionMatrix y = Scale.COUNTS.toLog2Cpm1(MatrixReader.read(region.counts()), region.counts().toString());
        PhenotypeTable props = PhenotypeReader.read(proportions, null, Set.of());
        List<String> types = props.columnNames();
        int n = y.sampleCount(), k = types.size();
        double[] w = new double[n * k];
        for (int i = 0; i < n; i++) for (int t = 0; t < k; t++) w[i * k + t] = props.column(types.get(t)).numeric[props.row(y.samples[i])];
        double[] mu0 = ReferenceProfiles.log2MeanCpm(MatrixReader.read(panel.counts()), panel.labels(), y.genes, types);
        CellTypeImputation.Settings s = new CellTypeImputation.Settings();
        s.seed = c.seed;
        CellTypeImputation.Result r = c.imputation.equals("gibbs") ? backend.gibbsImpute(y.values.data, y.geneCount(), n, w, k, mu0, s)
                : CellTypeImputation.empiricalBayes(y.values.data, y.geneCount(), n, w, k, mu0, s);
        // formatting and gzip of the k matrices is single-threaded per file: one file per core
        IntStream.range(0, k).parallel().forEach(t -> {
            double[] m = new double[y.geneCount() * n];
            for (int g = 0; g < y.geneCount(); g++) for (int i = 0; i < n; i++) m[g * n + i] = r.imputed()[g][i * k + t];
            MatrixWriter.writeSignificant(dir.resolve(types.get(t) + ".tsv.gz"), "gene", y.genes, y.samples, m, 7);
        });
        AtomicFile.write(dir.resolve("impute_notes.tsv"), wr -> {
            StringBuilder sb = new StringBuilder("gene\treason\n");
            for (int g = 0; g < y.geneCount(); g++) if (r.reason()[g] != null) sb.append(y.genes[g]).append('\t').append(r.reason()[g]).append('\n');
            wr.write(sb.toString());
        });
    }

    private void prs(StudyConfig.Prs p, Path dir) {
        PrsPipeline.qc(p.plink(), p.gwas(), p.qc(), backend, dir.resolve("qc"));
        PhenotypeTable table = PhenotypeReader.read(c.phenotypes, c.sampleColumn, Set.of());
        PrsPipeline.score(p.plink(), dir.resolve("qc"), table, p.target(), p.score(), backend, dir.resolve("score"));
        PhenotypeColumns.put(c.phenotypes, c.sampleColumn, p.name(), dir.resolve("score").resolve("prs.best.tsv"), dir.resolve("pheno.tsv"));
    }

    private void de(String[] s, Path dir, List<String> exclude) {
        DifferentialExpression.Request r = new DifferentialExpression.Request();
        r.expr = Path.of(s[2]);
        r.pheno = phenotypes;
        r.sampleColumn = c.sampleColumn;
        r.trait = s[0];
        r.set = s[1];
        r.covariates = c.covariates;
        r.numSv = c.numSv;
        r.sva.permutations = c.permutations;
        r.sva.seed = c.seed;
        r.permutations = c.dePermutations;
        r.permutationSeed = c.seed;
        r.selectCovariates = c.selectCovariates;
        r.exclude = new LinkedHashSet<>(exclude);
        r.inputScale = s[3].equals("log2cpm") ? Scale.COUNTS : Scale.LOG2;
        r.dropSamplesWithoutPhenotype = false;
        r.out = dir;
        if (!s[2].equals(cachedPath)) {
            cachedPath = s[2];
            cached = MatrixReader.read(Path.of(s[2]));
        }
        r.preloaded = cached;
        boolean quiet = true;
        Log.setQuiet(quiet);
        Path reason = dir.resolve("not_fitted.txt");
        try {
            DifferentialExpression.run(r, backend);
            Files.deleteIfExists(reason);
        } catch (UserException e) {
            Log.setQuiet(false);
            Log.warn("%s/%s: not fitted: %s", s[0], s[1], e.getMessage());
            AtomicFile.writeString(reason, e.getMessage() + "\n");
            try {
                Files.deleteIfExists(dir.resolve("de.tsv")); // a stale result of an earlier run must not count
                Files.deleteIfExists(dir.resolve("model.json"));
            } catch (IOException io) {
                throw new UserException(dir + ": " + io.getMessage());
            }
        } catch (IOException e) {
            throw new UserException(reason + ": " + e.getMessage());
        } finally {
            Log.setQuiet(false);
        }
    }

    private void enrich(List<Path> deDirs, Map<String, List<String>> regionTypes, Path dir) {
        List<DeResult> results = new ArrayList<>();
        for (Path d : deDirs) results.add(DeResult.read(d, "p_bonferroni", c.alpha));
        Enrichment.Options o = new Enrichment.Options();
        if (!c.gmt.isEmpty()) {
            List<GeneSetFiles.GeneSet> sets = new ArrayList<>();
            for (Path g : c.gmt) sets.addAll(GeneSetFiles.readGmt(g));
            Enrichment.write(dir.resolve("ora.tsv"), Enrichment.ora(results, sets, o), "set\ttrait\tgene_set");
        }
        if (!c.lists.isEmpty()) {
            List<GeneSetFiles.GeneSet> ls = new ArrayList<>();
            for (Path l : c.lists) ls.add(GeneSetFiles.readList(l));
            Enrichment.write(dir.resolve("lists.tsv"), Enrichment.lists(results, ls, null, o), "set\ttrait\tlist");
        }
        Map<String, Map<String, Double>> props = new LinkedHashMap<>();
        for (String r : regionTypes.keySet()) {
            ExpressionMatrix m = MatrixReader.read(out.resolve("deconvolution").resolve(r).resolve("proportions.tsv"));
            Map<String, Double> mean = new LinkedHashMap<>();
            for (int t = 0; t < m.sampleCount(); t++) {
                double s = 0;
                for (int i = 0; i < m.geneCount(); i++) s += m.values.get(i, t);
                mean.put(m.samples[t], s / m.geneCount());
            }
            props.put(r, mean);
        }
        Enrichment.write(dir.resolve("celltypes.tsv"), Enrichment.cellTypes(results, props), "trait\tregion\tcell_type");
        Enrichment.write(dir.resolve("overlap.tsv"), Enrichment.overlaps(results), "set\ttrait_a\ttrait_b");
    }

    /** Experiment-wise Bonferroni over every test of every set (the paper's supplement), and a summary. */
    private void experimentWise(List<Path> deDirs) {
        long m = 0;
        List<DeResult> all = new ArrayList<>();
        for (Path d : deDirs) {
            DeResult r = DeResult.read(d, "p", 1.0);
            all.add(r);
            m += r.tested.size();
        }
        final long mm = m;
        StringBuilder degs = new StringBuilder("trait\tset\tgene\tbeta\tp\tp_experiment_bonferroni\n");
        StringBuilder sum = new StringBuilder("trait\tset\tgenes_tested\tdegs_bonferroni_within_set\tdegs_experiment_wise\n");
        for (int i = 0; i < all.size(); i++) {
            DeResult r = all.get(i);
            int within = DeResult.read(deDirs.get(i), "p_bonferroni", c.alpha).degs.size();
            int exp = 0;
            for (Map.Entry<String, Double> e : pValues(deDirs.get(i)).entrySet()) {
                double adj = Math.min(1, e.getValue() * mm);
                if (adj < c.alpha) {
                    exp++;
                    degs.append(r.trait).append('\t').append(r.set).append('\t').append(e.getKey()).append('\t').append(r.degs.get(e.getKey()))
                            .append('\t').append(e.getValue()).append('\t').append(adj).append('\n');
                }
            }
            sum.append(r.trait).append('\t').append(r.set).append('\t').append(r.tested.size()).append('\t').append(within).append('\t').append(exp).append('\n');
        }
        AtomicFile.writeString(out.resolve("experimentwise_degs.tsv"), degs.toString());
        AtomicFile.writeString(out.resolve("de_summary.tsv"), sum.toString());
        manifest.put("experiment_wise_tests", mm);
    }

    private static String readOr(Path f, String dflt) {
        try {
            return Files.readString(f).trim();
        } catch (IOException e) {
            return dflt;
        }
    }

    private static Map<String, Double> pValues(Path dir) {
        Map<String, Double> p = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(dir.resolve("de.tsv"));
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.split("\t");
                if (!f[4].equals("NA")) p.put(f[0], Double.parseDouble(f[4]));
            }
        } catch (IOException e) {
            throw new UserException(dir + "/de.tsv: " + e.getMessage());
        }
        return p;
    }

    // ------------------------------------------------------------------ helpers

    private List<String> cellTypes(Path proportions) {
        List<String> all = PhenotypeReader.read(proportions, null, Set.of()).columnNames();
        if (c.cellTypes == null) return all;
        List<String> keep = new ArrayList<>();
        for (String t : c.cellTypes) if (all.contains(t)) keep.add(t);
        return keep;
    }

    /** SHA-256 of a file, computed once per run; recorded in the manifest. */
    private String file(Path p) {
        return checksums.computeIfAbsent(p.toString(), k -> {
            try (InputStream in = Files.newInputStream(p)) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 16];
                int r;
                while ((r = in.read(buf)) > 0) md.update(buf, 0, r);
                return HexFormat.of().formatHex(md.digest());
            } catch (NoSuchFileException e) {
                throw new UserException(p + ": file not found (named in " + c.file + ")");
            } catch (IOException | NoSuchAlgorithmException e) {
                throw new UserException(p + ": cannot be read (" + e.getMessage() + ")");
            }
        });
    }

    private static String key(String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : parts) {
                md.update(s.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> readPreviousKeys() {
        Path m = out.resolve("manifest.json");
        Map<String, String> keys = new LinkedHashMap<>();
        if (!Files.isRegularFile(m)) return keys;
        try {
            JsonNode u = Json.mapper().readTree(m.toFile()).path("units");
            u.fields().forEachRemaining(e -> keys.put(e.getKey(), e.getValue().path("key").asText()));
        } catch (IOException e) {
            Log.warn("%s is unreadable (%s): running every unit", m, e.getMessage());
        }
        return keys;
    }
}
