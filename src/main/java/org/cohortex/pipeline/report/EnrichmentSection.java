package org.cohortex.pipeline.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Enrichment and overlap (enrich/): the trait-overlap matrix (DEGs shared between two traits over
 * all sets) as a heatmap, each enrichment table's smallest p-values as a dot plot, and the tables.
 */
final class EnrichmentSection {
    private EnrichmentSection() {}

    static String render(ReportInput in, Figures figures) {
        Path dir = in.out().resolve("enrich");
        StringBuilder h = new StringBuilder("<h2 id=\"enrichment\">Enrichment and trait overlap</h2>");
        List<String[]> ov = Tsv.read(dir.resolve("overlap.tsv"));
        if (ov.size() < 1) return h.append(Html.missing("Enrichment", "enrich/overlap.tsv")).toString();
        h.append("<div class=\"grid\">").append(overlap(in, ov, figures));
        StringBuilder tables = new StringBuilder();
        String[][] kinds = {{"ora", "gene_set", "overlap"}, {"lists", "list", "overlap"}, {"celltypes", "cell_type", "degs"}};
        for (String[] k : kinds) {
            List<String[]> t = Tsv.read(dir.resolve(k[0] + ".tsv"));
            if (t.size() < 2) {
                tables.append("<h3>").append(k[0]).append(".tsv</h3><p class=\"muted\">No rows (no DEGs to test, or no gene sets).</p>");
                continue;
            }
            int cp = Tsv.col(t, "p");
            List<String[]> rows = new ArrayList<>(t.subList(1, t.size()));
            rows.sort((a, b) -> Double.compare(Html.num(Tsv.get(a, cp)), Html.num(Tsv.get(b, cp))));
            List<String[]> sorted = new ArrayList<>();
            sorted.add(t.get(0));
            sorted.addAll(rows);
            h.append(dotPlot(in, k, t.get(0), rows.subList(0, Math.min(20, rows.size())), figures));
            List<String> keep = new ArrayList<>(List.of(t.get(0)));
            keep.remove("genes");
            tables.append("<h3>").append(k[0]).append(".tsv (top 25 by p)</h3>").append(Html.table(sorted, keep, 25, true));
        }
        return h.append("</div>").append(tables).toString();
    }

    private static String overlap(ReportInput in, List<String[]> ov, Figures figures) {
        Map<String, String[]> pair = new HashMap<>();
        int ca = Tsv.col(ov, "trait_a"), cb = Tsv.col(ov, "trait_b");
        for (String[] r : ov.subList(1, ov.size())) {
            if (!r[0].equals("all sets")) continue;
            pair.put(Tsv.get(r, ca) + "|" + Tsv.get(r, cb), r);
            pair.put(Tsv.get(r, cb) + "|" + Tsv.get(r, ca), r);
        }
        List<String> tr = in.traits();
        double[][] v = new double[tr.size()][tr.size()];
        String[][] text = new String[tr.size()][tr.size()];
        int cs = Tsv.col(ov, "shared"), cp = Tsv.col(ov, "p");
        for (int i = 0; i < tr.size(); i++) {
            for (int j = 0; j < tr.size(); j++) {
                String[] r = pair.get(tr.get(i) + "|" + tr.get(j));
                v[i][j] = i == j || r == null ? Double.NaN : Html.num(Tsv.get(r, cs));
                text[i][j] = i == j ? "" : r == null ? "0" : Html.fmt(Tsv.get(r, cs)) + " (p " + Html.fmt(Tsv.get(r, cp)) + ")";
            }
        }
        return figures.embed("trait-overlap", Charts.heatmap("Trait overlap: shared DEGs (all sets)", "trait", tr, "trait", tr, v, text,
                null), "DEGs shared by two traits over all sets; in brackets the hypergeometric p (enrich/overlap.tsv).", 0);
    }

    private static String dotPlot(ReportInput in, String[] kind, String[] header, List<String[]> rows, Figures figures) {
        List<String> names = new ArrayList<>();
        double[] p = new double[rows.size()], size = new double[rows.size()];
        boolean[] sig = new boolean[rows.size()];
        List<String[]> t = new ArrayList<>();
        t.add(header);
        int cl = Tsv.col(t, kind[1]), cs = Tsv.col(t, kind[2]), cp = Tsv.col(t, "p"), cb = Tsv.col(t, "p_bonferroni");
        int ct = Tsv.col(t, "trait"), cr = Tsv.col(t, kind[0].equals("celltypes") ? "region" : "set");
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            names.add(Tsv.get(r, ct) + " " + Tsv.get(r, cr) + ": " + Tsv.get(r, cl));
            p[i] = Html.num(Tsv.get(r, cp));
            size[i] = Html.num(Tsv.get(r, cs));
            sig[i] = Html.num(Tsv.get(r, cb)) < in.alpha();
        }
        return figures.embed("enrichment-" + kind[0], Charts.dots("Enrichment: " + kind[0] + " (top " + rows.size() + ")", names, p, size,
                sig), "Dot area: " + kind[2] + "; red: Bonferroni < " + in.alpha() + " (enrich/" + kind[0] + ".tsv).", 0);
    }
}
