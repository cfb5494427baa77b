package org.cohortex.pipeline.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Deconvolution: per region the distribution of each cell type's estimated proportion over the
 * samples (box plots), the fit quality per sample (correlation of the observed with the
 * reconstructed profile, fit.tsv), and, for a simulated cohort, estimated against true proportions.
 */
final class DeconvolutionSection {
    private DeconvolutionSection() {}

    static String render(ReportInput in, Figures figures) {
        StringBuilder h = new StringBuilder("<h2 id=\"deconvolution\">Deconvolution: cell-type proportions</h2><div class=\"grid\">");
        List<String> fitted = new ArrayList<>();
        List<double[]> fitR = new ArrayList<>();
        StringBuilder truth = new StringBuilder();
        for (String region : in.regionTypes().keySet()) {
            Path dir = in.out().resolve("deconvolution").resolve(region);
            List<String[]> t = Tsv.read(dir.resolve("proportions.tsv"));
            if (t.size() < 2) {
                h.append(Html.missing("Deconvolution of " + region, "deconvolution/" + region + "/proportions.tsv"));
                continue;
            }
            List<String> types = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            for (int j = 1; j < t.get(0).length; j++) {
                types.add(t.get(0)[j]);
                double[] v = new double[t.size() - 1];
                for (int i = 1; i < t.size(); i++) v[i - 1] = Html.num(Tsv.get(t.get(i), j));
                values.add(v);
            }
            h.append(figures.embed("proportions-" + region, Charts.boxes(region + ": estimated proportions", "cell type", types, values,
                    "proportion", 0, 1), "Proportions over " + (t.size() - 1) + " samples (box: quartiles; whiskers: 1.5 IQR).", 0));
            List<String[]> fit = Tsv.read(dir.resolve("fit.tsv"));
            int rc = Tsv.col(fit, "r");
            if (rc >= 0) {
                fitted.add(region);
                fitR.add(fit.subList(1, fit.size()).stream().mapToDouble(r -> Html.num(Tsv.get(r, rc))).toArray());
            }
            if (in.truth() != null) truth.append(truthScatter(in.truth().resolve("regions").resolve(region + ".proportions.tsv"), t, region,
                    figures));
        }
        if (!fitted.isEmpty()) {
            h.append(figures.embed("deconvolution-fit", Charts.boxes("Fit per sample", "region", fitted, fitR,
                    "r (observed vs fitted)", 0, 1),
                    "Correlation of each sample's observed profile with the fitted mixture, over the signature genes (fit.tsv).", 0));
        }
        h.append("</div>");
        if (truth.length() > 0) {
            h.append("<h3 id=\"deconvolution-truth\">Estimated against the simulation's true proportions</h3><div class=\"grid\">")
                    .append(truth).append("</div>");
        }
        return h.toString();
    }

    /** One point per (sample, cell type), coloured by cell type, against the simulated truth. */
    private static String truthScatter(Path truthFile, List<String[]> est, String region, Figures figures) {
        List<String[]> tr = Tsv.read(truthFile);
        if (tr.size() < 2) return "";
        Map<String, String[]> bySample = new HashMap<>();
        for (String[] r : tr.subList(1, tr.size())) bySample.put(r[0], r);
        List<String> groups = new ArrayList<>();
        List<double[][]> xy = new ArrayList<>();
        for (int j = 1; j < est.get(0).length; j++) {
            int tc = Tsv.col(tr, est.get(0)[j]);
            if (tc < 0) continue;
            double[][] g = new double[2][est.size() - 1];
            for (int i = 1; i < est.size(); i++) {
                String[] truthRow = bySample.get(est.get(i)[0]);
                g[0][i - 1] = truthRow == null ? Double.NaN : Html.num(Tsv.get(truthRow, tc));
                g[1][i - 1] = Html.num(Tsv.get(est.get(i), j));
            }
            groups.add(est.get(0)[j]);
            xy.add(g);
        }
        if (groups.isEmpty()) return "";
        return figures.embed("proportions-truth-" + region, Charts.scatter(region + ": estimated vs true", "true proportion",
                "estimated proportion", groups, xy, true), "Each point a sample and cell type; dashed: estimated = true.", 0);
    }
}
