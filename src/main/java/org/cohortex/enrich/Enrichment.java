package org.cohortex.enrich;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.cohortex.enrich.ExactTests.Alternative;
import org.cohortex.enrich.GeneSetFiles.GeneSet;
import org.cohortex.io.AtomicFile;
import org.cohortex.stats.MultipleTesting;

/**
 * The paper's enrichment and comparison analyses over `de` results: over-representation
 * in gene sets, Fisher tests against external lists, DEG counts per cell type against the expected
 * share, and overlap between traits with direction concordance. Every table gives the exact
 * p-value, its log10 (exact where the p-value underflows), Bonferroni and BH adjusted p-values.
 */
public final class Enrichment {
    private Enrichment() {}

    public static final class Options {
        public int minDegs = 10;       // the paper: lists of at least 10 significant genes
        public int minSetSize = 10;    // gene-set genes present in the background
        public int minOverlap = 1;
    }

    /** A result row: ordered columns, with the log-p kept for sorting and adjustment. */
    static final class Row {
        final Map<String, Object> cols = new LinkedHashMap<>();
        double logP;

        Row put(String k, Object v) { cols.put(k, v); return this; }
    }

    // ----------------------------------------------------------------- over-representation

    public static List<Row> ora(List<DeResult> des, List<GeneSet> sets, Options o) {
        List<Row> all = new ArrayList<>();
        for (DeResult de : des) {
            if (de.degs.size() < o.minDegs) continue;
            Set<String> bg = new HashSet<>(de.tested);
            int n = de.degs.size(), total = bg.size();
            List<Row> rows = new ArrayList<>();
            for (GeneSet s : sets) {
                List<String> inBg = new ArrayList<>(), hit = new ArrayList<>();
                for (String g : s.genes()) {
                    if (!bg.contains(g)) continue;
                    inBg.add(g);
                    if (de.degs.containsKey(g)) hit.add(g);
                }
                if (inBg.size() < o.minSetSize) continue;
                int k = hit.size();
                double expected = (double) n * inBg.size() / total;
                Row r = new Row().put("set", de.set).put("trait", de.trait).put("gene_set", s.name())
                        .put("set_size", inBg.size()).put("degs", n).put("background", total).put("overlap", k)
                        .put("expected", expected).put("fold", k / expected);
                r.logP = ExactTests.logHyperUpper(k, inBg.size(), total - inBg.size(), n);
                r.put("genes", String.join(",", hit));
                rows.add(r);
            }
            adjust(rows);
            for (Row r : rows) if ((int) r.cols.get("overlap") >= o.minOverlap) all.add(r);
        }
        all.sort(Comparator.comparingDouble(r -> r.logP));
        return all;
    }

    // ----------------------------------------------------------------- external lists

    public static List<Row> lists(List<DeResult> des, List<GeneSet> lists, Set<String> universe, Options o) {
        List<Row> all = new ArrayList<>();
        for (DeResult de : des) {
            if (de.degs.size() < o.minDegs) continue;
            Set<String> bg = new LinkedHashSet<>(de.tested);
            if (universe != null) bg.retainAll(universe);
            List<Row> rows = new ArrayList<>();
            for (GeneSet l : lists) {
                long a = 0, b = 0, c = 0, d = 0;
                List<String> shared = new ArrayList<>();
                for (String g : bg) {
                    boolean deg = de.degs.containsKey(g), in = l.genes().contains(g);
                    if (deg && in) { a++; shared.add(g); } else if (deg) b++; else if (in) c++; else d++;
                }
                Row r = new Row().put("set", de.set).put("trait", de.trait).put("list", l.name()).put("background", bg.size())
                        .put("degs", a + b).put("list_in_background", a + c).put("overlap", a)
                        .put("odds_ratio", ExactTests.oddsRatio(a, b, c, d));
                double greater = ExactTests.logFisher(a, b, c, d, Alternative.GREATER);
                r.logP = ExactTests.logFisher(a, b, c, d, Alternative.TWO_SIDED);
                r.put("p_greater", pValue(greater));
                r.put("genes", String.join(",", shared));
                rows.add(r);
            }
            adjust(rows);
            all.addAll(rows);
        }
        return all;
    }

