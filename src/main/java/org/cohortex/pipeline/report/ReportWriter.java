package org.cohortex.pipeline.report;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import org.cohortex.io.AtomicFile;

/**
 * report.html and its pages, from a run folder's files alone (nothing is recomputed): at the top
 * what ran (configuration, version, backend, time, units), the warnings, the DEG counts as one
 * heatmap per trait (region x bulk/cell type; within-set Bonferroni, experiment-wise in brackets,
 * each cell a link to the analysis), then deconvolution, PRS, enrichment and the simulation's truth;
 * per trait a page with every analysis ({@link TraitPages}). Self-contained: inline CSS and SVG, a
 * small inline script for sorting only, no network; every figure also under figures/.
 */
public final class ReportWriter {
    private ReportWriter() {}

    /** Writes report.html, report/trait-*.html and figures/*.svg; returns report.html. */
    public static Path write(ReportInput in) {
        Figures figures = new Figures(in.out());
        List<TraitPages.SetResult> sets = TraitPages.write(in, figures);
        JsonNode manifest = TraitPages.readJson(in.out().resolve("manifest.json"));
        String degs = degHeatmaps(in, sets, figures);
        String deconv = DeconvolutionSection.render(in, figures), prs = PrsSection.render(in, figures);
        String enrich = EnrichmentSection.render(in, figures), truth = TruthSection.render(in, figures);
        StringBuilder nav = new StringBuilder("<b>Cohortex report</b><a href=\"#run\">What ran</a><a href=\"#warnings\">Warnings</a>"
                + "<a href=\"#degs\">DEG counts</a><b>Traits</b>");
        for (String t : in.traits()) nav.append("<a class=\"sub\" href=\"").append(TraitPages.page(t)).append("\">").append(Html.esc(t))
                .append("</a>");
        nav.append("<b>Sections</b><a class=\"sub\" href=\"#deconvolution\">Deconvolution</a>");
        if (!prs.isEmpty()) nav.append("<a class=\"sub\" href=\"#prs\">PRS</a>");
        nav.append("<a class=\"sub\" href=\"#enrichment\">Enrichment</a>");
        if (!truth.isEmpty()) nav.append("<a class=\"sub\" href=\"#truth\">Simulation truth</a>");
        nav.append("<a href=\"#files\">Files</a>");
        String body = "<h1>Cohortex report</h1>" + run(in, manifest, sets) + warnings(in, manifest, sets) + degs + deconv + prs + enrich
                + truth + files(in, figures);
        Path report = in.out().resolve("report.html");
        AtomicFile.writeString(report, Html.page("Cohortex report", nav.toString(), body));
        return report;
    }

    private static String run(ReportInput in, JsonNode m, List<TraitPages.SetResult> sets) {
        StringBuilder h = new StringBuilder("<h2 id=\"run\">What ran</h2><table class=\"kv\">");
        Path mf = in.out().resolve("manifest.json");
        String when = "";
        try {
            if (Files.isRegularFile(mf)) when = Instant.ofEpochMilli(Files.getLastModifiedTime(mf).toMillis()).toString();
        } catch (IOException e) {
            when = "unknown";
        }
        kv(h, "configuration", "<code>" + Html.esc(m.path("config_file").asText(in.configFile())) + "</code>");
        kv(h, "cohortex", Html.esc(m.path("cohortex_version").asText("unknown")) + ", Java " + Html.esc(m.path("java").asText("?")));
        kv(h, "backend", Html.esc(m.path("backend").asText("unknown")));
        long notRun = sets.stream().filter(s -> s.status() == TraitPages.Status.NOT_RUN).count();
        double unitSeconds = 0;
        for (JsonNode u : m.path("units")) unitSeconds += u.path("seconds").asDouble(0);
        String time = m.has("seconds") ? Html.fmt(m.path("seconds").asDouble()) + " s" : "units "
                + Html.fmt(Math.round(unitSeconds * 10) / 10.0)
                + " s in all";
        kv(h, "run time", (notRun > 0 ? "not finished: " + notRun + " analyses not run yet; " : "") + time
                + (when.isEmpty() ? " (no manifest.json)" : " (manifest written " + when + ")"));
        Map<String, Integer> status = new TreeMap<>();
        m.path("units").forEach(u -> status.merge(u.path("status").asText("?"), 1, Integer::sum));
        StringBuilder units = new StringBuilder(m.path("units").size() + " recorded");
        status.forEach((k, n) -> units.append(", ").append(n).append(' ').append(Html.esc(k)));
        kv(h, "units", units.toString());
        long fitted = sets.stream().filter(s -> s.status() == TraitPages.Status.FITTED).count();
        long notFitted = sets.stream().filter(s -> s.status() == TraitPages.Status.NOT_FITTED).count();
        kv(h, "analyses", sets.size() + " planned: " + fitted + " fitted, " + notFitted + " not fitted, "
                + (sets.size() - fitted - notFitted)
                + " not run yet");
        kv(h, "traits", Html.esc(String.join(", ", in.traits())));
        kv(h, "regions", Html.esc(String.join(", ", in.regionTypes().keySet())) + "; cell-type test " + Html.esc(in.cellTypeTest()));
        kv(h, "DEG threshold", "Bonferroni within set &lt; " + in.alpha() + (m.has("experiment_wise_tests") ? "; experiment-wise over "
                + m.path("experiment_wise_tests").asLong() + " tests" : ""));
        h.append("</table>");
        JsonNode inputs = m.path("input_checksums");
        if (inputs.size() > 0) {
            h.append("<details><summary>").append(inputs.size()).append(" inputs (SHA-256)</summary><table>");
            inputs.fields().forEachRemaining(e -> h.append("<tr><td class=l><code>").append(Html.esc(e.getKey()))
                    .append("</code></td><td class=l>")
                    .append("<code>").append(Html.esc(e.getValue().asText())).append("</code></td></tr>"));
            h.append("</table></details>");
        }
        return h.toString();
    }

