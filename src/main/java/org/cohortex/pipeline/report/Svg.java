package org.cohortex.pipeline.report;

import java.util.List;
import java.util.Locale;

/**
 * One SVG figure with a rectangular plot area: a title, linear x and y axes with "nice" ticks
 * (Heckbert, "Nice numbers for graph labels", Graphics Gems 1990: steps of 1, 2 or 5 x 10^k), axis
 * labels, and primitives placed in data coordinates. Axis titles carry the classes {@code xlabel}
 * and {@code ylabel} (the browser test looks for them); every figure is standalone SVG, so the same
 * text is inlined in the page and written to figures/.
 */
final class Svg {
    static final String NS = "xmlns=\"http://www.w3.org/2000/svg\"";
    static final String[] PALETTE = {"#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb", "#000000"};

    final int width, height;
    final int left, right, top, bottom;
    private final StringBuilder body = new StringBuilder();
    private double x0 = 0, x1 = 1, y0 = 0, y1 = 1;

    Svg(int width, int height, String title) { this(width, height, 56, 14, 26, 42, title); }

    Svg(int width, int height, int left, int right, int top, int bottom, String title) {
        this.width = width;
        this.height = height;
        this.left = left;
        this.right = right;
        this.top = top;
        this.bottom = bottom;
        int size = (int) Math.max(8, Math.min(13, (width - 8) / (0.6 * Math.max(1, title.length())))); // long titles shrink to fit
        body.append("<text class=\"title\" x=\"").append(width / 2).append("\" y=\"16\" text-anchor=\"middle\" font-size=\"").append(size)
                .append("\">")
                .append(Html.esc(title)).append("</text>");
    }

    /**
     * Tick positions covering [lo, hi]: a step of 1, 2 or 5 x 10^k giving about {@code target}
     * intervals; the first tick is at or below lo, the last at or above hi.
     */
    static double[] ticks(double lo, double hi, int target) {
        if (!(lo <= hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) throw new IllegalArgumentException("range " + lo + ".." + hi);
        if (lo == hi) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = nice(nice(hi - lo, false) / Math.max(1, target), true);
        double first = Math.floor(lo / step + 1e-9) * step, last = Math.ceil(hi / step - 1e-9) * step;
        int n = (int) Math.round((last - first) / step) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) t[i] = clean(first + i * step, step);
        return t;
    }

    /** A nice number near x: rounded (or the next above it with round = false) to 1, 2, 5 or 10 x 10^k. */
    static double nice(double x, boolean round) {
        double exp = Math.floor(Math.log10(x)), f = x / Math.pow(10, exp), nf;
        if (round) nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
        else nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nf * Math.pow(10, exp);
    }

