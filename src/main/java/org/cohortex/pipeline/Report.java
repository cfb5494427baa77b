package org.cohortex.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Comparator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.cohortex.Version;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.de.DeTable;

/**
 * report.html: self-contained (inline SVG and CSS, no scripts or external files), readable offline.
 * DEG counts by set x trait, cell-type proportions per region, a volcano plot per analysis, the
 * trait-overlap matrix, top genes, enrichment tables and, for a simulated cohort (truth/ beside the
 * configuration's data), power and false-discovery proportion per set.
 */
final class Report {
    private Report() {}

    static void write(Path out, StudyConfig c, Map<String, List<String>> regionTypes) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cohortex report</title><style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}td.l,th.l{text-align:left}")
                .append(".grid{display:flex;flex-wrap:wrap;gap:8px}.plot{border:1px solid #ddd}h2{border-bottom:1px solid #999}")
                .append("</style></head><body>");
        h.append("<h1>Cohortex report</h1><p>cohortex ").append(esc(Version.get())).append("; configuration <code>")
                .append(esc(c.file.toString()))
                .append("</code>; traits: ").append(esc(String.join(", ", c.traits))).append("; DEGs: Bonferroni within set &lt; ")
                        .append(c.alpha)
                .append(".</p>");
        List<String[]> summary = table(out.resolve("de_summary.tsv"));
        h.append(degCounts(c, summary));
        h.append(proportions(out, regionTypes));
        Path truth = c.phenotypes.getParent().resolve("truth").resolve("degs.tsv");
        if (Files.isRegularFile(truth)) h.append(power(out, c, truth));
        h.append(overlap(out, c));
        h.append(enrichment(out));
        h.append(notFitted(out));
        h.append(prs(out, c));
        h.append(volcanoes(out, c, summary));
        h.append("<p>Manifest (inputs, checksums, versions, timings): <code>manifest.json</code>.</p></body></html>\n");
        AtomicFile.writeString(out.resolve("report.html"), h.toString());
    }

    /** DEG counts: rows = sets, columns = traits. */
    private static String degCounts(StudyConfig c, List<String[]> summary) {
        StringBuilder h = new StringBuilder();
        Map<String, Map<String, String>> counts = new TreeMap<>();
        for (String[] r : summary.subList(1, summary.size())) counts.computeIfAbsent(r[1], k -> new LinkedHashMap<>()).put(r[0],
                r[3] + " (" + r[4] + ")");
        h.append("<h2 id=\"degs\">DEGs by region, cell type and trait</h2><p>Bonferroni within set; in brackets, "
                + "experiment-wise.</p><table><tr>")
                .append("<th class=l>set</th>");
        for (String t : c.traits) h.append("<th>").append(esc(t)).append("</th>");
        h.append("</tr>");
        counts.forEach((set, m) -> {
            h.append("<tr><td class=l>").append(esc(set)).append("</td>");
            for (String t : c.traits) h.append("<td>").append(esc(m.getOrDefault(t, "-"))).append("</td>");
            h.append("</tr>");
        });
        return h.append("</table>").toString();
    }

    private static String proportions(Path out, Map<String, List<String>> regionTypes) {
        StringBuilder h = new StringBuilder("<h2 id=\"proportions\">Cell-type proportions (mean per region)</h2><div class=grid>");
        for (String r : regionTypes.keySet()) {
            Path p = out.resolve("deconvolution").resolve(r).resolve("proportions.tsv");
            if (Files.isRegularFile(p)) h.append(barChart(r, MatrixReader.read(p)));
        }
        return h.append("</div>").toString();
    }

    private static String overlap(Path out, StudyConfig c) {
        List<String[]> ov = table(out.resolve("enrich").resolve("overlap.tsv"));
        StringBuilder h = new StringBuilder("<h2 id=\"overlap\">Trait overlap (all sets)</h2><table><tr><th class=l>trait</th>");
        for (String t : c.traits) h.append("<th>").append(esc(t)).append("</th>");
        h.append("</tr>");
        Map<String, String> shared = new HashMap<>();
        if (ov.size() > 1) {
            List<String> hd = List.of(ov.get(0));
            for (String[] r : ov.subList(1, ov.size())) {
                if (!r[0].equals("all sets")) continue;
                String v = r[hd.indexOf("shared")] + " (p " + fmt(r[hd.indexOf("p")]) + ")";
                shared.put(r[1] + "|" + r[2], v);
                shared.put(r[2] + "|" + r[1], v);
            }
        }
        for (String a : c.traits) {
            h.append("<tr><th class=l>").append(esc(a)).append("</th>");
            for (String b : c.traits) h.append("<td>").append(a.equals(b) ? "" : esc(shared.getOrDefault(a + "|" + b,
                    "0"))).append("</td>");
            h.append("</tr>");
        }
        return h.append("</table>").toString();
    }

    private static String enrichment(Path out) {
        StringBuilder h = new StringBuilder();
        for (String f : new String[] {"ora.tsv", "lists.tsv", "celltypes.tsv"}) {
            List<String[]> t = table(out.resolve("enrich").resolve(f));
            if (t.size() <= 1) continue;
            h.append("<h2 id=\"").append(f.replace(".tsv", "")).append("\">Enrichment: ").append(f).append(" (top 25 by p)</h2>");
            h.append(htmlTable(t, 25, List.of("genes")));
        }
        return h.toString();
    }

    /** Analyses that could not be fitted, with the reason. */
    private static String notFitted(Path out) {
        List<String[]> nf = new ArrayList<>();
        nf.add(new String[] {"analysis", "reason"});
        try (Stream<Path> w = Files.walk(out.resolve("de"))) {
            for (Path f : (Iterable<Path>) w.filter(x -> x.getFileName().toString().equals("not_fitted.txt")).sorted()::iterator) {
                nf.add(new String[] {out.resolve("de").relativize(f.getParent()).toString(), Files.readString(f).trim()});
            }
        } catch (IOException e) {
            // no de folder: nothing to list
        }
        return nf.size() <= 1 ? "" : "<h2 id=\"not-fitted\">Analyses not fitted</h2>" + htmlTable(nf, 1000, List.of(), false);
    }

    /** PRS: QC counts and the threshold table. */
    private static String prs(Path out, StudyConfig c) {
        List<String[]> steps = table(out.resolve("prs").resolve("qc").resolve("qc_steps.tsv"));
        if (steps.size() <= 1) return "";
        StringBuilder h = new StringBuilder("<h2 id=\"prs\">Polygenic risk score (").append(esc(c.prs != null ? c.prs.name() : "prs"))
                .append(")</h2><p>Genotype and GWAS QC, step by step:</p>").append(htmlTable(steps, 100, List.of(), false));
        List<String[]> r2 = table(out.resolve("prs").resolve("score").resolve("r2.tsv"));
        if (r2.size() > 1) {
            h.append("<p>Regression of ").append(esc(c.prs != null ? c.prs.target() : "the target trait"))
                    .append(" on the score + PCs at each GWAS p threshold (the best becomes the trait):</p>").append(htmlTable(r2, 100,
                            List.of(), false));
        }
        return h.toString();
    }

    /** A volcano plot per analysis, and up to 10 DEGs of each. */
    private static String volcanoes(Path out, StudyConfig c, List<String[]> summary) {
        StringBuilder h = new StringBuilder("<h2 id=\"volcano\">Volcano plots</h2><div class=grid>");
        StringBuilder top = new StringBuilder("<h2 id=\"top\">Top genes (up to 10 DEGs per analysis)</h2><table><tr><th class=l>trait</th>")
                .append("<th class=l>set</th><th class=l>gene</th><th>beta</th><th>p</th><th>p_bonferroni</th></tr>");
        for (String[] r : summary.subList(1, summary.size())) {
            DeTable de = DeTable.read(out.resolve("de").resolve(r[0]).resolve(r[1]).resolve("de.tsv"));
            double[] beta = de.column("beta"), p = de.column("p"), bonf = de.column("p_bonferroni");
            h.append(volcano(r[0] + " / " + r[1], beta, p, bonf));
            IntStream.range(0, de.size()).filter(g -> bonf[g] < c.alpha).boxed().sorted(Comparator.comparingDouble(g -> p[g])).limit(10)
                    .forEach(g -> top.append("<tr><td class=l>").append(esc(r[0])).append("</td><td class=l>").append(esc(r[1]))
                            .append("</td><td class=l>").append(esc(de.genes()[g])).append("</td><td>").append(fmt(beta[g]))
                                    .append("</td><td>")
                            .append(fmt(p[g])).append("</td><td>").append(fmt(bonf[g])).append("</td></tr>"));
        }
        return h.append("</div>").append(top).append("</table>").toString();
    }

    /**
     * Against the simulation's truth, per (gene, cell type) (truth_scores.tsv, TruthScores): a DEG of a cell-type set is
     * true only if it was planted in that cell type; beside each set the oracle (DE on the true cell-type expression);
     * then the leakage matrices (planted in, called in).
     */
    private static String power(Path out, StudyConfig c, Path truth) {
        List<String[]> t = table(out.resolve("truth_scores.tsv"));
        StringBuilder s = new StringBuilder("<h2 id=\"power\">Against the simulation's truth</h2><p>Per trait and set, at Bonferroni &lt; ")
                .append(c.alpha).append(" within set. A DEG of a cell-type set counts as true only if it was planted in that cell type")
                .append(" (power = planted found / planted; FDP = DEGs not planted there / DEGs; wrong cell type = DEGs planted in another")
                .append(" type of the region); a bulk DEG is true if planted in any type of the region. Mirroring index: Jaccard of a")
                .append(" cell-type set's DEGs with the region's bulk DEGs (near 1: the set repeats the bulk). Oracle: DE on the true")
                .append(" cell-type expression with the true confounders. Method: ").append(esc(c.cellTypeTest)).append(".</p>");
        if (t.size() <= 1) return s.append("<p>No scores (truth_scores.tsv missing).</p>").toString();
        List<String[]> shown = new ArrayList<>();
        shown.add(t.get(0));
        for (String[] r : t.subList(1, t.size())) if (!(r[3].equals("0") && r[4].equals("0"))) shown.add(r);
        s.append(htmlTable(shown, 10_000, List.of(), false));
        List<String[]> lk = table(out.resolve("truth_leakage.tsv"));
        if (lk.size() > 1) {
            s.append("<h3>Leakage: genes planted in a cell type (rows) called in each cell type (columns)</h3><div class=grid>");
            Map<String, Map<String, Map<String, String>>> m = new TreeMap<>();
            for (String[] r : lk.subList(1, lk.size())) {
                m.computeIfAbsent(r[0] + " / " + r[1], x -> new TreeMap<>()).computeIfAbsent(r[2], x -> new TreeMap<>()).put(r[3], r[4]);
            }
            m.forEach((title, rows) -> {
                TreeSet<String> cols = new TreeSet<>();
                rows.values().forEach(x -> cols.addAll(x.keySet()));
                s.append("<table><tr><th class=l>").append(esc(title)).append("</th>");
                for (String col : cols) s.append("<th>").append(esc(col)).append("</th>");
                s.append("</tr>");
                rows.forEach((tt, row) -> {
                    s.append("<tr><th class=l>").append(esc(tt)).append("</th>");
                    for (String col : cols) {
                        String v = row.getOrDefault(col, "0");
                        s.append(tt.equals(col) ? "<td style=\"background:#dfd\">" : v.equals("0")
                                ? "<td>" : "<td style=\"background:#fdd\">")
                                .append(v).append("</td>");
                    }
                    s.append("</tr>");
                });
                s.append("</table>");
            });
            s.append("</div>");
        }
        return s.toString();
    }

    private static String barChart(String region, ExpressionMatrix m) {
        int k = m.sampleCount(), w = 360, bar = 22, hgt = 30 + k * (bar + 4);
        StringBuilder s = new StringBuilder("<svg class=plot xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + hgt
                + "\"><text x=\"5\" y=\"18\" font-size=\"14\">" + esc(region) + "</text>");
        for (int t = 0; t < k; t++) {
            double mean = 0;
            for (int i = 0; i < m.geneCount(); i++) mean += m.values.get(i, t) / m.geneCount();
            int y = 28 + t * (bar + 4);
            s.append("<text x=\"5\" y=\"").append(y + 15).append("\" font-size=\"12\">").append(esc(m.samples[t])).append("</text>")
                    .append("<rect x=\"120\" y=\"").append(y).append("\" width=\"").append((int) (mean * 400)).append("\" height=\"")
                            .append(bar).append("\" fill=\"#4a7ab5\"/>")
                    .append("<text x=\"").append(125 + (int) (mean * 400)).append("\" y=\"").append(y + 15).append("\" font-size=\"11\">")
                            .append(String.format("%.3f", mean)).append("</text>");
        }
        return s.append("</svg>").toString();
    }

    private static String volcano(String title, double[] beta, double[] pv, double[] bonf) {
        int w = 260, h = 190;
        double maxX = 0.1, maxY = 1;
        List<double[]> pts = new ArrayList<>();
        for (int g = 0; g < beta.length; g++) {
            if (Double.isNaN(pv[g])) continue;
            double x = beta[g], p = pv[g];
            double y = p > 0 ? -Math.log10(p) : 320;
            boolean sig = bonf[g] < 0.05;
            pts.add(new double[] {x, y, sig ? 1 : 0});
            maxX = Math.max(maxX, Math.abs(x));
            maxY = Math.max(maxY, y);
        }
        StringBuilder s = new StringBuilder("<svg class=plot xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h
                + "\"><text x=\"4\" y=\"13\" font-size=\"11\">" + esc(title) + "</text><line x1=\"" + w / 2 + "\" y1=\"18\" x2=\"" + w / 2
                + "\" y2=\"" + (h - 12) + "\" stroke=\"#ccc\"/>" + "<text x=\"4\" y=\"" + (h - 2)
                        + "\" font-size=\"9\">beta (x) vs -log10 p (y)</text>");
        int step = Math.max(1, pts.size() / 250); // every DEG, and ~250 of the rest: keeps the page small
        for (int i = 0; i < pts.size(); i++) {
            double[] p = pts.get(i);
            if (p[2] == 0 && i % step != 0) continue;
            double px = w / 2.0 + p[0] / maxX * (w / 2.0 - 8), py = (h - 14) - p[1] / maxY * (h - 36);
            s.append("<circle cx=\"").append(String.format("%.1f", px)).append("\" cy=\"").append(String.format("%.1f",
                    py)).append("\" r=\"")
                    .append(p[2] == 1 ? "2" : "1").append("\" fill=\"").append(p[2] == 1 ? "#c0392b" : "#888").append("\"/>");
        }
        return s.append("</svg>").toString();
    }

    private static String fmt(double d) { return fmt(Double.isNaN(d) ? "NA" : Double.toString(d)); }

    private static String htmlTable(List<String[]> t, int limit, List<String> skip) { return htmlTable(t, limit, skip, true); }

    private static String htmlTable(List<String[]> t, int limit, List<String> skip, boolean sortByP) {
        StringBuilder s = new StringBuilder("<table><tr>");
        List<Integer> cols = new ArrayList<>();
        for (int i = 0; i < t.get(0).length; i++) if (!skip.contains(t.get(0)[i])) { cols.add(i); s.append("<th>").append(esc(t.get(0)[i]))
                .append("</th>"); }
        s.append("</tr>");
        int pc = List.of(t.get(0)).indexOf("p");
        List<String[]> rows = new ArrayList<>(t.subList(1, t.size()));
        if (pc >= 0 && sortByP) rows.sort((a, b) -> Double.compare(num(a[pc]), num(b[pc])));
        for (String[] r : rows.subList(0, Math.min(limit, rows.size()))) {
            s.append("<tr>");
            for (int i : cols) s.append("<td>").append(esc(i < r.length ? fmt(r[i]) : "")).append("</td>");
            s.append("</tr>");
        }
        return s.append("</table>").toString();
    }

    private static double num(String s) {
        try { return Double.parseDouble(s); } catch (NumberFormatException e) { return Double.POSITIVE_INFINITY; }
    }

    private static String fmt(String v) {
        try {
            double d = Double.parseDouble(v);
            if (d == Math.rint(d) && Math.abs(d) < 1e9) return Long.toString((long) d);
            return String.format("%.3g", d);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    static List<String[]> table(Path f) {
        List<String[]> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) return List.<String[]>of(new String[0]);
        try {
            for (String l : Files.readAllLines(f)) if (!l.isEmpty()) out.add(l.split("\t", -1));
        } catch (IOException e) {
            return List.<String[]>of(new String[0]);
        }
        return out.isEmpty() ? List.<String[]>of(new String[0]) : out;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
