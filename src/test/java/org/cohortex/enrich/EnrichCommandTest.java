package org.cohortex.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cohortex.cli.Main;
import org.cohortex.sim.CohortSimulator;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `cohortex enrich` end to end on the small simulated cohort, with DE run on the true cell-type
 * expression (so the test isolates the enrichment logic from imputation error).
 */
class EnrichCommandTest {
    @TempDir
    static Path dir;
    static Path sim, out;
    static List<String> deDirs = new ArrayList<>();

    static void run(String... args) {
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), args);
        assertEquals(0, code, sw.toString());
    }

    @BeforeAll
    static void analyse() {
        sim = dir.resolve("sim");
        // effects 1.5x the preset's: the small cohort has ~6 oxymorphone cases, and the overlap needs DEGs of both traits
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 21, sim, 1.5);
        for (String trait : new String[] {"chronic_pain", "lifetime_oxymorphone", "migraine"}) {
            for (String set : new String[] {"BLA.microglia", "BLA.endothelial", "BLA.astrocyte", "BLA.excitatory", "MeA.microglia"}) {
                Path o = dir.resolve("de").resolve(trait).resolve(set);
                run("de", "--expr", sim.resolve("truth/regions/" + set + ".log2expr.tsv.gz").toString(), "--pheno",
                        sim.resolve("pheno.tsv").toString(),
                        "--sample-column", "donor_id", "--trait", trait, "--covariates", "rin,pmi,batch", "--set", set, "--out",
                                o.toString());
                deDirs.add(o.toString());
            }
        }
        out = dir.resolve("enrich");
        List<String> args = new ArrayList<>(List.of("enrich", "--de"));
        args.addAll(deDirs);
        args.addAll(List.of("--gmt", sim.resolve("genesets/simulated.gmt").toString(), "--lists",
                sim.resolve("genesets/mouse_microglia_pain.txt").toString(),
                sim.resolve("genesets/whole_blood_pain.txt").toString(), "--proportions",
                        "BLA=" + sim.resolve("truth/regions/BLA.proportions.tsv"),
                "--min-degs", "5", "--out", out.toString()));
        run(args.toArray(new String[0]));
    }

    static List<Map<String, String>> rows(String file, String key, String value) {
        List<Map<String, String>> r = new ArrayList<>();
        for (Map<String, String> m : Fixtures.table(out.resolve(file))) if (m.get(key).equals(value)) r.add(m);
        return r;
    }

    @Test
    void plantedPathwaysAreEnrichedAndNullSetsAreNot() {
        List<Map<String, String>> cp = new ArrayList<>();
        for (Map<String, String> m : rows("ora.tsv", "set", "BLA.microglia")) if (m.get("trait").equals("chronic_pain")) cp.add(m);
        for (String planted : new String[] {"SIM_HYPOXIA", "SIM_IMMUNE_RESPONSE"}) {
            Map<String, String> r = cp.stream().filter(m -> m.get("gene_set").equals(planted)).findFirst().orElseThrow();
            assertTrue(Double.parseDouble(r.get("q_bh")) < 0.01, planted + " " + r);
            assertTrue(r.get("genes").split(",").length == Integer.parseInt(r.get("overlap")), "overlapping genes listed");
        }
        long nullHits = cp.stream().filter(m -> m.get("gene_set").startsWith("SIM_RANDOM") && Double.parseDouble(m.get("q_bh")) < 0.05)
                .count();
        assertTrue(nullHits <= 5, "null sets called at q < 0.05: " + nullHits);
    }

    @Test
    void externalListsOverlapAsPlanted() {
        Map<String, String> mouse = null, blood = null;
        for (Map<String, String> m : rows("lists.tsv", "set", "BLA.microglia")) {
            if (!m.get("trait").equals("chronic_pain")) continue;
            if (m.get("list").equals("mouse_microglia_pain")) mouse = m;
            if (m.get("list").equals("whole_blood_pain")) blood = m;
        }
        assertTrue(Double.parseDouble(mouse.get("p_greater")) < 1e-3, "mouse microglia list: " + mouse);
        assertTrue(Double.parseDouble(blood.get("p_greater")) > 1e-3, "whole blood list: " + blood);
    }

    @Test
    void traitOverlapHasConcordantDirectionAndCellTypeCounts() {
        Map<String, String> ox = rows("overlap.tsv", "set", "BLA.microglia").stream()
                .filter(m -> m.get("trait_a").equals("chronic_pain") && m.get("trait_b").equals("lifetime_oxymorphone")).findFirst()
                        .orElseThrow();
        // oxymorphone has ~6 cases in 80 donors: few DEGs; what is shared must be the planted overlap
        assertTrue(Integer.parseInt(ox.get("shared")) >= 1, ox.toString());
        assertEquals(1.0, Double.parseDouble(ox.get("concordance")), 0, "planted overlap has the same sign: " + ox);
        Set<String> cpGenes = new HashSet<>(), oxGenes = new HashSet<>();
        for (Map<String, String> t : Fixtures.table(sim.resolve("truth/degs.tsv"))) {
            if (!t.get("region").equals("BLA") || !t.get("cell_type").equals("microglia")) continue;
            if (t.get("trait").equals("chronic_pain")) cpGenes.add(t.get("gene"));
            if (t.get("trait").equals("lifetime_oxymorphone")) oxGenes.add(t.get("gene"));
        }
        for (String g : ox.get("genes").split(",")) assertTrue(cpGenes.contains(g) && oxGenes.contains(g), g + " is a planted shared gene");
        assertTrue(rows("overlap.tsv", "set", "all sets").size() >= 3, "overall overlap per trait pair");
        List<Map<String, String>> bla = new ArrayList<>();
        for (Map<String, String> m : rows("celltypes.tsv", "region", "BLA")) if (m.get("trait").equals("chronic_pain")) bla.add(m);
        Map<String, String> micro = bla.stream().filter(m -> m.get("cell_type").equals("microglia")).findFirst().orElseThrow();
        for (Map<String, String> m : bla) assertTrue(Integer.parseInt(micro.get("degs")) >= Integer.parseInt(m.get("degs")),
                "microglia carry most BLA chronic-pain DEGs");
        assertEquals("mean proportion", micro.get("share_source"));
        assertTrue(Double.parseDouble(micro.get("p_greater")) < 1e-6, "far more microglia DEGs than their ~5% share: " + micro);
    }
}
