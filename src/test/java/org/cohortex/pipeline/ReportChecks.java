package org.cohortex.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;

/** What every rendered report must satisfy, checked on its files (and, in the browser test, on Chromium's DOM). */
final class ReportChecks {
    private ReportChecks() {}

    private static final Pattern HREF = Pattern.compile("href=\"([^\"]*)\"");

    /** report.html and the trait pages. */
    static List<Path> pages(Path out) throws IOException {
        List<Path> p = new ArrayList<>(List.of(out.resolve("report.html")));
        if (Files.isDirectory(out.resolve("report"))) {
            try (Stream<Path> s = Files.list(out.resolve("report"))) {
                s.filter(f -> f.toString().endsWith(".html")).sorted().forEach(p::add);
            }
        }
        return p;
    }

    /** Links of {@code html} (a page at {@code page}) that go outside the run folder, or to a missing file or anchor. */
    static List<String> brokenLinks(Path page, String html) throws IOException {
        List<String> bad = new ArrayList<>();
        Matcher m = HREF.matcher(html);
        while (m.find()) {
            String href = m.group(1).replace("&amp;", "&");
            if (href.contains(":")) {
                bad.add(page.getFileName() + ": external link " + href);
                continue;
            }
            int hash = href.indexOf('#');
            String file = hash < 0 ? href : href.substring(0, hash), anchor = hash < 0 ? "" : href.substring(hash + 1);
            Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
            if (!Files.isRegularFile(target)) {
                bad.add(page.getFileName() + ": " + href + " (no file " + target + ")");
                continue;
            }
            if (!anchor.isEmpty()) {
                String t = target.equals(page) ? html : Files.readString(target);
                if (!t.contains("id=\"" + anchor + "\"")) bad.add(page.getFileName() + ": " + href + " (no id " + anchor + ")");
            }
        }
        return bad;
    }

    /** Inline figures without an x or y axis title or without any mark (point, bar, line). */
    static List<String> badFigures(String html) {
        List<String> bad = new ArrayList<>();
        int from = 0, k = 0;
        while ((from = html.indexOf("<svg", from)) >= 0) {
            int end = html.indexOf("</svg>", from);
            String svg = html.substring(from, end);
            String title = svg.contains("class=\"title\"") ? svg.replaceAll("(?s).*?class=\"title\"[^>]*>([^<]*)<.*", "$1") : "#" + k;
            if (!svg.contains("class=\"xlabel\"") || !svg.contains("class=\"ylabel\"")) bad.add(title + ": no axis title");
            long marks = Pattern.compile("<(circle|rect|line)").matcher(svg).results().count();
            if (marks < 3) bad.add(title + ": empty (" + marks + " marks)");
            from = end;
            k++;
        }
        return bad;
    }

    static int figureCount(String html) { return (int) Pattern.compile("<svg").matcher(html).results().count(); }

    /** figures/*.svg that are not well-formed SVG with axis titles. */
    static List<String> badSvgFiles(Path out) throws Exception {
        List<String> bad = new ArrayList<>();
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        try (Stream<Path> s = Files.list(out.resolve("figures"))) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                Document d = f.newDocumentBuilder().parse(p.toFile());
                String text = Files.readString(p);
                if (!d.getDocumentElement().getLocalName().equals("svg")) bad.add(p.getFileName() + ": root is not svg");
                if (!badFigures(text).isEmpty()) bad.add(p.getFileName() + ": " + badFigures(text));
                if (text.contains("href=")) bad.add(p.getFileName() + ": a link that cannot resolve from figures/");
            }
        }
        return bad;
    }
}
