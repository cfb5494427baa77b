package org.cohortex.pipeline.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;

import org.cohortex.de.DeTable;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.Json;

/**
 * One page per trait (report/trait-NAME.html), so the summary stays small with 150 analyses: per
 * set the fitted model (Table S1's row: n, SVs, kept covariates), a volcano and a QQ plot with the
 * genomic inflation factor, the top genes (sortable) and links to de.tsv and model.json; a set that
 * could not be fitted shows its reason, one that has not run says so.
 */
final class TraitPages {
    private TraitPages() {}

    enum Status { FITTED, NOT_FITTED, NOT_RUN }

    /** What the summary needs of one set. */
    record SetResult(ReportInput.PlannedSet set, Status status, int tested, int degs, int expDegs, double lambda, int n, int svs,
                     int dropped, String reason) {}

    static String page(String trait) { return "report/trait-" + Html.slug(trait) + ".html"; }

    static String anchor(String set) { return "set-" + Html.slug(set); }

    /** Writes every trait's page; returns the sets' results in plan order. */
    static List<SetResult> write(ReportInput in, Figures figures) {
        Map<String, Integer> expWise = new LinkedHashMap<>();
        List<String[]> sum = Tsv.read(in.out().resolve("de_summary.tsv"));
        int ce = Tsv.col(sum, "degs_experiment_wise");
        for (String[] r : sum.subList(Math.min(1, sum.size()), sum.size())) expWise.put(r[0] + "|" + r[1], (int) Html.num(Tsv.get(r, ce)));
        List<SetResult> all = new ArrayList<>();
        for (String trait : in.traits()) {
            List<ReportInput.PlannedSet> sets = in.sets().stream().filter(s -> s.trait().equals(trait)).toList();
            StringBuilder cards = new StringBuilder();
            List<SetResult> results = new ArrayList<>();
            for (ReportInput.PlannedSet s : sets) {
                SetResult r = card(in, s, figures, expWise.getOrDefault(trait + "|" + s.set(), -1), cards);
                results.add(r);
            }
            all.addAll(results);
            String body = "<h1>Trait " + Html.esc(trait) + "</h1><p><a href=\"../report.html\">Back to the summary</a>. DEGs: Bonferroni "
                    + "within set &lt; " + in.alpha() + "; experiment-wise over every test of the run (from de_summary.tsv).</p>"
                    + "<h2 id=\"models\">Models (Table S1)</h2>" + overview(results) + cards;
            AtomicFile.writeString(in.out().resolve(page(trait)), Html.page("Cohortex: " + trait, nav(trait, sets), body));
        }
        return all;
    }

    private static String nav(String trait, List<ReportInput.PlannedSet> sets) {
        StringBuilder n = new StringBuilder("<a href=\"../report.html\">&larr; Summary</a><b>" + Html.esc(trait) + "</b>"
                + "<a href=\"#models\">Models</a>");
        String region = null;
        for (ReportInput.PlannedSet s : sets) {
            if (!s.region().equals(region)) {
                region = s.region();
                n.append("<b>").append(Html.esc(region)).append("</b>");
            }
            n.append("<a class=\"sub\" href=\"#").append(anchor(s.set())).append("\">").append(Html.esc(s.cellType())).append("</a>");
        }
        return n.toString();
    }

    private static String overview(List<SetResult> rs) {
        StringBuilder t = new StringBuilder("<table class=\"sortable\"><thead><tr><th class=l>set</th><th class=l>status</th><th>n</th>"
                + "<th>SVs</th><th>genes</th><th>DEGs within set</th><th>DEGs experiment-wise</th><th>lambda</th></tr></thead><tbody>");
        for (SetResult r : rs) {
            t.append("<tr><td class=l><a href=\"#").append(anchor(r.set().set())).append("\">").append(Html.esc(r.set().set()))
                    .append("</a></td><td class=l>").append(r.status().name().toLowerCase().replace('_', ' ')).append("</td>");
            if (r.status() == Status.FITTED) {
                t.append("<td>").append(r.n()).append("</td><td>").append(r.svs()).append("</td><td>").append(r.tested())
                        .append("</td><td>")
                        .append(r.degs()).append("</td><td>").append(r.expDegs() < 0 ? "" : r.expDegs()).append("</td><td>")
                        .append(Html.fmt(r.lambda())).append("</td>");
            } else {
                t.append("<td></td><td></td><td></td><td></td><td></td><td></td>");
            }
            t.append("</tr>");
        }
        return t.append("</tbody></table>").toString();
    }

