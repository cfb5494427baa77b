package org.cohortex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;

import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.sim.CohortSimulator;
import org.cohortex.testutil.Cli;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs checked where they are read, through the commands: proportions, single-cell labels,
 * signatures, de tables, GMT files, quoted CSV, numbers in R's syntax, names that become paths,
 * and the crashes the issue found (constant genes in sva, .fam against .bed, duplicate IIDs,
 * alleles matching nothing, a candidate covariate copying the trait, counts given as log2). Each
 * failure: exit 1, a message naming the file and the line, sample, column or option, and no output.
 */
class InputValidationTest {
    @TempDir
    static Path dir;
    static Path sim;

    @BeforeAll
    static void simulate() {
        sim = dir.resolve("sim");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 23, sim);
    }

    static String s(Path p) { return p.toString(); }

    static String lm(String name) { return Fixtures.path("lm/" + name).toString(); }

    static String simf(String rel) { return s(sim.resolve(rel)); }

    static Path write(String name, List<String> lines) throws IOException {
        Path p = dir.resolve("inputs").resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, lines);
        return p;
    }

    static List<String> lines(Path p) throws IOException {
        if (!p.toString().endsWith(".gz")) return new ArrayList<>(Files.readAllLines(p));
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new ArrayList<>(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        }
    }

    /** The file with line {@code index} (0 = header) rewritten. */
    static Path edited(String name, Path from, int index, UnaryOperator<String> f) throws IOException {
        List<String> l = lines(from);
        l.set(index, f.apply(l.get(index)));
        return write(name, l);
    }

    /** A command that must fail: exit 1 with {@code parts} in the message, and {@code out} never created. */
    static void fails(Path out, String[] args, String... parts) {
        Cli.run(args).expect(1, parts);
        assertFalse(Files.exists(out), "no output folder: " + String.join(" ", args));
    }

    String[] impute(Path props, Path labels, Path out) {
        return new String[] {"impute", "--bulk", simf("expr/BLA.counts.tsv.gz"), "--proportions", s(props), "--sc-reference",
            simf("reference/amygdala.counts.tsv.gz"), "--sc-labels", s(labels), "--mode", "eb", "--out", s(out)};
    }

    @Test
    void proportionsAreCheckedWhereRead() throws IOException {
        Path truth = sim.resolve("truth/regions/BLA.proportions.tsv"), labels = sim.resolve("reference/amygdala.labels.tsv");
        Path out = dir.resolve("impute-bad");
        String d3 = lines(truth).get(3).split("\t")[0];
        fails(out, impute(edited("double.tsv", truth, 3, l -> scaleRow(l, 2)), labels, out), "double.tsv: sample '" + d3
                + "': the proportions sum to 2", "not percentages");
        fails(out, impute(edited("half.tsv", truth, 3, l -> scaleRow(l, 0.5)), labels, out), "the proportions sum to 0.5");
        fails(out, impute(edited("negative.tsv", truth, 3, l -> l.replaceFirst("\t[^\t]+", "\t-0.1")), labels, out),
                "negative.tsv: sample '" + d3 + "', cell type 'astrocyte' is -0.1");
        fails(out, impute(edited("zero.tsv", truth, 3, l -> scaleRow(l, 0)), labels, out), "zero.tsv: sample '" + d3
                + "': every proportion is 0");
        fails(out, impute(edited("na.tsv", truth, 3, l -> l.replaceFirst("\t[^\t]+", "\tNA")), labels, out), "cell type 'astrocyte' is NA");
        List<String> one = new ArrayList<>();
        for (String l : lines(truth)) one.add(l.split("\t")[0] + "\t" + (l.startsWith("donor_id") ? "astrocyte" : "1"));
        fails(out, impute(write("one.tsv", one), labels, out), "one.tsv: proportions need at least two cell types");
        // 6-digit proportions sum to 1 within ~4e-6, a 2% rounding error is renormalised too: both run, with a warning
        Path ok = dir.resolve("impute-ok");
        Cli.run(impute(edited("rounded.tsv", truth, 3, l -> scaleRow(l, 1.02)), labels, ok)).expect(0);
        assertTrue(Files.isRegularFile(ok.resolve("microglia.tsv.gz")));
        Path en = dir.resolve("enrich-bad");
        Path de = deFolder();
        fails(en, new String[] {"enrich", "--de", s(de), "--proportions", "BLA=" + edited("half2.tsv", truth, 2, l -> scaleRow(l, 0.5)),
            "--out", s(en)}, "half2.tsv: sample '" + lines(truth).get(2).split("\t")[0] + "': the proportions sum to 0.5");
    }

    static String scaleRow(String line, double k) {
        String[] f = line.split("\t");
        StringBuilder sb = new StringBuilder(f[0]);
        for (int i = 1; i < f.length; i++) sb.append('\t').append(Double.parseDouble(f[i]) * k);
        return sb.toString();
    }

    static Path deFolder() {
        Path de = dir.resolve("de-lm");
        if (!Files.exists(de.resolve("de.tsv"))) {
            Cli.run("de", "--expr", lm("expr.tsv"), "--pheno", lm("pheno.tsv"), "--trait", "status", "--out", s(de)).expect(0);
        }
        return de;
    }

    @Test
    void labelsMustDescribeTheCellsOfTheCounts() throws IOException {
        Path labels = sim.resolve("reference/amygdala.labels.tsv"), truth = sim.resolve("truth/regions/BLA.proportions.tsv");
        List<String> extra = lines(labels);
        extra.add("ghost_cell\tmicroglia\tamygdala_donor01");
        List<String> fewer = lines(labels);
        String dropped = fewer.remove(5).split("\t")[0];
        Path out = dir.resolve("labels-bad");
        String[] dc = {"deconvolve", "--bulk", simf("expr/BLA.counts.tsv.gz"), "--sc-reference", simf("reference/amygdala.counts.tsv.gz"),
            "--out", s(out), "--sc-labels"};
        fails(out, OptionRangesTest.with(dc, s(write("extra.tsv", extra))), "extra.tsv: 1 labelled cells are not columns of",
                "ghost_cell", "do the labels belong to these counts?");
        fails(out, OptionRangesTest.with(dc, s(write("fewer.tsv", fewer))), "fewer.tsv: 1 of the 720 cells of", "have no cell type ("
                + dropped + ")");
        fails(out, impute(truth, write("extra2.tsv", extra), out), "extra2.tsv: 1 labelled cells are not columns of");
        fails(out, impute(truth, write("fewer2.tsv", fewer), out), "fewer2.tsv: 1 of the 720 cells of");
    }

    /** A label that would become a path outside --out ('../x', as a collaborator's file might hold) is refused; nothing is written. */
    @Test
    void aCellTypeThatIsNotAFileNameIsRefused() throws IOException {
        Path truth = sim.resolve("truth/regions/BLA.proportions.tsv");
        List<String> labels = lines(sim.resolve("reference/amygdala.labels.tsv"));
        labels.replaceAll(l -> l.replace("\tastrocyte\t", "\t../x\t"));
        Path bad = write("escape.labels.tsv", labels);
        Path props = edited("escape.props.tsv", truth, 0, h -> h.replace("\tastrocyte\t", "\t../x\t"));
        Path out = dir.resolve("escape/out");
        Map<String, String> around = Cli.snapshot(dir.resolve("escape"));
        Cli.run(impute(props, bad, out)).expect(1, "escape.props.tsv: cell type '../x' cannot name a file or folder: it contains the path "
                + "separator '/'");
        assertEquals(around, Cli.snapshot(dir.resolve("escape")), "nothing written, inside or beside --out");
        assertFalse(Files.exists(dir.resolve("escape/x.tsv.gz")));
        Cli.run("deconvolve", "--bulk", simf("expr/BLA.counts.tsv.gz"), "--sc-reference", simf("reference/amygdala.counts.tsv.gz"),
                "--sc-labels", s(bad), "--out", s(out)).expect(1, "escape.labels.tsv: cell '", "': cell type '../x' cannot name a file");
        assertFalse(Files.exists(out));
    }

    @Test
    void signaturesNeedTwoCellTypesThatAreNotZero() throws IOException {
        Path sig = sim.resolve("reference/amygdala.signature.tsv");
        List<String> one = new ArrayList<>();
        for (String l : lines(sig)) one.add(l.substring(0, l.indexOf('\t', l.indexOf('\t') + 1)));
        List<String> zero = new ArrayList<>();
        for (String l : lines(sig)) zero.add(l.startsWith("gene") ? l : l.replaceFirst("\t[^\t]+", "\t0"));
        Path out = dir.resolve("sig-bad");
        String[] dc = {"deconvolve", "--bulk", simf("expr/BLA.counts.tsv.gz"), "--out", s(out), "--signature"};
        fails(out, OptionRangesTest.with(dc, s(write("one.sig.tsv", one))), "one.sig.tsv: a signature needs at least two cell types");
        fails(out, OptionRangesTest.with(dc, s(write("zero.sig.tsv", zero))), "zero.sig.tsv: cell type 'astrocyte' is 0 for every gene");
    }

    /** Raw counts declared log2 anti-log to infinity: refused, with the fix named. */
    @Test
    void countsGivenAsLog2AreRefused() {
        Path out = dir.resolve("log2-bad");
        fails(out, new String[] {"deconvolve", "--bulk", simf("expr/BLA.counts.tsv.gz"), "--bulk-scale", "log2", "--signature",
            simf("reference/amygdala.signature.tsv"), "--out", s(out)}, "BLA.counts.tsv.gz: gene '", "not a log2 expression value",
                "--bulk-scale counts");
        fails(out, new String[] {"impute", "--bulk", simf("expr/BLA.counts.tsv.gz"), "--bulk-scale", "log2", "--proportions",
            simf("truth/regions/BLA.proportions.tsv"), "--sc-reference", simf("reference/amygdala.counts.tsv.gz"), "--sc-labels",
            simf("reference/amygdala.labels.tsv"), "--mode", "eb", "--out", s(out)}, "not a log2 expression value");
    }

    @Test
    void deTablesAndGeneSetsAreLocatedErrors() throws IOException {
        Path de = deFolder(), out = dir.resolve("enrich-bad2");
        for (String bad : new String[] {"abc", "5f", "5.0d", "Infinity"}) {
            Path copy = dir.resolve("de-" + bad);
            Files.createDirectories(copy);
            Files.copy(de.resolve("model.json"), copy.resolve("model.json"), StandardCopyOption.REPLACE_EXISTING);
            List<String> t = lines(de.resolve("de.tsv"));
            t.set(3, t.get(3).replaceFirst("^([^\t]+)\t[^\t]+", "$1\t" + bad));
            Files.write(copy.resolve("de.tsv"), t);
            fails(out, new String[] {"enrich", "--de", s(copy), "--out", s(out)}, "de.tsv: line 4, column 'beta': '" + bad
                    + "' is not a number");
        }
        String[] en = {"enrich", "--de", s(de), "--out", s(out), "--gmt"};
        fails(out, OptionRangesTest.with(en, s(write("short.gmt", List.of("SET_A\tdesc\tG001\tG002", "SET_B\tonly a description")))),
                "short.gmt: line 2: a GMT line needs a name, a description and at least one gene");
        fails(out, OptionRangesTest.with(en, s(write("noname.gmt", List.of("SET_A\tdesc\tG001", "\tdesc\tG002")))),
                "noname.gmt: line 2: the gene set has no name");
        fails(out, OptionRangesTest.with(en, s(write("nogenes.gmt", List.of("SET_A\tdesc\tG001", "SET_B\tdesc\t \t ")))),
                "nogenes.gmt: line 2: gene set 'SET_B' lists no gene");
        fails(out, OptionRangesTest.with(en, s(write("dup.gmt", List.of("SET_A\tdesc\tG001", "SET_A\tdesc\tG002")))),
                "dup.gmt: gene set 'SET_A' appears twice (lines 1 and 2)");
    }

    /**
     * Quoted fields as Python's csv.QUOTE_ALL and R's write.csv write them (quoted numbers, a comma
     * inside a quoted value, doubled quotes, CRLF) give the same analysis as the plain TSV.
     */
    @Test
    void quotedCsvGivesTheSameResultsAsTsv() throws IOException {
        List<String> expr = new ArrayList<>();
        for (String l : lines(Fixtures.path("lm/expr.tsv"))) expr.add("\"" + String.join("\",\"", l.split("\t", -1)) + "\"\r");
        List<String> pheno = new ArrayList<>();
        for (String l : lines(Fixtures.path("lm/pheno.tsv"))) {
            String[] f = l.split("\t", -1);
            if (!f[0].equals("sample_id")) f[4] = f[4].equals("NA") ? "NA" : "plate " + f[4] + ", \"left\" side";
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < f.length; i++) sb.append(i > 0 ? "," : "").append('"').append(f[i].replace("\"", "\"\"")).append('"');
            pheno.add(sb + "\r");
        }
        Path csv = dir.resolve("csv"), tsv = dir.resolve("tsv");
        Cli.run("de", "--expr", s(write("expr.csv", expr)), "--pheno", s(write("pheno.csv", pheno)), "--trait", "status", "--covariates",
                "age,sex,batch,rin", "--out", s(csv)).expect(0);
        Cli.run("de", "--expr", lm("expr.tsv"), "--pheno", lm("pheno.tsv"), "--trait", "status", "--covariates", "age,sex,batch,rin",
                "--out", s(tsv)).expect(0);
        assertEquals(Files.readString(tsv.resolve("de.tsv")), Files.readString(csv.resolve("de.tsv")), "same table from quoted CSV");
        assertTrue(Files.readString(csv.resolve("model.json")).contains("batchplate b2, \\\"left\\\" side"), "the quoted level, whole");
        ExpressionMatrix a = MatrixReader.read(Fixtures.path("lm/expr.tsv")), b = MatrixReader.read(dir.resolve("inputs/expr.csv"));
        assertTrue(Arrays.equals(a.values.data, b.values.data) && Arrays.equals(a.genes, b.genes));
        List<String> open = new ArrayList<>(expr);
        open.set(3, open.get(3).replaceFirst("\"$", "").replace("\r", ""));
        Path o = dir.resolve("quote-bad");
        fails(o, new String[] {"de", "--expr", s(write("open.csv", open)), "--pheno", lm("pheno.tsv"), "--trait", "status", "--out",
            s(o)}, "open.csv: line 4, column 49: a double quote opens a field that is not closed on this line");
    }

    /** R's number syntax only: Java's 5f, 5.0d, 0x1p3 are not numbers in a matrix, a GWAS or a .bim. */
    @Test
    void javaNumberSyntaxIsNotANumber() throws IOException {
        Path out = dir.resolve("syntax-bad");
        for (String bad : new String[] {"5f", "5.0d", "0x1p3", "Infinity"}) {
            Path e = edited("expr-" + bad + ".tsv", Fixtures.path("lm/expr.tsv"), 2, l -> l.replaceFirst("\t[^\t]+", "\t" + bad));
            fails(out, new String[] {"de", "--expr", s(e), "--pheno", lm("pheno.tsv"), "--trait", "status", "--out", s(out)},
                    "expr-" + bad + ".tsv: line 3, column 2 (gene 'G002', sample 'S01'):");
        }
        // in a phenotype table a column with 5f is text, as read.table reads it: a numeric trait becomes a many-level one
        Path p = edited("pheno-5f.tsv", Fixtures.path("lm/pheno.tsv"), 1, l -> l.replace("\t28.1\t", "\t28.1f\t"));
        fails(out, new String[] {"de", "--expr", lm("expr.tsv"), "--pheno", s(p), "--trait", "age", "--out", s(out)}, "trait 'age' has",
                "levels");
        Path g = edited("gwas-5f.tsv", sim.resolve("gwas/mcp_sumstats.tsv.gz"), 4, l -> l.replaceFirst("\t([^\t]+)(\t[^\t]+\t[^\t]+)$",
                "\t0.5f$2"));
        fails(out, new String[] {"prs", "qc", "--bfile", simf("genotypes/cohort"), "--sumstats", s(g), "--pcs", "4", "--out", s(out)},
                "gwas-5f.tsv line 5, column P: '0.5f' is not a number");
        Path bfile = plink("bim-5f", fam -> fam, bim -> {
            bim.set(2, bim.get(2).replaceFirst("^(\\S+\\s+\\S+\\s+)\\S+", "$10.0d"));
            return bim;
        });
        fails(out, new String[] {"prs", "qc", "--bfile", s(bfile), "--sumstats", simf("gwas/mcp_sumstats.tsv.gz"), "--out", s(out)},
                "bim-5f/cohort.bim line 3: position", "or cM '0.0d' is not a number");
    }

    /** A copy of the PLINK fileset with its .fam and .bim lines rewritten. */
    static Path plink(String name, UnaryOperator<List<String>> fam, UnaryOperator<List<String>> bim) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        Files.copy(sim.resolve("genotypes/cohort.bed"), d.resolve("cohort.bed"));
        Files.write(d.resolve("cohort.fam"), fam.apply(lines(sim.resolve("genotypes/cohort.fam"))));
        Files.write(d.resolve("cohort.bim"), bim.apply(lines(sim.resolve("genotypes/cohort.bim"))));
        return d.resolve("cohort");
    }

    @Test
    void plinkFilesetsThatDisagreeAreLocatedErrors() throws IOException {
        Path out = dir.resolve("prs-bad");
        String gwas = simf("gwas/mcp_sumstats.tsv.gz");
        // 80 samples in 20 bytes per variant: a .fam one row short still fits the byte count, the 80th genotype sits in the padding
        Path shortFam = plink("short-fam", fam -> fam.subList(0, fam.size() - 1), bim -> bim);
        fails(out, new String[] {"prs", "qc", "--bfile", s(shortFam), "--sumstats", gwas, "--out", s(out)},
                "short-fam/cohort.bed: variant 1", "has genotypes beyond the 79 samples of", "the .fam lacks rows");
        Path dupFam = plink("dup-fam", fam -> {
            fam.set(4, fam.get(4).replaceFirst("^(\\S+)\\s+\\S+", "$1 " + fam.get(0).split("\\s+")[1]));
            return fam;
        }, bim -> bim);
        fails(out, new String[] {"prs", "qc", "--bfile", s(dupFam), "--sumstats", gwas, "--out", s(out)}, "dup-fam/cohort.fam line 5: "
                + "sample IID", "also on line 1 (IIDs must be unique");
        List<String> swapped = new ArrayList<>();
        for (String l : lines(sim.resolve("gwas/mcp_sumstats.tsv.gz"))) {
            String[] f = l.split("\t");
            if (!f[0].equals("SNP")) { f[3] = "AC"; f[4] = "AG"; }
            swapped.add(String.join("\t", f));
        }
        fails(out, new String[] {"prs", "qc", "--bfile", simf("genotypes/cohort"), "--sumstats", s(write("alleles.tsv", swapped)), "--pcs",
            "4", "--out", s(out)}, "GWAS summary statistics: none of the", "has alleles matching the .bim's");
        // a third of the variants with alleles that match neither way: the rest are scored, with a warning
        List<String> some = lines(sim.resolve("gwas/mcp_sumstats.tsv.gz"));
        for (int i = 1; i < some.size(); i += 3) {
            String[] f = some.get(i).split("\t");
            f[3] = "AC";
            f[4] = "AG";
            some.set(i, String.join("\t", f));
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            Cli.run("prs", "qc", "--bfile", simf("genotypes/cohort"), "--sumstats", s(write("some.tsv", some)), "--pcs", "4", "--out",
                    s(dir.resolve("prs-some"))).expect(0);
        } finally {
            System.setErr(err);
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("GWAS variants found in the .bim have alleles matching neither way"),
                log.toString(StandardCharsets.UTF_8));
    }

    /** A constant gene crashed sva's spline ("x must be strictly increasing"); it is now left out, as an R user must do by hand. */
    @Test
    void svaLeavesConstantGenesOutAndGivesTheSameSvs() throws IOException {
        List<String> expr = lines(Fixtures.path("sva/expr.tsv"));
        int n = expr.get(0).split("\t").length - 1;
        List<String> withConstant = new ArrayList<>(expr);
        withConstant.add("CONST0" + "\t0".repeat(n));
        withConstant.add("CONST7" + "\t7".repeat(n));
        String[] args = {"sva", "--pheno", Fixtures.path("sva/pheno.tsv").toString(), "--trait", "trait", "--covariates", "age",
            "--num-sv", "2", "--out"};
        Path a = dir.resolve("sva-plain"), b = dir.resolve("sva-constant");
        Cli.run(OptionRangesTest.with(args, s(a), "--expr", Fixtures.path("sva/expr.tsv").toString())).expect(0);
        Cli.run(OptionRangesTest.with(args, s(b), "--expr", s(write("constant.tsv", withConstant)))).expect(0);
        assertEquals(Files.readString(a.resolve("svs.tsv")), Files.readString(b.resolve("svs.tsv")), "the same SVs");
        assertTrue(Files.readString(b.resolve("sva_pprob.tsv")).contains("CONST7\tNA\tNA"), "constant genes: pprob NA");
        Path de = dir.resolve("de-constant");
        Cli.run("de", "--expr", s(dir.resolve("inputs/constant.tsv")), "--pheno", Fixtures.path("sva/pheno.tsv").toString(), "--trait",
                "trait", "--num-sv", "be", "--out", s(de)).expect(0);
        assertTrue(Files.readString(de.resolve("gene_notes.tsv")).contains("CONST0\tconstant expression"));
    }

    /** A candidate identical to the trait is not captured by the SVs (they preserve the trait): it is dropped as aliased with it. */
    @Test
    void aCandidateCopyingTheTraitIsDroppedAsAliased() throws IOException {
        List<String> pheno = lines(Fixtures.path("lm/pheno.tsv"));
        pheno.replaceAll(l -> l + "\t" + l.split("\t")[1].replace("status", "status_copy"));
        Path out = dir.resolve("alias");
        Cli.run("de", "--expr", lm("expr.tsv"), "--pheno", s(write("pheno-copy.tsv", pheno)), "--trait", "status", "--sv-file",
                lm("svs.tsv"), "--select-covariates", "--out", s(out)).expect(0);
        String sel = Files.readString(out.resolve("covariate_selection.tsv"));
        String row = sel.lines().filter(l -> l.startsWith("status_copy\t")).findFirst().orElse("");
        assertTrue(row.contains("\tdropped\taliased in the design") && row.contains("status"), sel);
    }
}
