package org.cohortex.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.cohortex.cli.Main;
import org.cohortex.sim.CohortSimulator;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property test of every reader through the command that reads it: a valid input (expression,
 * phenotypes, .bed, .bim, .fam, GWAS plain and gzip, GMT, a run's YAML) is mutated (truncated,
 * bytes flipped, delimiters, quotes, NA, Inf, a BOM, CRLF, a NUL inserted, a column added or
 * removed, lines duplicated, dropped or swapped) and the command must end with exit 0 or 1: never an
 * internal error (70), never a stack trace, never a hang. Fixed seed, a time budget (20 s over all
 * readers in `mvn test`); `-Dcohortex.fuzz.cases=1000 -Dcohortex.fuzz.seconds=0` runs 1,000 inputs
 * per reader (benchmarks/RESULTS.md has the figures).
 */
class ReaderFuzzTest {
    @TempDir
    static Path dir;
    static Path sim, small, de;

    static final long SEED = 20260519;
    /** A case slower than this is a hang (normal cases take well under a second). */
    static final int CASE_TIMEOUT_S = 30;

    /** One reader: its valid input, how a command reads a mutated copy, whether the input is binary. */
    record Target(String name, byte[] base, String fileName, boolean binary, BiFunction<Path, Path, String[]> args) {}

    /** What became of one mutated input. */
    record Outcome(int code, String err, long millis) {}