    private static SetResult card(ReportInput in, ReportInput.PlannedSet s, Figures figures, int exp, StringBuilder h) {
        String rel = in.out().relativize(s.dir()).toString().replace('\\', '/');
        h.append("<div class=\"card\"><h3 id=\"").append(anchor(s.set())).append("\">").append(Html.esc(s.set())).append("</h3>");
        Path de = s.dir().resolve("de.tsv"), nf = s.dir().resolve("not_fitted.txt");
        if (!Files.isRegularFile(de)) {
            String reason = null;
            if (Files.isRegularFile(nf)) {
                reason = read(nf);
                h.append("<p class=\"warn\">Not fitted: ").append(Html.esc(reason)).append("</p>");
            } else {
                h.append(Html.missing("This analysis", rel + "/de.tsv"));
            }
            h.append("</div>");
            return new SetResult(s, reason != null ? Status.NOT_FITTED : Status.NOT_RUN, 0, 0, -1, Double.NaN, 0, 0, 0, reason);
        }
        DeTable t = DeTable.read(de);
        double[] beta = t.column("beta"), p = t.column("p"), bonf = t.column("p_bonferroni");
        int tested = (int) IntStream.range(0, t.size()).filter(g -> !Double.isNaN(p[g])).count();
        int degs = (int) IntStream.range(0, t.size()).filter(g -> bonf[g] < in.alpha()).count();
        JsonNode model = readJson(s.dir().resolve("model.json"));
        int n = model.path("n_samples").asInt(0), svs = svCount(model);
        double lambda = Charts.lambda(p);
        h.append(modelRow(model, n, svs, degs, exp, tested));
        String title = s.trait() + " / " + s.set();
        h.append("<div class=\"grid\">")
                .append(figures.embed("volcano-" + s.trait() + "-" + s.set(), Charts.volcano(title, effectTitle(model),
                        t.genes(), beta, p, bonf, in.alpha(),
                        tested), "Volcano: DEGs in red, the dashed line the Bonferroni threshold, the smallest p-values named.", 1))
                .append(figures.embed("qq-" + s.trait() + "-" + s.set(), Charts.qq(title, p),
                        "QQ plot against the uniform null; lambda = median chi-square / 0.455.", 1))
                .append("</div>");
        h.append(topGenes(t, in.alpha())).append("<p><a href=\"../").append(Html.esc(rel))
                .append("/de.tsv\">de.tsv</a> (all genes) &middot; ")
                .append("<a href=\"../").append(Html.esc(rel)).append("/model.json\">model.json</a></p></div>");
        return new SetResult(s, Status.FITTED, tested, degs, exp, lambda, n, svs, model.path("samples_dropped_incomplete").size(),
                null);
    }

    /** The volcano's x title: the effect's scale as the model records it (log2 CPM for bulk, linear or log2 for a cell type). */
    static String effectTitle(JsonNode model) {
        if (model.path("transform").asText().equals("log2cpm")) return "effect (beta, log2 CPM)";
        if (model.has("scale")) return "effect (beta, " + model.path("scale").asText() + " scale)";
        return "effect (beta)";
    }

    /** SVs in the model: design columns sv1, sv2, ... (or num_sv where the columns are not listed). */
    static int svCount(JsonNode model) {
        int k = 0;
        for (JsonNode c : model.path("design_columns")) if (c.asText().matches("sv\\d+")) k++;
        return k > 0 ? k : model.path("num_sv").asInt(0);
    }

    /** The covariates the model kept: covariates_selected, or the design's columns less intercept, trait and SVs. */
    static List<String> covariates(JsonNode model) {
        List<String> out = new ArrayList<>();
        if (model.has("covariates_selected")) {
            for (JsonNode c : model.path("covariates_selected")) out.add(c.asText());
            return out;
        }
        String trait = model.path("trait_term").asText(model.path("trait").asText());
        for (JsonNode c : model.path("design_columns")) {
            String name = c.asText();
            if (!name.equals("(Intercept)") && !name.equals(trait) && !name.matches("sv\\d+")) out.add(name);
        }
        return out;
    }

    private static String modelRow(JsonNode model, int n, int svs, int degs, int exp, int tested) {
        List<String> cov = covariates(model);
        int dropped = model.path("samples_dropped_incomplete").size();
        return "<table class=\"kv\"><tr><td>n</td><td>" + n + (dropped > 0 ? " (" + dropped + " dropped: a value missing)" : "")
                + "</td><td>residual df</td><td>" + model.path("df").asText("") + "</td><td>SVs</td><td>" + svs
                        + "</td><td>genes tested</td><td>"
                + tested + "</td><td>DEGs</td><td>" + degs + (exp >= 0 ? " (" + exp + " experiment-wise)" : "") + "</td></tr></table>"
                + "<details><summary>" + cov.size() + " covariates kept</summary><p><code>" + Html.esc(String.join(", ", cov))
                + "</code></p><p>Formula: <code>" + Html.esc(model.path("formula").asText("")) + "</code></p></details>";
    }

    private static String topGenes(DeTable t, double alpha) {
        double[] beta = t.column("beta"), p = t.column("p"), bonf = t.column("p_bonferroni");
        double[] q = t.has("q_bh") ? t.column("q_bh") : new double[t.size()];
        List<Integer> top = IntStream.range(0, t.size()).filter(g -> !Double.isNaN(p[g])).boxed()
                .sorted(Comparator.comparingDouble(g -> p[g])).limit(15).toList();
        StringBuilder s = new StringBuilder("<table class=\"sortable\"><thead><tr><th class=l>gene</th><th>beta</th><th>p</th>"
                + "<th>p Bonferroni</th><th>q (BH)</th><th class=l>DEG</th></tr></thead><tbody>");
        for (int g : top) {
            s.append("<tr><td class=l>").append(Html.esc(t.genes()[g])).append("</td><td>").append(Html.fmt(beta[g])).append("</td><td>")
                    .append(Html.fmt(p[g])).append("</td><td>").append(Html.fmt(bonf[g])).append("</td><td>").append(Html.fmt(q[g]))
                    .append("</td><td class=l>").append(bonf[g] < alpha ? "yes" : "").append("</td></tr>");
        }
        return s.append("</tbody></table>").toString();
    }

    static JsonNode readJson(Path f) {
        try {
            return Json.mapper().readTree(f.toFile());
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }

    static String read(Path f) {
        try {
            return Files.readString(f).trim();
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