    // ----------------------------------------------------------------- cell types

    /**
     * Per trait and region, DEG counts per cell type tested by binomial tests against the expected
     * share (mean cell-type proportion of the region, or 1/k) of the region's cell-type DEGs.
     */
    public static List<Row> cellTypes(List<DeResult> des, Map<String, Map<String, Double>> proportions) {
        Map<String, List<DeResult>> groups = new TreeMap<>();
        for (DeResult de : des) if (!de.cellType().equals("bulk")) groups.computeIfAbsent(de.trait + "\t" + de.region(),
                k -> new ArrayList<>()).add(de);
        List<Row> rows = new ArrayList<>();
        for (List<DeResult> g : groups.values()) {
            long total = 0;
            for (DeResult de : g) total += de.degs.size();
            Map<String, Double> share = proportions == null ? null : proportions.get(g.get(0).region());
            for (DeResult de : g) {
                double expShare = share == null ? 1.0 / g.size() : share.getOrDefault(de.cellType(), Double.NaN);
                Row r = new Row().put("trait", de.trait).put("region", de.region()).put("cell_type", de.cellType())
                        .put("degs", de.degs.size()).put("region_degs", total).put("expected_share", expShare)
                        .put("expected", total * expShare).put("share_source", share == null ? "uniform" : "mean proportion");
                if (total == 0 || Double.isNaN(expShare)) {
                    r.logP = Double.NaN;
                    r.put("p_greater", Double.NaN);
                } else {
                    r.logP = ExactTests.logBinomTest(de.degs.size(), total, expShare, Alternative.TWO_SIDED);
                    r.put("p_greater", pValue(ExactTests.logBinomTest(de.degs.size(), total, expShare, Alternative.GREATER)));
                }
                rows.add(r);
            }
        }
        adjust(rows);
        return rows;
    }

    // ----------------------------------------------------------------- trait overlaps

    public static List<Row> overlaps(List<DeResult> des) {
        Map<String, List<DeResult>> bySet = new TreeMap<>();
        for (DeResult de : des) bySet.computeIfAbsent(de.set, k -> new ArrayList<>()).add(de);
        Map<DeResult, Set<String>> tested = new IdentityHashMap<>();
        for (DeResult de : des) tested.put(de, new HashSet<>(de.tested));
        List<Row> rows = new ArrayList<>();
        // pooled over sets: (set, gene) pairs; sets share no pair, so the pooled counts are sums over the sets and the
        // pooled shared list is the sets' lists, "set:gene", in set order
        Map<String, Overlap> pooled = new TreeMap<>();
        for (Map.Entry<String, List<DeResult>> e : bySet.entrySet()) {
            List<DeResult> g = e.getValue();
            for (int i = 0; i < g.size(); i++) {
                for (int j = i + 1; j < g.size(); j++) {
                    DeResult x = g.get(i), y = g.get(j);
                    if (x.trait.equals(y.trait)) continue;
                    DeResult a = x.trait.compareTo(y.trait) < 0 ? x : y, b = a == x ? y : x;
                    Overlap o = Overlap.of(tested.get(a), tested.get(b), a.degs, b.degs);
                    rows.add(o.row(e.getKey(), a.trait, b.trait));
                    if (o.background > 0) pooled.computeIfAbsent(a.trait + "\t" + b.trait, k -> new Overlap()).add(o, e.getKey() + ":");
                }
            }
        }
        for (Map.Entry<String, Overlap> e : pooled.entrySet()) {
            String[] t = e.getKey().split("\t");
            rows.add(e.getValue().row("all sets", t[0], t[1]));
        }
        adjust(rows);
        return rows;
    }

