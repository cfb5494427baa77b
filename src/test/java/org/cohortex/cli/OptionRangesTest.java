package org.cohortex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.cohortex.testutil.Cli;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command checks its options' values before it reads anything: a value out of range is a
 * usage error (exit 2) naming the option, and the output folder is not created. The input paths
 * below do not exist, so a command that read before checking would fail differently.
 */
class OptionRangesTest {
    @TempDir
    Path dir;

    record Case(String option, String[] args) {}

    static Case c(String option, String... args) { return new Case(option, args); }

    static String[] with(String[] base, String... extra) {
        List<String> l = new ArrayList<>(Arrays.asList(base));
        l.addAll(Arrays.asList(extra));
        return l.toArray(new String[0]);
    }

    List<Case> cases(Path out) {
        String o = out.toString();
        String[] de = {"de", "--expr", "nope.tsv", "--pheno", "nope.tsv", "--trait", "t", "--out", o};
        String[] sva = {"sva", "--expr", "nope.tsv", "--pheno", "nope.tsv", "--trait", "t", "--out", o};
        String[] dc = {"deconvolve", "--bulk", "nope.tsv", "--signature", "nope.tsv", "--out", o};
        String[] dcPanel = {"deconvolve", "--bulk", "nope.tsv", "--sc-reference", "nope.tsv", "--sc-labels", "nope.tsv", "--out", o};
        String[] imp = {"impute", "--bulk", "nope.tsv", "--proportions", "nope.tsv", "--sc-reference", "nope.tsv", "--sc-labels",
            "nope.tsv", "--out", o};
        String[] en = {"enrich", "--de", "nope", "--out", o};
        String[] qc = {"prs", "qc", "--bfile", "nope", "--sumstats", "nope.tsv", "--out", o};
        String[] sc = {"prs", "score", "--bfile", "nope", "--qc", "nope", "--pheno", "nope.tsv", "--trait", "t", "--out", o};
        String[] sim = {"simulate", "--preset", "small", "--out", o};
        return List.of(
                c("--threads 0", with(de, "--threads", "0")), c("--backend gpu", with(de, "--backend", "gpu")),
                c("--precision fp16", with(de, "--precision", "fp16")), c("--max-missing 7", with(de, "--max-missing", "7")),
                c("--max-missing 7", with(de, "--max-missing", "7", "--select-covariates")), c("--sv-alpha 0", with(de, "--sv-alpha", "0")),
                c("--max-correlation 2", with(de, "--max-correlation", "2")), c("--min-complete -1", with(de, "--min-complete", "-1")),
                c("--sv-permutations 0", with(de, "--sv-permutations", "0", "--num-sv", "be")),
                c("--permutations -3", with(de, "--permutations", "-3")), c("--num-sv banana", with(de, "--num-sv", "banana")),
                c("--num-sv 99999999999", with(de, "--num-sv", "99999999999")),
                c("--transform log10", with(de, "--transform", "log10")), c("--selection-rule x", with(de, "--selection-rule", "x")),
                c("'--sv-alpha': '0.05f' is not a number", with(de, "--sv-alpha", "0.05f")),
                c("'--max-missing': 'NaN' is not a number", with(de, "--max-missing", "NaN")),
                c("--transform log10", with(sva, "--transform", "log10")), c("--iterations 0", with(sva, "--iterations", "0")),
                c("--permutations 0", with(sva, "--permutations", "0")), c("--num-sv banana", with(sva, "--num-sv", "banana")),
                c("--threads 0", with(sva, "--threads", "0")),
                c("--permutations -1", with(dc, "--permutations", "-1")), c("--method x", with(dc, "--method", "x")),
                c("--bulk-scale x", with(dc, "--bulk-scale", "x")), c("--threads 0", with(dc, "--threads", "0")),
                c("--min-markers 0", with(dcPanel, "--min-markers", "0")),
                c("--min-markers 50, --max-markers 10", with(dcPanel, "--max-markers", "10")),
                c("--prior-sd 0", with(imp, "--prior-sd", "0")), c("--iterations 0", with(imp, "--iterations", "0")),
                c("--burnin 2000", with(imp, "--burnin", "2000")), c("--mode x", with(imp, "--mode", "x")),
                c("--bulk-scale linear", with(imp, "--bulk-scale", "linear")), c("--backend gpu", with(imp, "--backend", "gpu")),
                c("--alpha 5.0", with(en, "--alpha", "5")), c("--alpha 0.0", with(en, "--alpha", "0")),
                c("--min-degs 0", with(en, "--min-degs", "0")), c("--min-set-size 0", with(en, "--min-set-size", "0")),
                c("--min-overlap 0", with(en, "--min-overlap", "0")), c("--proportions BLA: write REGION=FILE", with(en, "--proportions",
                        "BLA")),
                c("--maf 2.0", with(qc, "--maf", "2")), c("--geno 1.5", with(qc, "--geno", "1.5")), c("--mind -0.1", with(qc, "--mind",
                        "-0.1")),
                c("--hwe 0.0", with(qc, "--hwe", "0")), c("--indep-pairwise window 1", with(qc, "--indep-pairwise", "1", "25", "0.25")),
                c("--indep-pairwise r2 1.5", with(qc, "--indep-pairwise", "200", "25", "1.5")),
                c("--indep-pairwise needs WINDOW STEP R2", with(qc, "--indep-pairwise", "a", "25", "0.2")),
                c("--het-sd 0.0", with(qc, "--het-sd", "0")), c("--rel-cutoff 2.0", with(qc, "--rel-cutoff", "2")),
                c("--pcs -1", with(qc, "--pcs", "-1")), c("--min-info 2.0", with(qc, "--min-info", "2")),
                c("--threads 0", with(qc, "--threads", "0")),
                c("--clump-r2 0.0", with(sc, "--clump-r2", "0")), c("--clump-kb 0", with(sc, "--clump-kb", "0")),
                c("--clump-p 2.0", with(sc, "--clump-p", "2")), c("--thresholds 2.0", with(sc, "--thresholds", "0.1,2")),
                c("--effect-scale -1.0", with(sim, "--effect-scale", "-1")), c("--preset huge", "simulate", "--preset", "huge", "--out", o),
                c("--reference-donors 0", with(sim, "--reference-donors", "0")),
                c("--cells-per-donor 0", with(sim, "--cells-per-donor", "0")),
                c("--threads 0", "run", "nope.yaml", "--out", o, "--threads", "0"),
                c("--backend gpu", "run", "nope.yaml", "--out", o, "--backend", "gpu"),
                c("--preset huge", "demo", "--preset", "huge", "--out", o), c("--threads 0", "demo", "--threads", "0", "--out", o),
                c("--preset large: the 10x cohort is a benchmark input", "demo", "--preset", "large", "--out", o),
                c("--genes 0", "bench", "--genes", "0", "--out", o), c("--samples 20", "bench", "--samples", "20", "--out", o),
                c("--workloads svd", "bench", "--workloads", "svd", "--out", o), c("--backends gpu", "bench", "--backends", "gpu", "--out",
                        o));
    }

    @Test
    void everyOptionOutOfRangeIsAUsageErrorNamingItBeforeAnythingIsRead() {
        Path out = dir.resolve("out");
        List<Case> all = cases(out);
        for (Case k : all) {
            Cli.Run r = Cli.run(k.args);
            assertEquals(2, r.code(), String.join(" ", k.args) + "\n" + r.err());
            r.expect(2, k.option);
            assertEquals(false, Files.exists(out), "nothing created by " + String.join(" ", k.args));
        }
        assertEquals(List.of(), Arrays.asList(dir.toFile().list()), "no staging folder either");
    }

    /** More SVs than the samples allow is a property of the data, not of the option: bad input, exit 1, naming the option. */
    @Test
    void moreSvsThanTheSamplesAllowIsBadInput() {
        Path out = dir.resolve("sva");
        Cli.run("sva", "--expr", Fixtures.path("sva/expr.tsv").toString(), "--pheno", Fixtures.path("sva/pheno.tsv").toString(), "--trait",
                "trait", "--num-sv", "500", "--out", out.toString()).expect(1, "--num-sv 500: must be between 0 and");
        assertEquals(false, Files.exists(out));
    }
}