    /** Removes the floating-point residue of first + i * step (0.30000000000000004 -> 0.3). */
    private static double clean(double v, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step)) + 1);
        return Math.abs(v) < step * 1e-9 ? 0 : Double.parseDouble(String.format(Locale.ROOT, "%." + decimals + "f", v));
    }

    /** A tick label with as many decimals as the step needs. */
    static String label(double v, double step) {
        if (v == 0) return "0";
        if (Math.abs(step) >= 1e9 || (Math.abs(step) < 1e-4 && step != 0)) return String.format(Locale.ROOT, "%.0e", v);
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Linear axes over the ticks that cover [xlo, xhi] x [ylo, yhi], with their titles. */
    Svg axes(String xTitle, double xlo, double xhi, String yTitle, double ylo, double yhi) {
        double[] xt = ticks(xlo, xhi, 6), yt = ticks(ylo, yhi, 5);
        x0 = xt[0];
        x1 = xt[xt.length - 1];
        y0 = yt[0];
        y1 = yt[yt.length - 1];
        frame();
        double xs = xt.length > 1 ? xt[1] - xt[0] : 1, ys = yt.length > 1 ? yt[1] - yt[0] : 1;
        for (double v : xt) {
            double px = px(v);
            body.append(line(px, height - bottom, px, height - bottom + 4, "#333")).append(text(px, height - bottom + 15, "middle", 10,
                    label(v, xs)));
        }
        for (double v : yt) yTick(py(v), label(v, ys));
        return titles(xTitle, yTitle);
    }

    /** A category x axis (one band per name) and a linear y axis. */
    Svg bands(String xTitle, List<String> names, String yTitle, double ylo, double yhi, boolean rotate) {
        double[] yt = ticks(ylo, yhi, 5);
        x0 = 0;
        x1 = names.size();
        y0 = yt[0];
        y1 = yt[yt.length - 1];
        frame();
        for (int i = 0; i < names.size(); i++) {
            double px = px(i + 0.5);
            if (rotate) {
                body.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"end\" "
                        + "transform=\"rotate(-40 %.1f %d)\">%s</text>", px, height - bottom + 12, px, height - bottom + 12,
                        Html.esc(names.get(i))));
            } else {
                body.append(text(px, height - bottom + 14, "middle", 10, names.get(i)));
            }
        }
        double ys = yt.length > 1 ? yt[1] - yt[0] : 1;
        for (double v : yt) yTick(py(v), label(v, ys));
        return titles(xTitle, yTitle);
    }

    /** A linear x axis and one row per name (the first at the top), names at the left. */
    Svg rows(String xTitle, double xlo, double xhi, String yTitle, List<String> names) {
        double[] xt = ticks(xlo, xhi, 5);
        x0 = xt[0];
        x1 = xt[xt.length - 1];
        y0 = names.size();
        y1 = 0;
        frame();
        double xs = xt.length > 1 ? xt[1] - xt[0] : 1;
        for (double v : xt) {
            double px = px(v);
            body.append(line(px, height - bottom, px, height - bottom + 4, "#333")).append(text(px, height - bottom + 15, "middle", 10,
                    label(v, xs)));
        }
        for (int i = 0; i < names.size(); i++) yTick(py(i + 0.5), names.get(i));
        return titles(xTitle, yTitle);
    }

    private void frame() {
        body.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>",
                left, top, width - left - right, height - top - bottom));
    }

    private void yTick(double py, String text) {
        body.append(line(left - 4, py, left, py, "#333")).append(text(left - 6, py + 3.5, "end", 10, text));
    }

    private Svg titles(String xTitle, String yTitle) {
        body.append(String.format(Locale.ROOT,
                "<text class=\"xlabel\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s</text>",
                left + (width - left - right) / 2.0, height - 6, Html.esc(xTitle)));
        double cy = top + (height - top - bottom) / 2.0;
        body.append(String.format(Locale.ROOT, "<text class=\"ylabel\" x=\"12\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" "
                + "transform=\"rotate(-90 12 %.1f)\">%s</text>", cy, cy, Html.esc(yTitle)));
        return this;
    }

    double px(double x) { return left + (x - x0) / (x1 - x0) * (width - left - right); }

    double py(double y) { return height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom); }

    double xMin() { return x0; }

    double xMax() { return x1; }

    /** A point in data coordinates, with a hover title when {@code tip} is not null. */
    Svg point(double x, double y, double r, String fill, String tip) {
        body.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"", px(x), py(y), r, fill));
        if (tip == null) body.append("/>");
        else body.append("><title>").append(Html.esc(tip)).append("</title></circle>");
        return this;
    }

    /** A line in data coordinates. */
    Svg segment(double xa, double ya, double xb, double yb, String stroke, boolean dashed) {
        body.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>", px(xa), py(ya),
                px(xb), py(yb), stroke, dashed ? " stroke-dasharray=\"4 3\"" : ""));
        return this;
    }

    /** A rectangle between two corners in data coordinates. */
    Svg box(double xa, double ya, double xb, double yb, String fill, String stroke, String tip) {
        double l = Math.min(px(xa), px(xb)), t = Math.min(py(ya), py(yb));
        body.append(String.format(Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" stroke=\"%s\">", l, t,
                Math.abs(px(xb) - px(xa)), Math.abs(py(yb) - py(ya)), fill, stroke));
        if (tip != null) body.append("<title>").append(Html.esc(tip)).append("</title>");
        body.append("</rect>");
        return this;
    }

    /** Text at a data position. */
    Svg label(double x, double y, String anchor, int size, String s) {
        body.append(text(px(x), py(y), anchor, size, s));
        return this;
    }

    /** Raw markup in pixel coordinates. */
    Svg raw(String markup) {
        body.append(markup);
        return this;
    }

    static String line(double xa, double ya, double xb, double yb, String stroke) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", xa, ya, xb, yb, stroke);
    }

    static String text(double x, double y, String anchor, int size, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>", x, y, anchor, size,
                Html.esc(s));
    }

    @Override
    public String toString() {
        return "<svg " + NS + " class=\"fig\" width=\"" + width + "\" height=\"" + height + "\" viewBox=\"0 0 " + width + " " + height
                + "\" font-family=\"sans-serif\">" + body + "</svg>";
    }
}
