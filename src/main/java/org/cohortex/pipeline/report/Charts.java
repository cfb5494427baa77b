package org.cohortex.pipeline.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

import org.cohortex.stats.Normal;

/**
 * The report's figure types on {@link Svg}: volcano, QQ with the genomic inflation factor, heatmap,
 * box plots, bars and scatter. Dense point clouds are thinned to one point per 2 x 2 pixels (the points
 * that matter, DEGs and the smallest p-values, are always drawn), which keeps 150 analyses small.
 */
final class Charts {
    private Charts() {}

    /** The median of the 1-df chi-square distribution, qchisq(0.5, 1). */
    static final double CHI2_MEDIAN = 0.454936423119572;

    /** Genomic inflation: median chi-square of the p-values (as 1-df statistics) over its expectation. */
    static double lambda(double[] p) {
        double[] ok = Arrays.stream(p).filter(v -> !Double.isNaN(v) && v > 0 && v <= 1).sorted().toArray();
        if (ok.length == 0) return Double.NaN;
        int n = ok.length;
        // chi^2 = z(p/2)^2 falls as p rises, so the median chi-square is that of the median p (two quantiles, not one per gene)
        double med = n % 2 == 1 ? chiSquare(ok[n / 2]) : (chiSquare(ok[n / 2]) + chiSquare(ok[n / 2 - 1])) / 2;
        return med / CHI2_MEDIAN;
    }

    private static double chiSquare(double p) {
        double z = Normal.quantile(p / 2);
        return z * z;
    }

    private static double mlog10(double p) { return p > 0 ? -Math.log10(p) : 320; }

