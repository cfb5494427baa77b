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
            char d = (char) TextFiles.delimiterFor(pheno, header);
            String[] h = header.split(Pattern.quote(String.valueOf(d)), -1);
            int sc = 0, col = -1;
            for (int k = 0; k < h.length; k++) {
                String name0 = TextFiles.unquote(h[k]);
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
            int matched = 0, rows = 0;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) continue;
                rows++;
                String[] f = line.split(Pattern.quote(String.valueOf(d)), -1);
                String val = v.getOrDefault(TextFiles.unquote(f[sampleCol]), "NA");
                if (!val.equals("NA")) matched++;
                if (target >= 0 && target < f.length) {
                    f[target] = val;
                    sb.append(String.join(String.valueOf(d), f));
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
