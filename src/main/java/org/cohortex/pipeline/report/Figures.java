package org.cohortex.pipeline.report;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

import org.cohortex.io.AtomicFile;

/**
 * Every figure of the report, written once as figures/NAME.svg (atomically, for papers) and
 * inlined in its page with a caption and a link to that file.
 */
final class Figures {
    private final Path dir;
    private final Set<String> names = new LinkedHashSet<>();

    Figures(Path out) { this.dir = out.resolve("figures"); }

    /** Writes the figure and returns its markup for a page {@code depth} folders below the run folder. */
    String embed(String name, Svg svg, String caption, int depth) {
        String base = Html.slug(name), file = base + ".svg";
        for (int k = 2; !names.add(file); k++) file = base + "-" + k + ".svg"; // names that differ only in characters a file name drops
        String text = svg.toString();
        // the file stands alone: links into the report's pages would not resolve from figures/
        String standalone = text.replaceAll("<a href=\"[^\"]*\">", "").replace("</a>", "");
        AtomicFile.writeString(dir.resolve(file), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + standalone + "\n");
        return "<figure id=\"fig-" + file.substring(0, file.length() - 4) + "\">" + text + "<figcaption>" + Html.esc(caption)
                + " <a href=\""
                + "../".repeat(depth)
                + "figures/" + file + "\">SVG</a></figcaption></figure>";
    }

    Set<String> names() { return names; }
}