    private static void kv(StringBuilder h, String k, String v) { h.append("<tr><td>").append(k).append("</td><td class=l>").append(v)
            .append("</td></tr>"); }

    /** What a reader should know before trusting a number: recorded warnings, analyses not fitted, samples lost, miscalibration. */
    private static String warnings(ReportInput in, JsonNode m, List<TraitPages.SetResult> sets) {
        List<String> w = new ArrayList<>(recorded(in.out(), m));
        List<TraitPages.SetResult> nf = sets.stream().filter(s -> s.status() == TraitPages.Status.NOT_FITTED).toList();
        if (!nf.isEmpty()) w.add(nf.size() + " of " + sets.size() + " analyses could not be fitted (listed below with the reason).");
        long notRun = sets.stream().filter(s -> s.status() == TraitPages.Status.NOT_RUN).count();
        if (notRun > 0) w.add(notRun + " analyses have not run yet: this run is not finished.");
        Map<String, int[]> dropped = new TreeMap<>(); // trait -> analyses with > 20% dropped, most dropped, of how many
        for (TraitPages.SetResult s : sets) {
            if (s.status() != TraitPages.Status.FITTED) continue;
            if (s.dropped() > 0.2 * (s.n() + s.dropped())) {
                int[] d = dropped.computeIfAbsent(s.set().trait(), k -> new int[3]);
                d[0]++;
                if (s.dropped() > d[1]) {
                    d[1] = s.dropped();
                    d[2] = s.n() + s.dropped();
                }
            }
            if (s.lambda() > 1.3 || s.lambda() < 0.7) {
                w.add(s.set().trait() + " / " + s.set().set() + ": genomic inflation lambda " + Html.fmt(s.lambda())
                        + " (p-values may not be calibrated).");
            }
        }
        dropped.forEach((t, d) -> w.add(t + ": in " + d[0] + " analyses more than 20% of the samples were dropped for a missing value of"
                + " the trait or a kept covariate (up to " + d[1] + " of " + d[2] + ")."));
        StringBuilder h = new StringBuilder("<h2 id=\"warnings\">Warnings</h2>");
        if (w.isEmpty()) return h.append("<p>None recorded.</p>").toString();
        h.append("<div class=\"warn\"><ul>");
        int shown = 0;
        for (String s : w) {
            if (shown++ == 30) {
                h.append("</ul><details><summary>").append(w.size() - 30).append(" more</summary><ul>");
            }
            h.append("<li>").append(Html.esc(s)).append("</li>");
        }
        h.append(shown > 30 ? "</ul></details>" : "</ul>").append("</div>");
        if (!nf.isEmpty()) {
            h.append("<details><summary>Analyses not fitted, with the reason</summary><table><tr><th class=l>analysis</th>"
                    + "<th class=l>reason</th></tr>");
            for (TraitPages.SetResult s : nf) {
                h.append("<tr><td class=l><a href=\"").append(TraitPages.page(s.set().trait())).append('#').append(TraitPages.anchor(s.set()
                        .set())).append("\">").append(Html.esc(s.set().trait() + "/" + s.set().set())).append("</a></td><td class=l>")
                        .append(Html.esc(s.reason())).append("</td></tr>");
            }
            h.append("</table></details>");
        }
        return h.toString();
    }

