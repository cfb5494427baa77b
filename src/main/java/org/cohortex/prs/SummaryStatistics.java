package org.cohortex.prs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.io.Numbers;
import org.cohortex.io.TextFiles;

/**
 * GWAS summary statistics (whitespace- or tab-separated, optionally gzipped, with a header) and
 * their QC as the PRS tutorial the paper follows (Choi, Mak and O'Reilly 2020): duplicate ids (by
 * default every copy, as PRSice-2; or the first row kept, as the tutorial's R), strand-ambiguous A/T
 * and C/G variants, MAF < 0.01, INFO < 0.8, then allele
 * matching with the target .bim: same alleles, swapped (beta re-signed), strand-flipped, or
 * flipped and swapped; anything else is a mismatch and removed. Every step is counted and every
 * removed id is kept with its reason.
 */
public final class SummaryStatistics {
    public record Row(String id, String chr, long bp, String a1, String a2, double beta, double p, double maf, double info, int line) {}

    /** A variant that survived QC, matched to the .bim: beta is per copy of the .bim A1 allele. */
    public record Matched(int bimIndex, String id, double beta, double p, String how) {}

    public record Settings(double minMaf, double minInfo, Duplicates duplicates) {
        public static Settings paper() { return new Settings(0.01, 0.8, Duplicates.EXCLUDE_ALL); }
    }

    /**
     * What happens to rows whose SNP id occurs more than once in the file. EXCLUDE_ALL: every copy
     * goes. That is PRSice-2's outcome (2.3.5, Genotype::transverse_base_file / print_base_stat):
     * a duplicated base id, counted before any other filter, stops the run with an error and writes
     * PREFIX.valid without any copy of it, for the user to rerun with --extract PREFIX.valid.
     * KEEP_FIRST: the first row stays (the tutorial's R: !duplicated(SNP)).
     */
    public enum Duplicates {
        EXCLUDE_ALL("exclude-all"), KEEP_FIRST("keep-first");

        public final String label;

        Duplicates(String label) { this.label = label; }

        /** The rule named by its label, or null. */
        public static Duplicates of(String label) {
            for (Duplicates d : values()) if (d.label.equals(label)) return d;
            return null;
        }
    }

    /** removedRows: indices into the rows of every row removed, in file order. */
    public record Result(List<Matched> matched, Map<String, Integer> counts, Map<String, List<String>> removed, int[] removedRows) {}

    private static final String[][] NAMES = {
        {"snp", "id", "rsid", "markername", "variant_id", "snpid"},
        {"chr", "chrom", "chromosome", "#chrom"},
        {"bp", "pos", "position", "base_pair_location"},
        {"a1", "effect_allele", "ea", "alt"},
        {"a2", "other_allele", "nea", "ref"},
        {"beta", "b", "effect"},
        {"or"},
        {"p", "pval", "p_value", "pvalue"},
        {"maf", "frq", "eaf", "freq", "effect_allele_frequency"},
        {"info", "info_score", "imputation_info"},
    };

    private SummaryStatistics() {}

