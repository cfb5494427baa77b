package org.cohortex.pipeline.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTML pieces shared by the report's pages: the page frame (inline CSS, a small inline script
 * that makes tables with class {@code sortable} sortable by a click on a header; without scripts
 * the tables are plain and already ordered), escaping, number formatting and tables.
 */
final class Html {
    private Html() {}

    private static final String CSS = String.join("",
            "body{font-family:sans-serif;margin:0;color:#222}main{margin:0 2em 3em 15em;max-width:1150px}",
            "nav{position:fixed;top:0;left:0;bottom:0;width:13em;overflow:auto;background:#f4f4f4;border-right:1px solid #ccc;",
            "padding:.5em;font-size:13px}nav a{display:block;padding:1px 0;color:#135}nav .sub{padding-left:1em}",
            "h1{margin-top:.6em}h2{border-bottom:1px solid #999;margin-top:1.6em}h3{margin-bottom:.3em}",
            "table{border-collapse:collapse;margin:.5em 0;font-size:13px}td,th{border:1px solid #ccc;padding:2px 7px;text-align:right}",
            "th{background:#eee}td.l,th.l{text-align:left}table.sortable th{cursor:pointer}",
            ".grid{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-start}figure{margin:0}figcaption{font-size:11px;color:#555}",
            ".fig{border:1px solid #ddd;background:#fff}.card{border:1px solid #ccc;border-radius:4px;padding:.5em 1em;margin:1em 0}",
            ".warn{background:#fff4e0;border-left:4px solid #e69500;padding:.3em .8em}.muted{color:#777}",
            ".kv td:first-child{text-align:left;font-weight:bold}code{font-size:12px}");

    /** Sorts a table's body by the clicked header's column, numbers numerically; a second click reverses. */
    private static final String SCRIPT = String.join("",
            "document.querySelectorAll('table.sortable').forEach(function(t){t.querySelectorAll('th').forEach(function(h,i){",
            "h.addEventListener('click',function(){var b=t.tBodies[0],r=Array.from(b.rows),d=h.dataset.d==='a'?-1:1;h.dataset.d=",
            "d>0?'a':'d';r.sort(function(x,y){var a=x.cells[i].textContent,c=y.cells[i].textContent,p=parseFloat(a),q=parseFloat(c);",
            "return (isNaN(p)||isNaN(q)?a.localeCompare(c):p-q)*d;});r.forEach(function(e){b.appendChild(e);});});});});");

    /** A whole page: navigation on the left, the content in main. */
    static String page(String title, String nav, String content) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title><style>" + CSS
                + "</style></head><body><nav>" + nav + "</nav><main>" + content + "</main><script>" + SCRIPT + "</script></body></html>\n";
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** An id usable as an anchor and a file name: letters, digits, '-', '_' and '.'. */
    static String slug(String s) { return s.replaceAll("[^A-Za-z0-9._-]", "_"); }

    static String fmt(double d) {
        if (Double.isNaN(d)) return "NA";
        if (d == Math.rint(d) && Math.abs(d) < 1e9) return Long.toString((long) d);
        return String.format(Locale.ROOT, "%.3g", d);
    }

    /** A table cell's text: numbers to 3 significant digits, anything else as it is. */
    static String fmt(String v) {
        try {
            return fmt(Double.parseDouble(v));
        } catch (NumberFormatException e) {
            return v;
        }
    }

    static double num(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException | NullPointerException e) {
            return Double.NaN;
        }
    }

    /** A table of rows (first = header) with the columns named in {@code keep} (all when empty), up to {@code limit} rows. */
    static String table(List<String[]> t, List<String> keep, int limit, boolean sortable) {
        if (t.isEmpty() || t.get(0).length == 0) return "";
        List<Integer> cols = new ArrayList<>();
        for (int i = 0; i < t.get(0).length; i++) if (keep.isEmpty() || keep.contains(t.get(0)[i])) cols.add(i);
        StringBuilder s = new StringBuilder(sortable ? "<table class=\"sortable\"><thead><tr>" : "<table><thead><tr>");
        for (int i : cols) s.append("<th>").append(esc(t.get(0)[i])).append("</th>");
        s.append("</tr></thead><tbody>");
        for (String[] r : t.subList(1, Math.min(t.size(), limit + 1))) {
            s.append("<tr>");
            for (int i : cols) {
                String v = i < r.length ? r[i] : "";
                s.append(Double.isNaN(num(v)) ? "<td class=l>" : "<td>").append(esc(fmt(v))).append("</td>");
            }
            s.append("</tr>");
        }
        return s.append("</tbody></table>").toString();
    }

    /** A "not run yet" (or other) placeholder that says which file would hold the result. */
    static String missing(String what, String file) {
        return "<p class=\"muted\">" + esc(what) + ": not run yet (no <code>" + esc(file) + "</code>).</p>";
    }
}
