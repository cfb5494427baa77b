package org.cohortex.pipeline.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cell-type specificity against a simulation's truth (truth_scores.tsv, truth_leakage.tsv written by
 * the run's TruthScores): the mirroring index per trait as a region x cell type heatmap (Jaccard of a
 * cell-type set's DEGs with its region's bulk DEGs: near 1, the set repeats the bulk), the leakage
 * matrices (genes planted in a type, called in each type) that have any calls, and the scores.
 */
final class TruthSection {
    private TruthSection() {}

    static String render(ReportInput in, Figures figures) {
        if (in.truth() == null) return "";
        StringBuilder h = new StringBuilder("<h2 id=\"truth\">Against the simulation's truth</h2><p>Per trait and set, at Bonferroni &lt; ")
                .append(in.alpha()).append(" within set. A DEG of a cell-type set counts as true only if it was planted in that cell type")
                .append(" (power = planted found / planted; FDP = DEGs not planted there / DEGs); a bulk DEG is true if planted in any")
                .append(" type of the region. Oracle: DE on the true cell-type expression with the true confounders. Method: ")
                .append(Html.esc(in.cellTypeTest())).append(".</p>");
        List<String[]> t = Tsv.read(in.out().resolve("truth_scores.tsv"));
        if (t.size() < 2) return h.append(Html.missing("Scores against the truth", "truth_scores.tsv")).toString();
        String leak = leakage(in, figures);
        h.append("<div class=\"grid\">").append(mirroring(in, t, figures)).append(leak).append("</div>");
        if (leak.isEmpty()) h.append("<p>Leakage: no gene planted in a cell type was called in any cell type (truth_leakage.tsv).</p>");
        List<String[]> shown = new ArrayList<>();
        shown.add(t.get(0));
        int cp = Tsv.col(t, "planted"), cd = Tsv.col(t, "degs");
        for (String[] r : t.subList(1, t.size())) if (!(Tsv.get(r, cp).equals("0") && Tsv.get(r, cd).equals("0"))) shown.add(r);
        return h.append("<h3>Scores (sets with planted genes or DEGs)</h3>").append(Html.table(shown, List.of(), 10_000, true)).toString();
    }

    private static String mirroring(ReportInput in, List<String[]> t, Figures figures) {
        int cm = Tsv.col(t, "mirroring_index"), cmeth = Tsv.col(t, "method");
        StringBuilder h = new StringBuilder();
        for (String trait : in.traits()) {
            Map<String, Map<String, String>> m = new LinkedHashMap<>();
            TreeSet<String> types = new TreeSet<>();
            for (String[] r : t.subList(1, t.size())) {
                if (!r[0].equals(trait) || !r[1].contains(".") || Tsv.get(r, cmeth).equals("oracle")) continue;
                String region = r[1].substring(0, r[1].indexOf('.')), type = r[1].substring(r[1].indexOf('.') + 1);
                m.computeIfAbsent(region, k -> new TreeMap<>()).put(type, Tsv.get(r, cm));
                types.add(type);
            }
            if (m.isEmpty() || m.values().stream().allMatch(x -> x.values().stream().allMatch(v -> v.equals("NA")))) continue;
            List<String> rows = new ArrayList<>(m.keySet()), cols = new ArrayList<>(types);
            double[][] v = new double[rows.size()][cols.size()];
            String[][] text = new String[rows.size()][cols.size()];
            for (int i = 0; i < rows.size(); i++) {
                for (int j = 0; j < cols.size(); j++) {
                    String s = m.get(rows.get(i)).getOrDefault(cols.get(j), "NA");
                    v[i][j] = Html.num(s);
                    text[i][j] = Html.fmt(s);
                }
            }
            h.append(figures.embed("mirroring-" + trait, Charts.heatmap(trait + ": mirroring index", "region", rows, "cell type", cols, v,
                    text, null), "Jaccard of each cell-type set's DEGs with the region's bulk DEGs (NA: no DEGs in either).", 0));
        }
        return h.toString();
    }

    private static String leakage(ReportInput in, Figures figures) {
        List<String[]> lk = Tsv.read(in.out().resolve("truth_leakage.tsv"));
        Map<String, Map<String, Map<String, Double>>> m = new TreeMap<>();
        for (String[] r : lk.subList(Math.min(1, lk.size()), lk.size())) {
            m.computeIfAbsent(r[0] + " / " + r[1], x -> new TreeMap<>()).computeIfAbsent(r[2], x -> new TreeMap<>()).put(r[3],
                    Html.num(r[4]));
        }
        StringBuilder h = new StringBuilder();
        m.forEach((title, rowsMap) -> {
            if (rowsMap.values().stream().allMatch(x -> x.values().stream().allMatch(v -> v == 0))) return;
            TreeSet<String> colSet = new TreeSet<>();
            rowsMap.values().forEach(x -> colSet.addAll(x.keySet()));
            List<String> rows = new ArrayList<>(rowsMap.keySet()), cols = new ArrayList<>(colSet);
            double[][] v = new double[rows.size()][cols.size()];
            String[][] text = new String[rows.size()][cols.size()];
            for (int i = 0; i < rows.size(); i++) {
                for (int j = 0; j < cols.size(); j++) {
                    v[i][j] = rowsMap.get(rows.get(i)).getOrDefault(cols.get(j), 0.0);
                    text[i][j] = Html.fmt(v[i][j]);
                }
            }
            h.append(figures.embed("leakage-" + title.replace(" / ", "-"), Charts.heatmap("Leakage: " + title, "planted in", rows,
                    "called in", cols, v, text, null),
                            "Genes planted in a cell type (rows) called DEGs in each cell type (columns): off the"
                    + " diagonal, a call in the wrong type.", 0));
        });
        return h.toString();
    }
}
