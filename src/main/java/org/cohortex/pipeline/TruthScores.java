package org.cohortex.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.de.DeKernels;
import org.cohortex.de.DeRequest;
import org.cohortex.de.DeTable;
import org.cohortex.de.DifferentialExpression;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.Json;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.Scale;

/**
 * What a user would conclude from a grid run on a simulated cohort, scored against its truth
 * ({@code truth/} beside the phenotypes), per (gene, cell type): a DEG of a cell-type set is true
 * only if it was planted in THAT cell type (or in every type of the region); of a bulk set, if it was
 * planted in any type of the region. Per set: power, false-discovery proportion, the wrong-cell-type
 * rate (planted in another type of the region), and the mirroring index (Jaccard of the set's DEGs
 * with the region's bulk DEGs); per trait and region the leakage matrix (planted in type t, called in
 * type c). Beside them the oracle: DE on the true cell-type expression with the true confounders as
 * covariates ({@code oracle/}). Writes truth_scores.tsv and truth_leakage.tsv.
 */
final class TruthScores {
    /** One row of truth_scores.tsv. */
    record Row(String trait, String set, String method, int planted, int degs, int right, int wrongType, int falses, double mirroring) {
        double power() { return planted == 0 ? Double.NaN : (double) right / planted; }

        double fdp() { return degs == 0 ? Double.NaN : (double) (degs - right) / degs; }

        double wrongRate() { return degs == 0 ? Double.NaN : (double) wrongType / degs; }
    }

    /** The scores and the leakage matrices (trait|region -> true type -> called type -> genes). */
    record Scores(List<Row> rows, Map<String, Map<String, Map<String, Integer>>> leakage) {}

    private TruthScores() {}

    static Path truthDir(StudyConfig c) { return c.phenotypes.getParent().resolve("truth"); }

    static boolean available(StudyConfig c) { return Files.isRegularFile(truthDir(c).resolve("degs.tsv")); }

    static Scores write(Path out, StudyConfig c, Plan plan, DeKernels k) {
        Path truth = truthDir(c);
        Map<String, Set<String>> planted = new TreeMap<>(), anywhere = new TreeMap<>();
        List<String[]> degs = Report.table(truth.resolve("degs.tsv"));
        for (String[] r : degs.subList(1, degs.size())) {
            planted.computeIfAbsent(r[0] + "|" + r[1] + "|" + r[2], x -> new HashSet<>()).add(r[3]);
            anywhere.computeIfAbsent(r[0] + "|" + r[1], x -> new HashSet<>()).add(r[3]);
        }
        List<Row> rows = new ArrayList<>();
        Map<String, Map<String, Map<String, Integer>>> leakage = new TreeMap<>();
        // every set's table once, on all cores (the grid's 150 tables were read three times in turn)
        List<Plan.SetRef> fitted = plan.sets().stream().filter(s -> Files.isRegularFile(s.dir().resolve("de.tsv"))).toList();
        DeTable[] read = new DeTable[fitted.size()];
        IntStream.range(0, read.length).parallel().forEach(i -> read[i] = DeTable.read(fitted.get(i).dir().resolve("de.tsv")));
        Map<Path, DeTable> tables = new HashMap<>();
        for (int i = 0; i < read.length; i++) tables.put(fitted.get(i).dir(), read[i]);
        Map<String, Set<String>> bulkCalls = new LinkedHashMap<>();
        for (Plan.SetRef s : fitted) {
            if (!s.set().contains(".")) bulkCalls.put(s.trait() + "|" + s.set(), calls(tables.get(s.dir()), c.alpha));
        }
        for (Plan.SetRef s : fitted) {
            String region = s.set().contains(".") ? s.set().substring(0, s.set().indexOf('.')) : s.set();
            String type = s.set().contains(".") ? s.set().substring(s.set().indexOf('.') + 1) : null;
            String method = type == null ? "bulk" : c.cellTypeTest;
            DeTable t = tables.get(s.dir());
            rows.add(score(s.trait(), s.set(), method, t, region, type, planted, anywhere, bulkCalls, c.alpha));
            if (type != null) leak(leakage, s.trait() + "|" + region, type, calls(t, c.alpha), planted, s.trait(), region);
        }
        rows.addAll(oracle(out, c, plan, planted, anywhere, bulkCalls, k));
        StringBuilder sb = new StringBuilder("trait\tset\tmethod\tplanted\tdegs\tright_cell_type\twrong_cell_type\tfalse\tpower\tfdp"
                + "\twrong_cell_type_rate\tmirroring_index\n");
        for (Row r : rows) {
            sb.append(r.trait()).append('\t').append(r.set()).append('\t').append(r.method()).append('\t').append(r.planted()).append('\t')
                    .append(r.degs()).append('\t').append(r.right()).append('\t').append(r.wrongType()).append('\t').append(r.falses())
                            .append('\t')
                    .append(fmt(r.power())).append('\t').append(fmt(r.fdp())).append('\t').append(fmt(r.wrongRate())).append('\t')
                    .append(fmt(r.mirroring())).append('\n');
        }
        AtomicFile.writeString(out.resolve("truth_scores.tsv"), sb.toString());
        StringBuilder lk = new StringBuilder("trait\tregion\tplanted_in\tcalled_in\tgenes\n");
        leakage.forEach((tr, m) -> m.forEach((t, row) -> row.forEach((ct, n) -> lk.append(tr.replace('|', '\t')).append('\t').append(t)
                .append('\t').append(ct).append('\t').append(n).append('\n'))));
        AtomicFile.writeString(out.resolve("truth_leakage.tsv"), lk.toString());
        return new Scores(rows, leakage);
    }