    public static List<Row> read(Path file) {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(TextFiles.open(file), StandardCharsets.UTF_8), 1 << 16)) {
            String header = r.readLine();
            if (header == null) throw new UserException(file + ": empty; expected a header line (SNP CHR BP A1 A2 BETA|OR P [MAF] [INFO])");
            if (header.startsWith("\uFEFF")) header = header.substring(1); // byte-order mark of spreadsheet exports
            String[] h = header.trim().split("\\s+");
            int[] col = new int[NAMES.length];
            Arrays.fill(col, -1);
            for (int c = 0; c < h.length; c++) {
                String name = h[c].toLowerCase(Locale.ROOT);
                for (int k = 0; k < NAMES.length; k++) for (String alias : NAMES[k]) if (alias.equals(name) && col[k] < 0) col[k] = c;
            }
            String[] need = {"SNP", "CHR", "BP", "A1", "A2"};
            for (int k = 0; k < need.length; k++) {
                if (col[k] < 0) throw new UserException(file + ": no " + need[k] + " column in the header (" + String.join(" ", h) + ")");
            }
            if (col[5] < 0 && col[6] < 0) {
                throw new UserException(file + ": neither a BETA nor an OR column in the header (" + String.join(" ", h) + ")");
            }
            if (col[7] < 0) throw new UserException(file + ": no P column in the header (" + String.join(" ", h) + ")");
            String line;
            int ln = 1;
            while ((line = r.readLine()) != null) {
                ln++;
                if (line.isBlank()) continue;
                String[] f = fields(line, h.length);
                if (f.length != h.length) {
                    throw new UserException(file + " line " + ln + ": " + f.length + " fields, the header has " + h.length);
                }
                double beta = col[5] >= 0 ? num(file, ln, h[col[5]], f[col[5]]) : Math.log(num(file, ln, h[col[6]], f[col[6]]));
                if (!Double.isFinite(beta)) {
                    throw new UserException(file + " line " + ln + ": " + (col[5] >= 0 ? "BETA = " + f[col[5]] : "OR = " + f[col[6]])
                            + " is not an effect size (" + (col[5] >= 0 ? "a number" : "a positive odds ratio") + " is needed)");
                }
                double p = num(file, ln, h[col[7]], f[col[7]]);
                if (!(p >= 0 && p <= 1)) throw new UserException(file + " line " + ln + ": P = " + f[col[7]] + " is not a probability");
                long bp;
                try {
                    bp = Long.parseLong(f[col[2]]);
                } catch (NumberFormatException e) {
                    throw new UserException(file + " line " + ln + ": position '" + f[col[2]] + "' is not an integer");
                }
                double maf = col[8] >= 0 ? num(file, ln, h[col[8]], f[col[8]]) : Double.NaN;
                double info = col[9] >= 0 ? num(file, ln, h[col[9]], f[col[9]]) : Double.NaN;
                rows.add(new Row(f[col[0]], f[col[1]], bp, f[col[3]].toUpperCase(Locale.ROOT), f[col[4]].toUpperCase(Locale.ROOT), beta, p,
                        maf, info, ln));
            }
        } catch (IOException e) {
            throw new UserException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        if (rows.isEmpty()) throw new UserException(file + ": has a header but no variant rows");
        return rows;
    }

    /** Whitespace-separated fields (a regex split costs more than the rest of the parse). */
    static String[] fields(String line, int expected) {
        String[] out = new String[expected];
        int k = 0, i = 0, len = line.length();
        while (i < len) {
            while (i < len && line.charAt(i) <= ' ') i++;
            if (i == len) break;
            int j = i;
            while (j < len && line.charAt(j) > ' ') j++;
            if (k == out.length) out = Arrays.copyOf(out, out.length * 2 + 1);
            out[k++] = line.substring(i, j);
            i = j;
        }
        return k == out.length ? out : Arrays.copyOf(out, k);
    }

    private static double num(Path file, int ln, String col, String v) {
        if (v.equalsIgnoreCase("NA") || v.equals(".") || v.isEmpty()) return Double.NaN;
        double d = Numbers.parseOrNaN(v); // R's syntax: 5f, 0x1p3 and Infinity are not numbers
        if (Double.isFinite(d)) return d;
        throw new UserException(file + " line " + ln + ", column " + col + ": '" + v + "' is not a " + (Double.isNaN(d) ? "" : "finite ")
                + "number");
    }

    /**
     * A GWAS whose variants are in the target but whose alleles match none of the .bim's is another
     * build, another strand convention or shifted columns: an error, not an empty score. Many
     * mismatches among matches are a warning.
     */
    static void checkMatches(int input, int matched, int mismatched, int notInTarget) {
        if (matched == 0 && mismatched > 0) {
            throw new UserException("GWAS summary statistics: none of the " + mismatched + " variants found in the target's .bim (by id) "
                    + "has alleles matching the .bim's (same, swapped, strand-flipped or both): are A1/A2 other columns, or another "
                    + "build?");
        }
        if (matched == 0 && notInTarget > 0) {
            throw new UserException("GWAS summary statistics: none of the " + input + " variants is among the target's QC'd variants ("
                    + notInTarget + " ids not in the .bim or removed by genotype QC): do the variant ids (SNP column) match the .bim's?");
        }
        if (matched == 0) {
            throw new UserException("GWAS summary statistics: all " + input + " variants were removed by the GWAS QC (duplicates, "
                    + "ambiguous A/T-C/G, MAF, INFO): no variant is left to score");
        }
        if (mismatched >= 0.1 * (matched + mismatched)) {
            Log.warn("prs qc: %d of the %d GWAS variants found in the .bim have alleles matching neither way (removed): check the A1/A2 "
                    + "columns and the genome build", mismatched, matched + mismatched);
        }
    }

    static String complement(String a) {
        StringBuilder sb = new StringBuilder(a.length());
        for (char c : a.toCharArray()) {
            sb.append(switch (c) { case 'A' -> 'T'; case 'T' -> 'A'; case 'C' -> 'G'; case 'G' -> 'C'; default -> c; });
        }
        return sb.toString();
    }

    static boolean ambiguous(String a1, String a2) { return complement(a1).equals(a2); }

    /** QC and allele matching against the variants of the target fileset that passed genotype QC. */
    public static Result qc(List<Row> rows, PlinkFileset fs, int[] targetVariants, Settings s) {
        Map<String, List<String>> removed = new LinkedHashMap<>();
        for (String k : new String[] {"duplicate", "ambiguous", "low_maf", "low_info", "not_in_target", "allele_mismatch"}) {
            removed.put(k, new ArrayList<>());
        }
        Map<String, Integer> bim = new HashMap<>();
        for (int j : targetVariants) bim.put(fs.variants.get(j).id(), j);
        Map<String, Integer> copies = new HashMap<>();
        for (Row r : rows) copies.merge(r.id(), 1, Integer::sum);
        Map<String, Boolean> seen = new HashMap<>();
        List<Matched> out = new ArrayList<>();
        List<Integer> removedRows = new ArrayList<>();
        for (int k = 0; k < rows.size(); k++) {
            Row r = rows.get(k);
            boolean first = seen.putIfAbsent(r.id(), Boolean.TRUE) == null;
            boolean duplicate = s.duplicates() == Duplicates.EXCLUDE_ALL ? copies.get(r.id()) > 1 : !first;
            String why = duplicate ? "duplicate" : rejection(r, s, bim);
            Matched m = why == null ? match(r, fs, bim.get(r.id())) : null;
            if (why == null && m == null) why = "allele_mismatch";
            if (why != null) {
                removed.get(why).add(r.id());
                removedRows.add(k);
            } else {
                out.add(m);
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("input", rows.size());
        for (var e : removed.entrySet()) counts.put(e.getKey(), e.getValue().size());
        for (String how : new String[] {"same", "swapped", "strand_flipped", "flipped_and_swapped"}) {
            counts.put("matched_" + how, (int) out.stream().filter(mm -> mm.how().equals(how)).count());
        }
        counts.put("kept", out.size());
        checkMatches(rows.size(), out.size(), removed.get("allele_mismatch").size(), removed.get("not_in_target").size());
        out.sort((a, b) -> Integer.compare(a.bimIndex(), b.bimIndex()));
        return new Result(out, counts, removed, removedRows.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The first of the tutorial's filters a (non-duplicate) row fails, or null. */
    private static String rejection(Row r, Settings s, Map<String, Integer> bim) {
        if (ambiguous(r.a1(), r.a2())) return "ambiguous";
        if (!Double.isNaN(r.maf()) && Math.min(r.maf(), 1 - r.maf()) < s.minMaf()) return "low_maf";
        if (!Double.isNaN(r.info()) && r.info() < s.minInfo()) return "low_info";
        if (!bim.containsKey(r.id())) return "not_in_target";
        return null;
    }

    /** The row matched to .bim variant j with beta per copy of the .bim A1 allele, or null when the alleles disagree. */
    private static Matched match(Row r, PlinkFileset fs, int j) {
        PlinkFileset.Variant v = fs.variants.get(j);
        String b1 = v.a1().toUpperCase(Locale.ROOT), b2 = v.a2().toUpperCase(Locale.ROOT);
        String c1 = complement(r.a1()), c2 = complement(r.a2());
        if (r.a1().equals(b1) && r.a2().equals(b2)) return new Matched(j, r.id(), r.beta(), r.p(), "same");
        if (r.a1().equals(b2) && r.a2().equals(b1)) return new Matched(j, r.id(), -r.beta(), r.p(), "swapped");
        if (c1.equals(b1) && c2.equals(b2)) return new Matched(j, r.id(), r.beta(), r.p(), "strand_flipped");
        if (c1.equals(b2) && c2.equals(b1)) return new Matched(j, r.id(), -r.beta(), r.p(), "flipped_and_swapped");
        return null;
    }
}
