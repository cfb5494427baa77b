package org.cohortex.pipeline.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The polygenic risk score: the QC steps as a waterfall (variants and samples kept after each step,
 * those removed stacked on top), the genotype PCs 1 x 2 coloured by the phenotype table's race or
 * ancestry column when it has one, and R2 by GWAS p threshold as PRSice-2's bar plot (incremental
 * R2 over the covariates, the best threshold marked), then the tables.
 */
final class PrsSection {
    private PrsSection() {}

    static String render(ReportInput in, Figures figures) {
        if (in.prsName() == null) return "";
        Path prs = in.out().resolve("prs");
        StringBuilder h = new StringBuilder("<h2 id=\"prs\">Polygenic risk score (").append(Html.esc(in.prsName())).append(")</h2>");
        List<String[]> steps = Tsv.read(prs.resolve("qc").resolve("qc_steps.tsv"));
        if (steps.size() < 2) return h.append(Html.missing("The PRS", "prs/qc/qc_steps.tsv")).toString();
        h.append("<div class=\"grid\">");
        for (String unit : new String[] {"variants", "samples"}) {
            List<String> names = new ArrayList<>();
            List<double[]> kr = new ArrayList<>();
            for (String[] r : steps.subList(1, steps.size())) {
                if (!Tsv.get(r, Tsv.col(steps, "unit")).equals(unit)) continue;
                names.add(r[0]);
                kr.add(new double[] {Html.num(Tsv.get(r, Tsv.col(steps, "after"))), Html.num(Tsv.get(r, Tsv.col(steps, "removed")))});
            }
            if (!names.isEmpty()) h.append(figures.embed("prs-qc-" + unit, waterfall("QC: " + unit, names, kr, unit),
                    "Grey: " + unit + " kept after each step; red: removed by it (qc_steps.tsv).", 0));
        }
        String pcs = pcPlot(in, prs.resolve("qc").resolve("pcs.tsv"), figures);
        h.append(pcs);
        List<String[]> r2 = Tsv.read(prs.resolve("score").resolve("r2.tsv"));
        if (r2.size() > 1) {
            List<String> names = new ArrayList<>();
            double[] v = new double[r2.size() - 1];
            String[] above = new String[v.length];
            int best = -1, ci = Tsv.col(r2, "r2_incremental"), cp = Tsv.col(r2, "p"), cb = Tsv.col(r2, "best");
            for (int i = 1; i < r2.size(); i++) {
                names.add(r2.get(i)[0]);
                v[i - 1] = Html.num(Tsv.get(r2.get(i), ci));
                above[i - 1] = "p " + Html.fmt(Tsv.get(r2.get(i), cp));
                if (Tsv.get(r2.get(i), cb).equals("true")) best = i - 1;
            }
            h.append(figures.embed("prs-r2", Charts.bars("R2 by p threshold (" + in.prsTarget() + ")", "GWAS p threshold", names, v,
                    "incremental R2", best, above), "Incremental R2 of the score over the covariates at each threshold; red *: the best,"
                    + " which becomes the trait " + in.prsName() + ".", 0));
        } else {
            h.append(Html.missing("Scoring", "prs/score/r2.tsv"));
        }
        h.append("</div><details><summary>QC steps and R2 tables</summary>").append(Html.table(steps, List.of(), 100, false))
                .append(Html.table(r2, List.of(), 100, false)).append("</details>");
        return h.toString();
    }

    private static Svg waterfall(String title, List<String> names, List<double[]> keptRemoved, String unit) {
        double max = keptRemoved.stream().mapToDouble(k -> k[0] + k[1]).max().orElse(1);
        Svg s = new Svg(Math.max(300, 80 + 46 * names.size()), 290, 60, 14, 26, 80, title).bands("QC step", names, unit, 0, max, true);
        for (int i = 0; i < names.size(); i++) {
            double kept = keptRemoved.get(i)[0], removed = keptRemoved.get(i)[1];
            s.box(i + 0.15, 0, i + 0.85, kept, "#bbbbbb", "none", names.get(i) + ": " + Html.fmt(kept) + " kept");
            if (removed > 0) s.box(i + 0.15, kept, i + 0.85, kept + removed, "#c0392b", "none", names.get(i) + ": " + Html.fmt(removed)
                    + " removed");
            s.label(i + 0.5, kept + removed, "middle", 9, "-" + Html.fmt(removed));
        }
        return s;
    }

    /** PC1 x PC2 of the QC'd samples, coloured by the phenotype table's race/ancestry column when there is one. */
    private static String pcPlot(ReportInput in, Path pcsFile, Figures figures) {
        List<String[]> pcs = Tsv.read(pcsFile);
        int c1 = Tsv.col(pcs, "PC1"), c2 = Tsv.col(pcs, "PC2"), id = Tsv.col(pcs, "IID");
        if (c1 < 0 || c2 < 0) return "";
        Map<String, String> group = new HashMap<>();
        String by = null;
        if (in.phenotypes() != null) {
            List<String[]> ph = Tsv.read(in.phenotypes());
            for (String name : new String[] {"ancestry", "ancestry_cluster", "population", "race"}) {
                int c = Tsv.col(ph, name);
                if (c < 0) continue;
                by = name;
                for (String[] r : ph.subList(1, ph.size())) group.put(r[0], Tsv.get(r, c));
                break;
            }
        }
        Map<String, List<double[]>> pts = new LinkedHashMap<>();
        for (String[] r : pcs.subList(1, pcs.size())) {
            String g = group.getOrDefault(Tsv.get(r, id), by == null ? "samples" : "NA");
            pts.computeIfAbsent(g, k -> new ArrayList<>()).add(new double[] {Html.num(Tsv.get(r, c1)), Html.num(Tsv.get(r, c2))});
        }
        List<String> groups = new ArrayList<>(pts.keySet());
        groups.sort(null);
        List<double[][]> xy = new ArrayList<>();
        for (String g : groups) {
            List<double[]> l = pts.get(g);
            double[][] a = new double[2][l.size()];
            for (int i = 0; i < l.size(); i++) {
                a[0][i] = l.get(i)[0];
                a[1][i] = l.get(i)[1];
            }
            xy.add(a);
        }
        return figures.embed("prs-pcs", Charts.scatter("Genotype PCs", "PC1", "PC2", groups, xy, false), "PC1 x PC2 of the samples kept"
                + (by != null ? ", coloured by the phenotype column '" + by + "'" : "") + " (prs/qc/pcs.tsv).", 0);
    }
}