    private static Row score(String trait, String set, String method, DeTable t, String region, String type, Map<String,
            Set<String>> planted,
                             Map<String, Set<String>> anywhere, Map<String, Set<String>> bulkCalls, double alpha) {
        double[] p = t.column("p"), bonf = t.column("p_bonferroni");
        Set<String> any = anywhere.getOrDefault(trait + "|" + region, Set.of());
        Set<String> mine = new HashSet<>(any);
        if (type != null) {
            mine = new HashSet<>(planted.getOrDefault(trait + "|" + region + "|" + type, Set.of()));
            mine.addAll(planted.getOrDefault(trait + "|" + region + "|bulk", Set.of()));
        }
        int tested = 0, degs = 0, right = 0, wrong = 0, falses = 0;
        Set<String> called = new HashSet<>();
        for (int g = 0; g < t.size(); g++) {
            String gene = t.genes()[g];
            if (!Double.isNaN(p[g]) && mine.contains(gene)) tested++;
            if (!(bonf[g] < alpha)) continue;
            degs++;
            called.add(gene);
            if (mine.contains(gene)) right++;
            else if (any.contains(gene)) wrong++;
            else falses++;
        }
        Set<String> bulk = bulkCalls.get(trait + "|" + region);
        return new Row(trait, set, method, tested, degs, right, wrong, falses, type == null || bulk == null ? Double.NaN : jaccard(called,
                bulk));
    }

    private static void leak(Map<String, Map<String, Map<String, Integer>>> leakage, String key, String calledType, Set<String> called,
                             Map<String, Set<String>> planted, String trait, String region) {
        String prefix = trait + "|" + region + "|";
        Map<String, Map<String, Integer>> m = leakage.computeIfAbsent(key, x -> new TreeMap<>());
        planted.forEach((k, genes) -> {
            if (!k.startsWith(prefix)) return;
            String trueType = k.substring(prefix.length());
            int n = 0;
            for (String g : called) if (genes.contains(g)) n++;
            m.computeIfAbsent(trueType, x -> new TreeMap<>()).put(calledType, n);
        });
    }