    /**
     * Two DEG lists within a background (the genes both analyses tested): the counts of the hypergeometric test and
     * the shared genes, in the order of list a.
     */
    private static final class Overlap {
        int background, degsA, degsB, same;
        final List<String> shared = new ArrayList<>();

        static Overlap of(Set<String> testedA, Set<String> testedB, Map<String, Double> da, Map<String, Double> db) {
            Overlap o = new Overlap();
            for (String g : testedA) if (testedB.contains(g)) o.background++;
            for (String g : da.keySet()) if (testedA.contains(g) && testedB.contains(g)) o.degsA++;
            for (String g : db.keySet()) if (testedA.contains(g) && testedB.contains(g)) o.degsB++;
            for (Map.Entry<String, Double> d : da.entrySet()) {
                String g = d.getKey();
                if (testedA.contains(g) && testedB.contains(g) && db.containsKey(g)) {
                    o.shared.add(g);
                    if (Math.signum(d.getValue()) == Math.signum(db.get(g))) o.same++;
                }
            }
            return o;
        }

        void add(Overlap o, String prefix) {
            background += o.background;
            degsA += o.degsA;
            degsB += o.degsB;
            same += o.same;
            for (String g : o.shared) shared.add(prefix + g);
        }

        Row row(String set, String ta, String tb) {
            int na = degsA, nb = degsB;
            Row r = new Row().put("set", set).put("trait_a", ta).put("trait_b", tb).put("background", background)
                    .put("degs_a", na).put("degs_b", nb).put("shared", shared.size())
                    .put("expected", background == 0 ? 0.0 : (double) na * nb / background);
            r.logP = ExactTests.logHyperUpper(shared.size(), na, background - na, nb);
            r.put("same_direction", same);
            r.put("concordance", shared.isEmpty() ? Double.NaN : (double) same / shared.size());
            r.put("p_concordance", shared.isEmpty() ? Double.NaN : pValue(ExactTests.logBinomTest(same, shared.size(), 0.5,
                    Alternative.TWO_SIDED)));
            r.put("genes", String.join(",", shared));
            return r;
        }
    }

    // ----------------------------------------------------------------- shared

    static double pValue(double logP) { return Double.isNaN(logP) ? Double.NaN : Math.exp(logP); }

    /** Adds p, log10_p, p_bonferroni and q_bh (across the rows) before the trailing gene list. */
    static void adjust(List<Row> rows) {
        double[] p = new double[rows.size()];
        for (int i = 0; i < p.length; i++) p[i] = pValue(rows.get(i).logP);
        double[] bonf = MultipleTesting.bonferroni(p), bh = MultipleTesting.benjaminiHochberg(p);
        for (int i = 0; i < p.length; i++) {
            Row r = rows.get(i);
            Object genes = r.cols.remove("genes");
            r.put("p", p[i]).put("log10_p", ExactTests.log10(r.logP)).put("p_bonferroni", bonf[i]).put("q_bh", bh[i]);
            if (genes != null) r.put("genes", genes);
        }
    }

    public static void write(Path file, List<Row> rows, String emptyHeader) {
        AtomicFile.write(file, w -> {
            if (rows.isEmpty()) { w.write(emptyHeader + "\n"); return; }
            w.write(String.join("\t", rows.get(0).cols.keySet()) + "\n");
            StringBuilder sb = new StringBuilder();
            for (Row r : rows) {
                boolean first = true;
                for (Object v : r.cols.values()) {
                    if (!first) sb.append('\t');
                    first = false;
                    if (v instanceof Double && (((Double) v).isNaN() || ((Double) v).isInfinite())) sb.append(((Double) v).isNaN()
                            ? "NA" : "Inf");
                    else sb.append(v);
                }
                sb.append('\n');
            }
            w.write(sb.toString());
        });
    }
}
