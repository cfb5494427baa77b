package org.cohortex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.cohortex.sim.CohortSimulator;
import org.cohortex.testutil.Cli;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that fails leaves its output folder as it was: a folder that held a file before holds
 * exactly that file after (byte for byte), and nothing is left beside it (no staging folder). A
 * command that succeeds replaces its own outputs and keeps the rest.
 */
class AtomicOutputTest {
    @TempDir
    static Path dir;
    static Path sim;

    @BeforeAll
    static void simulate() {
        sim = dir.resolve("sim");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 19, sim);
    }

    static String s(Path p) { return p.toString(); }

    static String lm(String name) { return Fixtures.path("lm/" + name).toString(); }

    /** A folder with one file of the user's, and the listing of its parent. */
    static Path existing(String name) throws IOException {
        Path out = dir.resolve("outputs").resolve(name);
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "the user's own file\n");
        return out;
    }

    /** Runs a command that must fail with exit 1 naming {@code parts}, and checks the folder and its parent are untouched. */
    static void failsCleanly(Path out, String[] args, String... parts) {
        Map<String, String> before = Cli.snapshot(out), beside = Cli.listing(out.getParent());
        Cli.run(args).expect(1, parts);
        assertEquals(before, Cli.snapshot(out), "the output folder is as it was: " + String.join(" ", args));
        assertEquals(beside, Cli.listing(out.getParent()), "nothing left beside it");
    }

    static List<String> gunzipLines(Path p) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new ArrayList<>(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        }
    }

    static Path write(String name, List<String> lines) throws IOException {
        Path p = dir.resolve("inputs").resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, lines);
        return p;
    }

    /**
     * The issue's case: prs qc wrote het.tsv, pcs.tsv, prune.in and removed/* before it read the GWAS;
     * a GWAS without a P column, with P = 1.5 or NA, a ragged or truncated file, or a wrong path now
     * fails with the file and line named and leaves nothing.
     */
    @Test
    void prsQcThatFailsOnTheGwasLeavesTheFolderAsItWas() throws IOException {
        Path out = existing("prs-qc");
        List<String> gwas = gunzipLines(sim.resolve("gwas/mcp_sumstats.tsv.gz"));
        List<String> noP = new ArrayList<>(), p15 = new ArrayList<>(), pNa = new ArrayList<>(), ragged = new ArrayList<>(gwas);
        for (int i = 0; i < gwas.size(); i++) {
            List<String> f = new ArrayList<>(List.of(gwas.get(i).split("\t")));
            assertEquals(i == 0 ? "P" : f.get(7), f.get(7), "P is the 8th column");
            List<String> g = new ArrayList<>(f);
            g.remove(7);
            noP.add(String.join("\t", g));
            if (i == 5) f.set(7, "1.5");
            p15.add(String.join("\t", f));
            if (i == 5) f.set(7, "NA");
            pNa.add(String.join("\t", f));
        }
        ragged.set(7, ragged.get(7) + "\textra");
        Path truncated = dir.resolve("inputs/truncated.tsv.gz");
        byte[] gz = Files.readAllBytes(sim.resolve("gwas/mcp_sumstats.tsv.gz"));
        Files.write(truncated, Arrays.copyOf(gz, gz.length / 2));
        String[] qc = {"prs", "qc", "--bfile", s(sim.resolve("genotypes/cohort")), "--pcs", "4", "--out", s(out), "--sumstats"};
        failsCleanly(out, with(qc, s(write("nop.tsv", noP))), "nop.tsv: no P column in the header");
        failsCleanly(out, with(qc, s(write("p15.tsv", p15))), "p15.tsv line 6: P = 1.5 is not a probability");
        failsCleanly(out, with(qc, s(write("pna.tsv", pNa))), "pna.tsv line 6: P = NA is not a probability");
        failsCleanly(out, with(qc, s(write("ragged.tsv", ragged))), "ragged.tsv line 8: 11 fields, the header has 10");
        failsCleanly(out, with(qc, s(truncated)), "truncated.tsv.gz: cannot be read");
        failsCleanly(out, with(qc, s(dir.resolve("inputs/absent.tsv.gz"))), "absent.tsv.gz: file not found");
    }

    static String[] with(String[] base, String... extra) {
        List<String> l = new ArrayList<>(List.of(base));
        l.addAll(List.of(extra));
        return l.toArray(new String[0]);
    }

    /** One failure of every other command, each after it has read (and for most, computed) something. */
    @Test
    void everyCommandThatFailsLeavesTheFolderAsItWas() throws IOException {
        failsCleanly(existing("de"), new String[] {"de", "--expr", lm("expr.tsv"), "--pheno", lm("pheno.tsv"), "--trait", "Status",
            "--out", s(dir.resolve("outputs/de"))}, "no column named 'Status'");
        failsCleanly(existing("sva"), new String[] {"sva", "--expr", lm("expr.tsv"), "--pheno", lm("pheno.tsv"), "--trait", "status",
            "--num-sv", "2", "--out", s(dir.resolve("outputs/sva"))}, "SVA needs complete data", "gene 'G012'");
        List<String> labels = new ArrayList<>(Files.readAllLines(sim.resolve("reference/amygdala.labels.tsv")));
        labels.add("ghost_cell\tmicroglia\tamygdala_donor01");
        Path ghost = write("ghost.labels.tsv", labels);
        failsCleanly(existing("deconvolve"), new String[] {"deconvolve", "--bulk", s(sim.resolve("expr/BLA.counts.tsv.gz")),
            "--sc-reference", s(sim.resolve("reference/amygdala.counts.tsv.gz")), "--sc-labels", s(ghost), "--out",
            s(dir.resolve("outputs/deconvolve"))}, "ghost.labels.tsv: 1 labelled cells are not columns of", "ghost_cell");
        List<String> props = new ArrayList<>(Files.readAllLines(sim.resolve("truth/regions/BLA.proportions.tsv")));
        props.set(3, props.get(3).replaceFirst("\t[^\t]+$", "\t1.0"));
        failsCleanly(existing("impute"), new String[] {"impute", "--bulk", s(sim.resolve("expr/BLA.counts.tsv.gz")), "--proportions",
            s(write("props.tsv", props)), "--sc-reference", s(sim.resolve("reference/amygdala.counts.tsv.gz")), "--sc-labels",
            s(sim.resolve("reference/amygdala.labels.tsv")), "--mode", "eb", "--out", s(dir.resolve("outputs/impute"))},
                "props.tsv: sample '" + props.get(3).split("\t")[0] + "': the proportions sum to");
        failsCleanly(existing("celltype-de"), new String[] {"celltype-de", "--expr", s(sim.resolve("expr/BLA.counts.tsv.gz")),
            "--proportions", s(dir.resolve("inputs/props.tsv")), "--pheno", s(sim.resolve("pheno.tsv")), "--sample-column", "donor_id",
            "--trait", "chronic_pain", "--method", "interaction", "--out", s(dir.resolve("outputs/celltype-de"))},
                "props.tsv: sample '" + props.get(3).split("\t")[0] + "': the proportions sum to");
        Path de = dir.resolve("de-ok");
        Cli.run("de", "--expr", lm("expr.tsv"), "--pheno", lm("pheno.tsv"), "--trait", "status", "--sample-column", "sample_id", "--out",
                s(de)).expect(0);
        List<String> table = Files.readAllLines(de.resolve("de.tsv"));
        table.set(4, table.get(4).replaceFirst("\t[^\t]+$", "\thigh"));
        Files.write(de.resolve("de.tsv"), table);
        failsCleanly(existing("enrich"), new String[] {"enrich", "--de", s(de), "--out", s(dir.resolve("outputs/enrich"))},
                "de.tsv: line 5, column 'mean_expr': 'high' is not a number");
        failsCleanly(existing("prs-score"), new String[] {"prs", "score", "--bfile", s(sim.resolve("genotypes/cohort")), "--qc",
            s(dir.resolve("no-qc")), "--pheno", s(sim.resolve("pheno.tsv")), "--trait", "chronic_pain", "--out",
            s(dir.resolve("outputs/prs-score"))}, "run `cohortex prs qc` first");
        failsCleanly(existing("simulate"), new String[] {"simulate", "--preset", "small", "--reference-donors", "1", "--cells-per-donor",
            "2", "--out", s(dir.resolve("outputs/simulate"))}, "reference panel no");
    }

    /** A failed command into a folder that did not exist does not create it (nor its missing parents). */
    @Test
    void aFailedCommandCreatesNoFolder() {
        Path out = dir.resolve("fresh/deeper/out");
        Cli.run("de", "--expr", lm("expr.tsv"), "--pheno", lm("pheno.tsv"), "--trait", "Status", "--out", s(out)).expect(1);
        assertFalse(Files.exists(dir.resolve("fresh")), "no parent folder created either");
    }

    /**
     * Success moves the outputs in, keeps the user's file, and removes an output an earlier run
     * left that this one does not write (gene_notes.tsv when every gene could be tested).
     */
    @Test
    void aSuccessfulCommandReplacesItsOwnFilesAndKeepsTheRest() throws IOException {
        Path out = existing("de-success");
        Files.writeString(out.resolve("gene_notes.tsv"), "gene\treason\nG011\tstale\n");
        Files.writeString(out.resolve("de.tsv"), "stale\n");
        List<String> complete = new ArrayList<>();
        for (String l : Files.readAllLines(Fixtures.path("lm/expr.tsv"))) {
            if (!l.contains("NA") && !l.startsWith("G011")) complete.add(l); // no missing values, no constant gene
        }
        Map<String, String> beside = Cli.listing(out.getParent());
        Cli.run("de", "--expr", s(write("complete.tsv", complete)), "--pheno", lm("pheno.tsv"), "--trait", "status", "--out", s(out))
                .expect(0);
        assertEquals("the user's own file\n", Files.readString(out.resolve("notes.txt")));
        assertFalse(Files.exists(out.resolve("gene_notes.tsv")), "a stale output of an earlier run is removed");
        assertTrue(Files.readString(out.resolve("de.tsv")).startsWith("gene\tbeta"), "outputs replaced");
        assertEquals(beside, Cli.listing(out.getParent()), "no staging folder left");
    }

    /** A staging folder left by a killed command (its process gone) is removed by the next command on that folder. */
    @Test
    void anAbandonedStagingFolderIsRemoved() throws IOException {
        Path out = dir.resolve("outputs/abandoned");
        Path stale = dir.resolve("outputs/.abandoned.cohortex-2147483646-1f");
        Files.createDirectories(stale);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(stale.resolve("de.tsv.gz")))) {
            o.write(1);
        }
        Cli.run("de", "--expr", lm("expr.tsv"), "--pheno", lm("pheno.tsv"), "--trait", "status", "--out", s(out)).expect(0);
        assertFalse(Files.exists(stale), "left by a process that no longer runs");
        assertTrue(Files.isRegularFile(out.resolve("de.tsv")));
    }
}