    /** Warnings the run recorded: the manifest's list and each unit record's (.cohortex/units/**.json). */
    private static List<String> recorded(Path out, JsonNode m) {
        LinkedHashSet<String> w = new LinkedHashSet<>();
        m.path("warnings").forEach(x -> w.add(x.asText()));
        m.path("units").fields().forEachRemaining(e -> e.getValue().path("warnings").forEach(x -> w.add(e.getKey() + ": " + x.asText())));
        collectRecords(out.resolve(".cohortex").resolve("units"), out.resolve(".cohortex").resolve("units"), w);
        return new ArrayList<>(w);
    }

    private static void collectRecords(Path root, Path dir, LinkedHashSet<String> w) {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            List<Path> entries = new ArrayList<>();
            ds.forEach(entries::add);
            entries.sort(null);
            for (Path p : entries) {
                if (Files.isDirectory(p)) collectRecords(root, p, w);
                else if (p.toString().endsWith(".json")) {
                    String id = root.relativize(p).toString().replace('\\', '/').replaceAll("\\.json$", "");
                    TraitPages.readJson(p).path("warnings").forEach(x -> w.add(id + ": " + x.asText()));
                }
            }
        } catch (IOException e) {
            // unreadable bookkeeping: the report shows what it can
        }
    }

    /** One heatmap per trait: regions x (bulk, cell types), DEGs within set and experiment-wise; each cell links to the analysis. */
    private static String degHeatmaps(ReportInput in, List<TraitPages.SetResult> sets, Figures figures) {
        StringBuilder h = new StringBuilder("<h2 id=\"degs\">DEG counts</h2><p>Per trait: DEGs at Bonferroni &lt; ").append(in.alpha())
                .append(" within set and, in brackets, experiment-wise (over every test of the run). nf: not fitted; not run: not run ")
                .append("yet; &ndash;: no such cell type in the region's panel. A cell opens the analysis.</p><div class=\"grid\">");
        List<String> regions = new ArrayList<>(in.regionTypes().keySet());
        LinkedHashSet<String> colSet = new LinkedHashSet<>(List.of("bulk"));
        in.regionTypes().values().forEach(colSet::addAll);
        List<String> cols = new ArrayList<>(colSet);
        for (String trait : in.traits()) {
            double[][] v = new double[regions.size()][cols.size()];
            String[][] text = new String[regions.size()][cols.size()], href = new String[regions.size()][cols.size()];
            for (double[] r : v) Arrays.fill(r, Double.NaN);
            for (String[] r : text) Arrays.fill(r, "\u2013"); // not in the region's panel
            for (TraitPages.SetResult s : sets) {
                if (!s.set().trait().equals(trait)) continue;
                int i = regions.indexOf(s.set().region()), j = cols.indexOf(s.set().cellType());
                if (i < 0 || j < 0) continue;
                href[i][j] = TraitPages.page(trait) + "#" + TraitPages.anchor(s.set().set());
                switch (s.status()) {
                    case FITTED -> {
                        v[i][j] = s.degs();
                        text[i][j] = s.degs() + (s.expDegs() >= 0 ? " (" + s.expDegs() + ")" : "");
                    }
                    case NOT_FITTED -> text[i][j] = "nf";
                    default -> text[i][j] = "not run";
                }
            }
            h.append(figures.embed("degs-" + trait, Charts.heatmap(trait, "region", regions, "set", cols, v, text, href),
                    "DEGs of " + trait + " (within set; experiment-wise in brackets).", 0));
        }
        return h.append("</div>").toString();
    }

    private static String files(ReportInput in, Figures figures) {
        StringBuilder h = new StringBuilder("<h2 id=\"files\">Files</h2><p>");
        for (String f : new String[] {"de_summary.tsv", "experimentwise_degs.tsv", "manifest.json"}) {
            if (Files.isRegularFile(in.out().resolve(f))) h.append("<a href=\"").append(f).append("\">").append(f).append("</a> ");
            else h.append("<code>").append(f).append("</code> (not written yet) ");
        }
        return h.append("(inputs, checksums, versions and timings are in manifest.json). ").append(figures.names().size())
                .append(" figures as SVG under <code>figures/</code>. Re-render with <code>cohortex report ")
                .append(Html.esc(in.out().toString())).append("</code>.</p>").toString();
    }
}