    /**
     * DE on each region's true cell-type expression ({@code truth/regions/<region>.<type>.log2expr.tsv.gz}: the planted genes and
     * a fixed set of others), with the measured and hidden confounders as covariates: the best any method could do.
     */
    private static List<Row> oracle(Path out, StudyConfig c, Plan plan, Map<String, Set<String>> planted, Map<String, Set<String>> anywhere,
                                    Map<String, Set<String>> bulkCalls, DeKernels k) {
        Path truth = truthDir(c);
        List<String> covariates = confounders(truth);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : plan.regionTypes().entrySet()) {
            String region = e.getKey();
            Path pheno = out.resolve("oracle").resolve(region).resolve("pheno.tsv");
            if (!oraclePhenotypes(c, truth, region, pheno)) continue;
            for (String type : new TreeSet<>(e.getValue())) {
                Path expr = truth.resolve("regions").resolve(region + "." + type + ".log2expr.tsv.gz");
                if (!Files.isRegularFile(expr)) continue;
                ExpressionMatrix values = null; // read once for the region's traits
                for (String trait : c.traits) {
                    if (!anywhere.containsKey(trait + "|" + region)) continue;
                    Path dir = out.resolve("oracle").resolve(trait).resolve(region + "." + type);
                    try {
                        DeRequest r = DeRequest.builder(expr, pheno, trait, dir).sampleColumn(c.sampleColumn).covariates(covariates)
                                .categorical(Set.of("batch")).inputScale(Scale.LOG2).set(region + "." + type)
                                        .dropSamplesWithoutPhenotype(true)
                                .build();
                        if (values == null) values = MatrixReader.read(expr);
                        DifferentialExpression.run(r, values, k, Log.WARNINGS);
                        rows.add(score(trait, region + "." + type, "oracle", DeTable.read(dir.resolve("de.tsv")), region, type, planted,
                                anywhere, bulkCalls, c.alpha));
                    } catch (UserException ex) {
                        Log.warn("oracle %s/%s.%s: %s", trait, region, type, ex.getMessage());
                    }
                }
            }
        }
        return rows;
    }

    /** The measured and hidden confounders the simulator names in truth/confounders.json (dissection per region). */
    private static List<String> confounders(Path truth) {
        List<String> out = new ArrayList<>();
        try {
            JsonNode j = Json.mapper().readTree(truth.resolve("confounders.json").toFile());
            j.path("measured_confounders_with_expression_effects").forEach(n -> out.add(n.asText()));
            j.path("hidden_donor_confounders").forEach(n -> out.add(n.asText()));
        } catch (IOException e) {
            throw new UserException(truth.resolve("confounders.json") + ": cannot be read (" + e.getMessage() + ")");
        }
        out.add("dissection");
        return out;
    }

    /** The phenotypes with the hidden confounders of the truth joined on (donor id); false when the truth lacks them. */
    private static boolean oraclePhenotypes(StudyConfig c, Path truth, String region, Path out) {
        Path hidden = truth.resolve("hidden_confounders.tsv"), dissection = truth.resolve("regions").resolve(region + ".dissection.tsv");
        if (!Files.isRegularFile(hidden) || !Files.isRegularFile(dissection)) return false;
        Map<String, String> h = new LinkedHashMap<>(), d = new LinkedHashMap<>();
        List<String[]> ht = Report.table(hidden), dt = Report.table(dissection);
        for (String[] r : ht.subList(1, ht.size())) h.put(r[0], String.join("\t", Arrays.copyOfRange(r, 1, r.length)));
        for (String[] r : dt.subList(1, dt.size())) d.put(r[0], r[1]);
        List<String[]> ph = Report.table(c.phenotypes);
        StringBuilder sb = new StringBuilder(String.join("\t", ph.get(0))).append('\t')
                .append(String.join("\t", Arrays.copyOfRange(ht.get(0), 1, ht.get(0).length))).append("\tdissection\n");
        int hiddenCols = ht.get(0).length - 1;
        for (String[] r : ph.subList(1, ph.size())) {
            sb.append(String.join("\t", r)).append('\t').append(h.getOrDefault(r[0], "NA" + "\tNA".repeat(hiddenCols - 1))).append('\t')
                    .append(d.getOrDefault(r[0], "NA")).append('\n');
        }
        AtomicFile.writeString(out, sb.toString());
        return true;
    }

    private static Set<String> calls(DeTable t, double alpha) {
        double[] b = t.column("p_bonferroni");
        Set<String> out = new HashSet<>();
        for (int g = 0; g < t.size(); g++) if (b[g] < alpha) out.add(t.genes()[g]);
        return out;
    }

    private static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) return Double.NaN;
        int inter = 0;
        for (String x : a) if (b.contains(x)) inter++;
        return (double) inter / (a.size() + b.size() - inter);
    }

    private static String fmt(double v) { return Double.isNaN(v) ? "NA" : String.format(Locale.ROOT, "%.3f", v); }
}
