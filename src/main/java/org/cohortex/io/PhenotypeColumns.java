package org.cohortex.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.cohortex.Log;
import org.cohortex.UserException;

/**
 * Adds (or replaces) one column of a phenotype file, text for text: every other cell is written
 * back as it was, so a computed trait (the PRS) can join the user's table without re-encoding it.
 */
public final class PhenotypeColumns {
    private PhenotypeColumns() {}

    private static String chomp(String s) { return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s; }

    /** A field as RFC 4180 writes it: quoted (quotes doubled) when it holds the delimiter or a quote. */
    private static String quoted(String field, char d) {
        return field.indexOf(d) >= 0 || field.indexOf('"') >= 0 ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }

    /** values: a two-column file (sample, value) with a header; samples absent from it get NA. */
    public static void put(Path pheno, String sampleColumn, String name, Path values, Path out) {
        Map<String, String> v = new HashMap<>();
        try {
            List<String> lines = Files.readAllLines(values);
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.split("\t");
                if (f.length >= 2) v.put(f[0], f[1]);
            }
        } catch (IOException e) {
            throw new UserException(values + ": cannot be read (" + e.getMessage() + ")");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(TextFiles.open(pheno), StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null) throw new UserException(pheno + ": empty");
            header = chomp(header);
            char d = (char) TextFiles.delimiterFor(pheno, header);
            List<String> h = TextFiles.split(header.startsWith("\uFEFF") ? header.substring(1) : header, d, pheno, 1);
            int sc = 0, col = -1;
            for (int k = 0; k < h.size(); k++) {
                String name0 = h.get(k).trim();
                if (sampleColumn != null && name0.equals(sampleColumn)) sc = k;
                if (name0.equals(name)) col = k;
            }
            if (col >= 0) Log.info("prs: '%s' computed from genotypes replaces the column of that name in %s", name, pheno);
            final int sampleCol = sc, target = col;
            StringBuilder sb = new StringBuilder();
            sb.append(header);
            if (target < 0) sb.append(d).append(name);
            sb.append('\n');
            String line;
            int matched = 0, rows = 0, ln = 1;
            while ((line = r.readLine()) != null) {
                ln++;
                line = chomp(line);
                if (line.isEmpty()) continue;
                rows++;
                List<String> f = TextFiles.split(line, d, pheno, ln); // quoted fields may hold the delimiter
                String val = sampleCol < f.size() ? v.getOrDefault(f.get(sampleCol).trim(), "NA") : "NA";
                if (!val.equals("NA")) matched++;
                if (target >= 0 && target < f.size()) {
                    if (line.indexOf('"') < 0) { // text for text: only the replaced cell changes
                        String[] raw = line.split(Pattern.quote(String.valueOf(d)), -1);
                        raw[target] = val;
                        sb.append(String.join(String.valueOf(d), raw));
                    } else {
                        f.set(target, val);
                        for (int k = 0; k < f.size(); k++) sb.append(k > 0 ? String.valueOf(d) : "").append(quoted(f.get(k), d));
                    }
                } else {
                    sb.append(line).append(d).append(val);
                }
                sb.append('\n');
            }
            if (matched == 0) throw new UserException(values + ": no sample matches an id of " + pheno
                    + "; are .fam IIDs the phenotype sample ids?");
            Log.info("prs: '%s' for %d of %d phenotype rows (the rest failed genotype QC or have no genotypes)", name, matched, rows);
            String text = sb.toString();
            AtomicFile.write(out, w -> w.write(text));
        } catch (IOException e) {
            throw new UserException(pheno + ": cannot be read (" + e.getMessage() + ")");
        }
    }
}