    @BeforeAll
    static void inputs() throws IOException {
        sim = dir.resolve("sim");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 37, sim);
        // a small PLINK fileset (the first 400 variants) and the GWAS rows of those variants, so that prs qc takes milliseconds
        small = dir.resolve("small");
        Files.createDirectories(small);
        List<String> bim = Files.readAllLines(sim.resolve("genotypes/cohort.bim")).subList(0, 400);
        Files.write(small.resolve("cohort.bim"), bim);
        Files.copy(sim.resolve("genotypes/cohort.fam"), small.resolve("cohort.fam"));
        int bytesPerVariant = (Files.readAllLines(small.resolve("cohort.fam")).size() + 3) / 4;
        byte[] bed = Files.readAllBytes(sim.resolve("genotypes/cohort.bed"));
        Files.write(small.resolve("cohort.bed"), Arrays.copyOf(bed, 3 + 400 * bytesPerVariant));
        List<String> ids = bim.stream().map(l -> l.split("\t")[1]).toList();
        List<String> gwas = new ArrayList<>();
        for (String l : gunzip(Files.readAllBytes(sim.resolve("gwas/mcp_sumstats.tsv.gz"))).split("\n")) {
            if (gwas.isEmpty() || ids.contains(l.split("\t")[0])) gwas.add(l);
        }
        Files.write(small.resolve("gwas.tsv"), gwas);
        de = dir.resolve("de");
        StringWriter sw = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(sw), "de", "--expr", Fixtures.path("lm/expr.tsv").toString(), "--pheno",
                Fixtures.path("lm/pheno.tsv").toString(), "--trait", "status", "--out", de.toString()), sw.toString());
        Files.writeString(sim.resolve("fuzz.yaml"), String.join("\n",
                "cohort: {phenotypes: pheno.tsv, sample_column: donor_id}",
                "regions:",
                "  BLA: {counts: expr/BLA.counts.tsv.gz, panel: amygdala}",
                "panels:",
                "  amygdala: {counts: reference/amygdala.counts.tsv.gz, labels: reference/amygdala.labels.tsv}",
                "genotypes: {plink: ../small/cohort, gwas: ../small/gwas.tsv}",
                "prs: {name: mcp_prs, target: chronic_pain, pcs: 2}",
                "traits: [chronic_pain, mcp_prs]",
                "enrichment: {gmt: [genesets/simulated.gmt]}",
                "analysis: {cell_types: [microglia], num_sv: leek, alpha: 0.05, seed: 3}", ""));
    }

    static String gunzip(byte[] b) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bo)) {
            o.write(b);
        }
        return bo.toByteArray();
    }

    static List<Target> targets() throws IOException {
        String expr = Fixtures.path("lm/expr.tsv").toString(), pheno = Fixtures.path("lm/pheno.tsv").toString();
        String gwas = small.resolve("gwas.tsv").toString();
        BiFunction<Path, Path, String[]> qcOn = (bfile, out) -> new String[] {"prs", "qc", "--bfile", bfile.toString(), "--sumstats", gwas,
            "--pcs", "2", "--out", out.toString()};
        StringBuilder gmt = new StringBuilder();
        for (int s = 0; s < 6; s++) {
            gmt.append("SET_").append(s).append("\tset ").append(s);
            for (int g = 1 + s; g <= 40; g += 3) gmt.append(String.format(Locale.ROOT, "\tG%03d", g));
            gmt.append('\n');
        }
        return List.of(
                new Target("expression", Files.readAllBytes(Path.of(expr)), "expr.tsv", false, (f, out) -> new String[] {"de", "--expr",
                    f.toString(), "--pheno", pheno, "--trait", "status", "--out", out.toString()}),
                new Target("phenotypes", Files.readAllBytes(Path.of(pheno)), "pheno.tsv", false, (f, out) -> new String[] {"de", "--expr",
                    expr, "--pheno", f.toString(), "--trait", "status", "--covariates", "age,sex", "--out", out.toString()}),
                new Target(".bed", Files.readAllBytes(small.resolve("cohort.bed")), "cohort.bed", true,
                        (f, out) -> qcOn.apply(fileset(f), out)),
                new Target(".bim", Files.readAllBytes(small.resolve("cohort.bim")), "cohort.bim", false,
                        (f, out) -> qcOn.apply(fileset(f), out)),
                new Target(".fam", Files.readAllBytes(small.resolve("cohort.fam")), "cohort.fam", false,
                        (f, out) -> qcOn.apply(fileset(f), out)),
                new Target("sumstats", Files.readAllBytes(small.resolve("gwas.tsv")), "gwas.tsv", false, (f, out) -> new String[] {"prs",
                    "qc", "--bfile", small.resolve("cohort").toString(), "--sumstats", f.toString(), "--pcs", "2", "--out",
                    out.toString()}),
                new Target("sumstats.gz", gzip(Files.readAllBytes(small.resolve("gwas.tsv"))), "gwas.tsv.gz", true,
                        (f, out) -> new String[] {"prs", "qc", "--bfile", small.resolve("cohort").toString(), "--sumstats", f.toString(),
                            "--pcs", "2", "--out", out.toString()}),
                new Target("GMT", gmt.toString().getBytes(StandardCharsets.UTF_8), "sets.gmt", false, (f, out) -> new String[] {"enrich",
                    "--de", de.toString(), "--gmt", f.toString(), "--min-degs", "1", "--min-set-size", "1", "--out", out.toString()}),
                new Target("YAML", Files.readAllBytes(sim.resolve("fuzz.yaml")), "fuzz.yaml", false, (f, out) -> new String[] {"run",
                    f.toString(), "--out", out.toString(), "--plan", out.resolve("plan.json").toString()}));
    }

    /** The PLINK prefix of a mutated member: the other two members are the valid ones, copied beside it. */
    static Path fileset(Path member) {
        try {
            for (String ext : new String[] {".bed", ".bim", ".fam"}) {
                Path p = member.resolveSibling("cohort" + ext);
                if (!Files.exists(p)) Files.copy(small.resolve("cohort" + ext), p);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return member.resolveSibling("cohort");
    }

    static final String[] TOKENS = {"\t", ",", "\"", "\"\"", "NA", "Inf", "-Inf", "NaN", "\uFEFF", "\r\n", "\n", "\r", "5f", "5.0d",
        "0x1p3", "1e999", "-", " ", "\u0000", "\u00e9", ":", "{", "[", "- ", "#", "&a ", "*a", "!!int ", "..", "/", "%"};

    /** One mutation of {@code b}, described in {@code what}. */
    static byte[] mutate(byte[] b, boolean binary, SplittableRandom r, StringBuilder what) {
        int kinds = binary ? 5 : 12;
        int k = r.nextInt(kinds);
        int pos = b.length == 0 ? 0 : r.nextInt(b.length + 1);
        switch (k) {
            case 0:
                what.append("truncated at ").append(pos);
                return Arrays.copyOf(b, pos);
            case 1: {
                byte[] o = b.clone();
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n && o.length > 0; i++) o[r.nextInt(o.length)] = (byte) r.nextInt(256);
                what.append(n).append(" bytes flipped");
                return o;
            }
            case 2: {
                byte[] t = binary ? new byte[] {(byte) r.nextInt(256)} : TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                what.append("inserted ").append(Arrays.toString(t)).append(" at ").append(pos);
                return splice(b, pos, 0, t);
            }
            case 3: {
                int len = Math.min(b.length - Math.min(pos, b.length), 1 + r.nextInt(8));
                what.append(len).append(" bytes deleted at ").append(pos);
                return splice(b, Math.min(pos, b.length), len, new byte[0]);
            }
            case 4:
                what.append("empty");
                return new byte[0];
            default:
                return mutateLines(new String(b, StandardCharsets.UTF_8), k, r, what).getBytes(StandardCharsets.UTF_8);
        }
    }

    static String mutateLines(String text, int k, SplittableRandom r, StringBuilder what) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int i = r.nextInt(Math.max(1, lines.size() - 1));
        switch (k) {
            case 5:
                what.append("BOM");
                return "\uFEFF" + text;
            case 6:
                what.append("CRLF");
                return text.replace("\n", "\r\n");
            case 7: {
                String delim = lines.get(i).contains("\t") ? "\t" : lines.get(i).contains(",") ? "," : " ";
                what.append("extra column on line ").append(i + 1);
                lines.set(i, lines.get(i) + delim + "extra");
                break;
            }
            case 8: {
                String l = lines.get(i);
                int cut = Math.max(l.lastIndexOf('\t'), Math.max(l.lastIndexOf(','), l.lastIndexOf(' ')));
                what.append("last column removed on line ").append(i + 1);
                if (cut >= 0) lines.set(i, l.substring(0, cut));
                break;
            }
            case 9:
                what.append("line ").append(i + 1).append(" duplicated");
                lines.add(i, lines.get(i));
                break;
            case 10:
                what.append("line ").append(i + 1).append(" deleted");
                lines.remove(i);
                break;
            default: {
                int j = r.nextInt(lines.size());
                what.append("lines ").append(i + 1).append(" and ").append(j + 1).append(" swapped");
                String t = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, t);
            }
        }
        return String.join("\n", lines);
    }

    static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] o = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, o, 0, at);
        System.arraycopy(insert, 0, o, at, insert.length);
        System.arraycopy(b, at + remove, o, at + insert.length, b.length - at - remove);
        return o;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    @Test
    void mutatedInputsGiveExitZeroOrOneNeverACrashOrAHang() throws Exception {
        int cases = Integer.getInteger("cohortex.fuzz.cases", 1000);
        double seconds = Double.parseDouble(System.getProperty("cohortex.fuzz.seconds", "20"));
        List<Target> targets = targets();
        List<String> failures = new ArrayList<>(), summary = new ArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        });
        PrintStream realErr = System.err;
        try {
            for (int ti = 0; ti < targets.size(); ti++) {
                Target t = targets.get(ti);
                SplittableRandom rnd = new SplittableRandom(SEED + 7919L * ti);
                long deadline = System.nanoTime() + (long) (seconds / targets.size() * 1e9);
                int[] byCode = new int[3];
                long slowest = 0;
                int run = 0;
                for (; run < cases && (seconds <= 0 || System.nanoTime() < deadline); run++) {
                    StringBuilder what = new StringBuilder();
                    byte[] input = mutate(t.base(), t.binary(), rnd, what);
                    Path caseDir = dir.resolve("case");
                    deleteTree(caseDir);
                    // a YAML goes beside the cohort, so that its relative paths resolve
                    Path f = t.name().equals("YAML") ? sim.resolve("fuzz-case.yaml") : caseDir.resolve("in").resolve(t.fileName());
                    Files.createDirectories(caseDir.resolve("in"));
                    Files.write(f, input);
                    String[] args = t.args().apply(f, caseDir.resolve("out"));
                    Outcome o = runCase(pool, args, realErr);
                    slowest = Math.max(slowest, o.millis());
                    byCode[o.code() == 0 ? 0 : o.code() == 1 ? 1 : 2]++;
                    boolean trace = o.err().contains("\tat ") || o.err().contains("internal error");
                    if ((o.code() != 0 && o.code() != 1) || trace) {
                        failures.add(t.name() + " case " + run + " (" + what + "): exit " + o.code() + "\n" + o.err().lines().limit(12)
                                .reduce("", (a, b) -> a + "    " + b + "\n"));
                    }
                }
                summary.add(String.format(Locale.ROOT, "%-12s %5d inputs: exit 0 %4d, exit 1 %4d, other %d; slowest %d ms", t.name(), run,
                        byCode[0], byCode[1], byCode[2], slowest));
                assertTrue(run > 0, t.name() + ": at least one case in the budget");
            }
        } finally {
            System.setErr(realErr);
            pool.shutdownNow();
        }
        System.out.println("reader fuzz (seed " + SEED + "):\n  " + String.join("\n  ", summary));
        assertEquals(List.of(), failures, "inputs that crashed or hung a command");
    }

    /** Runs one command with its error stream captured (the engines log to stderr), within the hang timeout. */
    static Outcome runCase(ExecutorService pool, String[] args, PrintStream realErr) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringWriter sw = new StringWriter();
        long t0 = System.nanoTime();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Future<Integer> f = pool.submit(() -> Main.execute(new PrintWriter(sw, true), args));
            int code;
            try {
                code = f.get(CASE_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                return new Outcome(-1, "hang: no result after " + CASE_TIMEOUT_S + " s: " + String.join(" ", args), CASE_TIMEOUT_S * 1000L);
            }
            return new Outcome(code, sw + captured.toString(StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1_000_000);
        } finally {
            System.setErr(realErr);
        }
    }
}
