package org.cohortex.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.cohortex.io.AtomicFile;
import org.cohortex.random.KeyedStreams;
import org.cohortex.random.Shuffles;

/**
 * Gene sets (GMT) with two planted sets enriched for the chronic-pain BLA-microglia genes (hypoxia-
 * and immune-like, as the paper's FUMA results), a few hundred random sets as the null, and two
 * external lists: a mouse-microglia-pain-like list that overlaps the chronic-pain microglia genes
 * and a whole-blood-like list drawn at random (no enrichment).
 */
final class GeneSets {
    private GeneSets() {}

    static void write(CohortSimulator.Preset preset, long seed, GeneModel gm, List<Effect> effects, Path out) {
        SplittableRandom r = KeyedStreams.stream(seed, 50);
        List<Integer> cp = new ArrayList<>();
        for (Effect e : effects) if (e.trait().equals("chronic_pain") && e.region().equals("BLA")
                && e.cellType().equals("microglia")) cp.add(e.gene());
        StringBuilder gmt = new StringBuilder();
        gmt.append(planted(r, "SIM_HYPOXIA", "planted: 30% of chronic-pain BLA microglia genes", cp, 0.3, preset.count(200), gm.genes));
        gmt.append(planted(r, "SIM_IMMUNE_RESPONSE", "planted: 35% of chronic-pain BLA microglia genes", cp, 0.35, preset.count(250),
                gm.genes));
        int sets = 300;
        for (int s = 0; s < sets; s++) {
            int size = 10 + r.nextInt(Math.max(11, Math.min(400, gm.genes / 10)));
            gmt.append("SIM_RANDOM_").append(String.format("%03d", s + 1)).append("\tnull set\t");
            gmt.append(join(Shuffles.sample(r, gm.genes, Math.min(size, gm.genes)))).append('\n');
        }
        Path dir = out.resolve("genesets");
        AtomicFile.writeString(dir.resolve("simulated.gmt"), gmt.toString());
        AtomicFile.writeString(dir.resolve("mouse_microglia_pain.txt"), lines(planted(r, "x", "x", cp, 0.25, preset.count(400), gm.genes)));
        AtomicFile.writeString(dir.resolve("whole_blood_pain.txt"), String.join("\n", idsOf(Shuffles.sample(r, gm.genes,
                preset.count(2500)))) + "\n");
    }

    /** A set holding {@code share} of the planted genes plus random others, {@code size} in all. */
    static String planted(SplittableRandom r, String name, String desc, List<Integer> genes, double share, int size, int total) {
        Set<Integer> set = new LinkedHashSet<>();
        int k = (int) Math.round(share * genes.size());
        for (int idx : Shuffles.sample(r, genes.size(), Math.min(k, genes.size()))) set.add(genes.get(idx));
        int target = Math.min(total, Math.max(size, set.size() + 5));
        while (set.size() < target) set.add(r.nextInt(total));
        return name + "\t" + desc + "\t" + join(set.stream().mapToInt(Integer::intValue).sorted().toArray()) + "\n";
    }

    static String lines(String gmtLine) {
        String[] f = gmtLine.trim().split("\t");
        StringBuilder sb = new StringBuilder();
        for (int i = 2; i < f.length; i++) sb.append(f[i]).append('\n');
        return sb.toString();
    }

    static List<String> idsOf(int[] g) {
        List<String> s = new ArrayList<>();
        for (int x : g) s.add(GeneModel.id(x));
        return s;
    }

    static String join(int[] g) { return String.join("\t", idsOf(g)); }
}