    /** Volcano: effect against -log10 p; DEGs (Bonferroni below alpha) red, the Bonferroni p threshold dashed, top genes named. */
    static Svg volcano(String title, String xTitle, String[] genes, double[] beta, double[] p, double[] bonf, double alpha, int tested) {
        List<Integer> ok = IntStream.range(0, p.length).filter(g -> !Double.isNaN(p[g]) && !Double.isNaN(beta[g])).boxed().toList();
        double line = mlog10(alpha / Math.max(1, tested));
        double ymax = line * 1.05;
        double[] abs = ok.stream().mapToDouble(g -> Math.abs(beta[g])).sorted().toArray();
        // the x range holds 99.5% of the genes and every DEG; the few beyond it sit on the frame, drawn hollow
        double xmax = Math.max(0.1, abs.length == 0 ? 0.1 : 1.1 * quantile(abs, 0.995));
        for (int g : ok) {
            if (bonf[g] < alpha) xmax = Math.max(xmax, Math.abs(beta[g]));
            ymax = Math.max(ymax, Math.min(mlog10(p[g]), 320));
        }
        Svg s = new Svg(380, 280, title).axes(xTitle, -xmax, xmax, "-log10 p", 0, ymax);
        double edge = s.xMax();
        s.segment(s.xMin(), line, s.xMax(), line, "#c0392b", true);
        s.raw(Svg.text(s.left + 3, s.py(line) - 3, "start", 9, "Bonferroni " + alpha));
        Set<Long> drawn = new HashSet<>();
        List<Integer> order = new ArrayList<>(ok);
        order.sort((a, b) -> Double.compare(p[a], p[b]));
        for (int g : order) {
            boolean deg = bonf[g] < alpha;
            long pixel = Math.round(s.px(beta[g]) / 2) * 100_000 + Math.round(s.py(mlog10(p[g])) / 2);
            if (!deg && !drawn.add(pixel)) continue; // a grey point where one is already drawn (2 px) adds nothing
            double x = Math.max(-edge, Math.min(edge, beta[g]));
            if (x != beta[g]) {
                s.raw(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"none\" stroke=\"%s\"><title>%s beta %s"
                        + "</title></circle>", s.px(x), s.py(mlog10(p[g])), deg ? "#c0392b" : "#777", Html.esc(genes[g]),
                                Html.fmt(beta[g])));
            } else {
                s.point(x, mlog10(p[g]), deg ? 2.5 : 1.6, deg ? "#c0392b" : "#999", deg ? genes[g] : null);
            }
        }
        List<double[]> placed = new ArrayList<>();
        int named = 0;
        for (int g : order) {
            if (named == 8 || (bonf[g] >= alpha && named >= 3)) break; // without DEGs, the three smallest p-values are still named
            double x = s.px(Math.max(-edge, Math.min(edge, beta[g]))), y = s.py(mlog10(p[g])) - 3;
            boolean right = x < s.width * 0.6; // labels point inwards, so none leaves the frame
            double w = 5.5 * genes[g].length() + 4, lx = right ? x + 3 : x - 3 - w;
            for (int tries = 0; tries < 6 && overlaps(placed, lx, y, w); tries++) y += 10;
            placed.add(new double[] {lx, y, w});
            s.raw(Svg.text(right ? x + 3 : x - 3, y, right ? "start" : "end", 9, genes[g]));
            named++;
        }
        return s;
    }

    private static boolean overlaps(List<double[]> placed, double x, double y, double w) {
        for (double[] b : placed) if (Math.abs(b[1] - y) < 10 && x < b[0] + b[2] && b[0] < x + w) return true;
        return false;
    }

    /** QQ plot of -log10 p against its expectation under the null, with lambda in the title. */
    static Svg qq(String title, double[] pv) {
        double[] p = Arrays.stream(pv).filter(v -> !Double.isNaN(v)).sorted().toArray();
        double lam = lambda(p);
        int n = p.length;
        double emax = n == 0 ? 1 : mlog10(0.5 / n), omax = n == 0 ? 1 : Math.min(320, mlog10(p[0]));
        Svg s = new Svg(280, 280, title + String.format(Locale.ROOT, " (lambda %.3f)", lam))
                .axes("expected -log10 p", 0, emax, "observed -log10 p", 0, Math.max(emax, omax));
        double diag = Math.min(s.xMax(), Math.max(emax, omax));
        s.segment(0, 0, diag, diag, "#555", true);
        Set<Long> drawn = new HashSet<>();
        for (int i = 0; i < n; i++) {
            double e = mlog10((i + 0.5) / n), o = Math.min(320, mlog10(p[i]));
            if (drawn.add(Math.round(s.px(e) / 2) * 100_000 + Math.round(s.py(o) / 2))) s.point(e, o, 1.6, "#4477aa", null);
        }
        return s;
    }

    /** Blue scale from white (0) to dark (max). */
    static String shade(double v, double max) {
        double f = max <= 0 || Double.isNaN(v) ? 0 : Math.min(1, v / max);
        int r = (int) Math.round(255 - f * (255 - 33)), g = (int) Math.round(255 - f * (255 - 102)),
                b = (int) Math.round(255 - f * (255 - 172));
        return String.format("#%02x%02x%02x", r, g, b);
    }

    /**
     * A heatmap: rows x columns, cells shaded by value (NaN: hatched grey, "not run" or "not fitted"), each with a text and,
     * where {@code href} has one, a link.
     */
    static Svg heatmap(String title, String rowTitle, List<String> rows, String colTitle, List<String> cols, double[][] v, String[][] text,
                       String[][] href) {
        int cw = 48, ch = 22, left = 24 + 7 * rows.stream().mapToInt(String::length).max().orElse(4);
        int top = 44 + 4 * cols.stream().mapToInt(String::length).max().orElse(4);
        int w = left + cw * cols.size() + 16 + 4 * cols.stream().mapToInt(String::length).max().orElse(4), h = top + ch * rows.size() + 12;
        double max = 0;
        for (double[] r : v) for (double x : r) if (!Double.isNaN(x)) max = Math.max(max, x);
        Svg s = new Svg(w, h, left, 16, top, 12, title);
        for (int j = 0; j < cols.size(); j++) {
            double x = left + cw * (j + 0.5);
            s.raw(String.format(Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" transform=\"rotate(-45 %.1f %d)\">%s</text>", x - 4,
                    top - 4, x - 4, top - 4, Html.esc(cols.get(j))));
        }
        for (int i = 0; i < rows.size(); i++) {
            int y = top + ch * i;
            s.raw(Svg.text(left - 4, y + ch / 2.0 + 4, "end", 11, rows.get(i)));
            for (int j = 0; j < cols.size(); j++) {
                int x = left + cw * j;
                boolean na = Double.isNaN(v[i][j]);
                String fill = na ? "#eeeeee" : shade(v[i][j], max), fg = !na && v[i][j] > max * 0.6 ? "#fff" : "#222";
                String link = href == null ? null : href[i][j];
                if (link != null) s.raw("<a href=\"" + Html.esc(link) + "\">");
                s.raw(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#fff\"><title>%s"
                        + "</title></rect>", x, y, cw, ch, fill, Html.esc(rows.get(i) + " / " + cols.get(j) + ": " + text[i][j])));
                s.raw(String.format(Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" fill=\"%s\">%s</text>",
                        x + cw / 2.0, y + ch / 2.0 + 3.5, fg, Html.esc(text[i][j])));
                if (link != null) s.raw("</a>");
            }
        }
        s.raw(String.format(Locale.ROOT, "<text class=\"xlabel\" x=\"%d\" y=\"30\" font-size=\"11\">%s</text>", left, Html.esc(colTitle)));
        s.raw(String.format(Locale.ROOT, "<text class=\"ylabel\" x=\"4\" y=\"%d\" font-size=\"11\">%s</text>", top - 4,
                Html.esc(rowTitle)));
        return s;
    }

    /** Box plots (quartiles, whiskers to the furthest point within 1.5 IQR, points beyond), one per category. */
    static Svg boxes(String title, String xTitle, List<String> names, List<double[]> values, String yTitle, double ylo, double yhi) {
        Svg s = new Svg(Math.max(260, 70 + 44 * names.size()), 270, 56, 14, 26, 70, title).bands(xTitle, names, yTitle, ylo, yhi, true);
        for (int i = 0; i < names.size(); i++) {
            double[] x = Arrays.stream(values.get(i)).filter(d -> !Double.isNaN(d)).sorted().toArray();
            if (x.length == 0) continue;
            double q1 = quantile(x, 0.25), med = quantile(x, 0.5), q3 = quantile(x, 0.75), iqr = q3 - q1;
            double lo = x[0], hi = x[x.length - 1];
            for (double d : x) if (d >= q1 - 1.5 * iqr) { lo = d; break; }
            for (int k = x.length - 1; k >= 0; k--) if (x[k] <= q3 + 1.5 * iqr) { hi = x[k]; break; }
            String c = Svg.PALETTE[i % Svg.PALETTE.length];
            s.segment(i + 0.5, lo, i + 0.5, q1, "#333", false).segment(i + 0.5, q3, i + 0.5, hi, "#333", false);
            s.box(i + 0.2, q1, i + 0.8, q3, c, "#333", String.format(Locale.ROOT, "%s: median %.3f, IQR %.3f-%.3f, n %d", names.get(i), med,
                    q1, q3, x.length));
            s.segment(i + 0.2, med, i + 0.8, med, "#000", false);
            for (double d : x) if (d < lo || d > hi) s.point(i + 0.5, d, 1.8, "#333", null);
        }
        return s;
    }

    /** Quantile by linear interpolation (R's type 7) of sorted values. */
    static double quantile(double[] sorted, double q) {
        double h = (sorted.length - 1) * q;
        int i = (int) Math.floor(h);
        return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }

    /** Vertical bars, one per category; {@code mark} (or -1) is drawn in red and starred. */
    static Svg bars(String title, String xTitle, List<String> names, double[] v, String yTitle, int mark, String[] above) {
        double max = Arrays.stream(v).filter(d -> !Double.isNaN(d)).max().orElse(1);
        Svg s = new Svg(Math.max(300, 80 + 52 * names.size()), 280, 60, 14, 26, 70, title).bands(xTitle, names, yTitle, 0,
                max * 1.12, true);
        for (int i = 0; i < names.size(); i++) {
            if (Double.isNaN(v[i])) continue;
            s.box(i + 0.15, 0, i + 0.85, v[i], i == mark ? "#c0392b" : "#4477aa", "none", names.get(i) + ": " + Html.fmt(v[i]));
            String t = (above != null ? above[i] : "") + (i == mark ? " *" : "");
            if (!t.isBlank()) s.label(i + 0.5, v[i], "middle", 9, t.strip());
        }
        return s;
    }

    /** Scatter of groups (one colour each, a legend at the right), with the line y = x when {@code identity}. */
    static Svg scatter(String title, String xTitle, String yTitle, List<String> groups, List<double[][]> xy, boolean identity) {
        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY, ylo = xlo, yhi = xhi;
        for (double[][] g : xy) {
            for (double x : g[0]) if (!Double.isNaN(x)) { xlo = Math.min(xlo, x); xhi = Math.max(xhi, x); }
            for (double y : g[1]) if (!Double.isNaN(y)) { ylo = Math.min(ylo, y); yhi = Math.max(yhi, y); }
        }
        if (xlo > xhi) { xlo = 0; xhi = 1; ylo = 0; yhi = 1; }
        if (identity) { xlo = ylo = Math.min(xlo, ylo); xhi = yhi = Math.max(xhi, yhi); }
        int legend = groups.size() > 1 ? 20 + 7 * groups.stream().mapToInt(String::length).max().orElse(0) : 0;
        Svg s = new Svg(320 + legend, 290, 56, 14 + legend, 26, 42, title).axes(xTitle, xlo, xhi, yTitle, ylo, yhi);
        if (identity) s.segment(s.xMin(), s.xMin(), s.xMax(), s.xMax(), "#555", true);
        for (int k = 0; k < groups.size(); k++) {
            String c = Svg.PALETTE[k % Svg.PALETTE.length];
            double[][] g = xy.get(k);
            for (int i = 0; i < g[0].length; i++) if (!Double.isNaN(g[0][i]) && !Double.isNaN(g[1][i])) s.point(g[0][i],
                    g[1][i], 2.2, c, null);
            if (legend > 0) {
                int ly = 34 + 14 * k, lx = s.width - legend + 6;
                s.raw(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>", lx, ly - 3, c))
                        .raw(Svg.text(lx + 8, ly + 1, "start", 10, groups.get(k)));
            }
        }
        return s;
    }

    /** A dot plot: one row per name, x = -log10 p, dot area by {@code size}, red where {@code sig}. */
    static Svg dots(String title, List<String> names, double[] p, double[] size, boolean[] sig) {
        double xmax = 1, smax = 1;
        for (int i = 0; i < names.size(); i++) {
            xmax = Math.max(xmax, Math.min(320, mlog10(p[i])));
            if (!Double.isNaN(size[i])) smax = Math.max(smax, size[i]);
        }
        int left = 30 + 6 * names.stream().mapToInt(String::length).max().orElse(4);
        Svg s = new Svg(left + 300, 60 + 18 * names.size(), left, 14, 26, 42, title).rows("-log10 p", 0, xmax, "", names);
        for (int i = 0; i < names.size(); i++) {
            double r = 2 + 6 * Math.sqrt(Double.isNaN(size[i]) ? 0 : size[i] / smax);
            s.point(Math.min(320, mlog10(p[i])), i + 0.5, r, sig[i] ? "#c0392b" : "#4477aa", names.get(i) + ": p " + Html.fmt(p[i])
                    + ", " + Html.fmt(size[i]));
        }
        return s;
    }
}
