package org.cohortex.prs;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cohortex.UserException;
import org.cohortex.io.Numbers;

/**
 * A PLINK 1 binary fileset (.bed SNP-major, .bim, .fam), read variant by variant or in blocks.
 *
 * Genotypes are returned as counts of the .bim A1 allele (column 5), as plink 1.9 does: .bed code
 * 00 = hom A1 (2), 10 = het (1), 11 = hom A2 (0), 01 = missing (-1). Nothing but the two text
 * files is held in memory, so a fileset larger than memory streams.
 */
public final class PlinkFileset implements AutoCloseable {
    public record Variant(String chrom, int chr, String id, double cm, long bp, String a1, String a2) {
        public boolean autosome() { return chr >= 1 && chr <= 22; }
        public boolean x() { return chr == 23; }
    }

    /**
     * sex: 1 male, 2 female, 0 unknown (.fam column 5); founder: both parent ids are 0; status (.fam
     * column 6 read as plink 1.9 does, see {@link #caseControl}): 1 control, 2 case, 0 missing or not
     * case/control.
     */
    public record Sample(String fid, String iid, int sex, boolean founder, int status) {
        public static final int CONTROL = 1, CASE = 2;

        public String key() { return fid + "\t" + iid; }
    }

    public final Path prefix;
    public final List<Variant> variants;
    public final List<Sample> samples;
    public final int bytesPerVariant;
    /**
     * Whether .fam column 6 is a case/control status by plink 1.9's rule (its eval_affection, default
     * missing code -9, no --1: every value is 0, 1, 2, -9 or not a number) and some sample is a case
     * or a control. Otherwise column 6 is a quantitative trait or all missing, and every status is 0.
     */
    public final boolean caseControl;
    private final FileChannel bed;

    /** A1 count per 2-bit code, and per whole byte (4 samples). */
    private static final byte[] CODE = {2, -1, 1, 0};
    private static final byte[][] BYTE = new byte[256][4];
    static {
        for (int b = 0; b < 256; b++) for (int k = 0; k < 4; k++) BYTE[b][k] = CODE[(b >> (2 * k)) & 3];
    }

    private PlinkFileset(Path prefix, List<Variant> variants, List<Sample> samples, FileChannel bed) {
        this.prefix = prefix;
        this.variants = variants;
        this.samples = samples;
        this.bytesPerVariant = (samples.size() + 3) / 4;
        this.caseControl = samples.stream().anyMatch(x -> x.status() != 0);
        this.bed = bed;
    }

    /** Opens PREFIX.bed/.bim/.fam, checking the magic bytes, SNP-major mode and the .bed size. */
    public static PlinkFileset open(Path prefix) {
        Path bim = Path.of(prefix + ".bim"), fam = Path.of(prefix + ".fam"), bedPath = Path.of(prefix + ".bed");
        for (Path p : List.of(bedPath, bim, fam)) {
            if (!Files.isRegularFile(p)) {
                throw new UserException(p + ": not found (a PLINK 1 binary fileset needs .bed, .bim and .fam with the same prefix)");
            }
        }
        List<Sample> samples = readFam(fam);
        List<Variant> variants = readBim(bim);
        try {
            FileChannel ch = FileChannel.open(bedPath, StandardOpenOption.READ);
            ByteBuffer magic = ByteBuffer.allocate(3);
            while (magic.hasRemaining() && ch.read(magic, magic.position()) > 0) { }
            byte[] m = magic.array();
            if (magic.position() < 3 || m[0] != 0x6c || m[1] != 0x1b) {
                ch.close();
                throw new UserException(bedPath + ": not a PLINK 1 .bed file (the first two bytes are not 0x6c 0x1b)");
            }
            if (m[2] != 1) {
                ch.close();
                throw new UserException(bedPath + ": sample-major .bed (mode byte " + m[2]
                        + "); rewrite it SNP-major with plink --make-bed");
            }
            long expected = 3 + (long) variants.size() * ((samples.size() + 3) / 4);
            long size = ch.size();
            if (size != expected) {
                ch.close();
                throw new UserException(bedPath + ": " + size + " bytes, but " + variants.size() + " variants (.bim) x " + samples.size()
                        + " samples (.fam) need " + expected + "; the three files do not belong together");
            }
            PlinkFileset fs = new PlinkFileset(prefix, variants, samples, ch);
            fs.checkPadding(bedPath);
            return fs;
        } catch (IOException e) {
            throw new UserException(bedPath + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    /**
     * The unused 2-bit slots after the last sample of each variant are 00 in a .bed written for this
     * .fam. A genotype code there means the .bed holds more samples than the .fam lists (a .fam with
     * rows missing, whose byte count still matches when the samples round to the same bytes).
     * Checked on the first variants (up to 4 MB of the .bed).
     */
    private void checkPadding(Path bedPath) {
        int used = samples.size() & 3;
        if (used == 0 || variants.isEmpty()) return;
        int count = Math.min(variants.size(), Math.max(1, (4 << 20) / bytesPerVariant));
        byte[] buf = new byte[count * bytesPerVariant];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        try {
            while (bb.hasRemaining()) {
                if (bed.read(bb, 3 + bb.position()) < 0) break;
            }
        } catch (IOException e) {
            throw new UserException(bedPath + ": cannot be read (" + e.getMessage() + ")");
        }
        for (int v = 0; v < count; v++) {
            if ((buf[(v + 1) * bytesPerVariant - 1] & 0xff) >>> (2 * used) != 0) {
                throw new UserException(bedPath + ": variant " + (v + 1) + " ('" + variants.get(v).id() + "') has genotypes beyond the "
                        + samples.size() + " samples of " + prefix + ".fam: the .fam lacks rows (or the files do not belong together)");
            }
        }
    }

    /** Sets the unused 2-bit slots after the last sample to 00 in {@code count} packed variants, so no reader sees them. */
    private void clearPadding(byte[] buf, int count) {
        int used = samples.size() & 3;
        if (used == 0) return;
        byte mask = (byte) ((1 << (2 * used)) - 1);
        for (int v = 0; v < count; v++) buf[(v + 1) * bytesPerVariant - 1] &= mask;
    }

    /** The .fam: six fields per line; IIDs must be unique (plink refuses duplicates; phenotypes are matched by IID). */
    static List<Sample> readFam(Path fam) {
        List<String[]> rows = new ArrayList<>();
        Map<String, Integer> lineOf = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(fam)) {
            String line;
            int ln = 0;
            while ((line = r.readLine()) != null) {
                ln++;
                if (line.isBlank()) continue;
                String[] f = FIELDS.split(line.trim());
                if (f.length < 6) {
                    throw new UserException(fam + " line " + ln + ": " + f.length
                            + " fields; a .fam line has 6 (FID IID father mother sex phenotype)");
                }
                Integer prev = lineOf.put(f[1], ln);
                if (prev != null) {
                    throw new UserException(fam + " line " + ln + ": sample IID '" + f[1] + "' also on line " + prev
                            + " (IIDs must be unique, as plink requires)");
                }
                rows.add(f);
            }
        } catch (IOException e) {
            throw new UserException(fam + ": cannot be read (" + e.getMessage() + ")");
        }
        if (rows.isEmpty()) throw new UserException(fam + ": no samples");
        boolean caseControl = rows.stream().allMatch(f -> caseControlValue(f[5]));
        List<Sample> out = new ArrayList<>(rows.size());
        for (String[] f : rows) {
            int sex = switch (f[4]) { case "1" -> 1; case "2" -> 2; default -> 0; };
            int status = !caseControl ? 0 : f[5].equals("1") ? Sample.CONTROL : f[5].equals("2") ? Sample.CASE : 0;
            out.add(new Sample(f[0], f[1], sex, f[2].equals("0") && f[3].equals("0"), status));
        }
        return out;
    }

    /**
     * plink 1.9's eval_affection (plink_common.c) for one .fam phenotype: true when the value leaves
     * the column case/control, i.e. it is exactly 0, 1 or 2, or reads as the missing code -9 (strtod:
     * a numeric prefix equal to -9), or has no numeric prefix at all (missing, e.g. NA).
     */
    static boolean caseControlValue(String v) {
        Matcher m = NUMERIC_PREFIX.matcher(v);
        if (!m.lookingAt()) return true;
        String num = m.group().toLowerCase(Locale.ROOT);
        if (!num.contains("inf") && !num.contains("nan") && Double.parseDouble(num) == -9) return true;
        return v.equals("0") || v.equals("1") || v.equals("2");
    }

    /** The separator of .fam and .bim fields; compiled once (String.split would compile it for every line: 105,000 in the demo). */
    private static final Pattern FIELDS = Pattern.compile("\\s+");

    /** What C's strtod reads from the start of a token (decimal, exponent, inf, nan). */
    private static final Pattern NUMERIC_PREFIX =
            Pattern.compile("[+-]?((\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|(?i:inf(inity)?|nan))");

    static List<Variant> readBim(Path bim) {
        List<Variant> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(bim)) {
            String line;
            int ln = 0;
            while ((line = r.readLine()) != null) {
                ln++;
                if (line.isBlank()) continue;
                String[] f = FIELDS.split(line.trim());
                if (f.length != 6) {
                    throw new UserException(bim + " line " + ln + ": " + f.length + " fields; a .bim line has 6 (chr id cM bp A1 A2)");
                }
                long bp;
                double cm;
                try {
                    bp = Long.parseLong(f[3]);
                    cm = Numbers.parse(f[2]);
                } catch (NumberFormatException e) {
                    throw new UserException(bim + " line " + ln + ": position '" + f[3] + "' or cM '" + f[2] + "' is not a number");
                }
                out.add(new Variant(f[0], chromCode(f[0]), f[1], cm, bp, f[4], f[5]));
            }
        } catch (IOException e) {
            throw new UserException(bim + ": cannot be read (" + e.getMessage() + ")");
        }
        return out;
    }

    /** plink's human chromosome codes: 1-22, X = 23, Y = 24, XY (PAR) = 25, MT = 26; 0 otherwise. */
    static int chromCode(String c) {
        String s = c.toLowerCase(Locale.ROOT);
        if (s.startsWith("chr")) s = s.substring(3);
        switch (s) {
            case "x": return 23;
            case "y": return 24;
            case "xy": return 25;
            case "m": case "mt": return 26;
            default:
                try {
                    int v = Integer.parseInt(s);
                    return v >= 1 && v <= 26 ? v : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
        }
    }

    public int n() { return samples.size(); }
    public int m() { return variants.size(); }

    /** Reads the packed bytes of variants [from, from+count) into buf (count * bytesPerVariant bytes). */
    public void readPacked(int from, int count, byte[] buf) {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, count * bytesPerVariant);
        long pos = 3 + (long) from * bytesPerVariant;
        try {
            while (bb.hasRemaining()) {
                int k = bed.read(bb, pos + bb.position());
                if (k < 0) throw new UserException(prefix + ".bed: ends early at variant " + from);
            }
            clearPadding(buf, count);
        } catch (IOException e) {
            throw new UserException(prefix + ".bed: cannot be read (" + e.getMessage() + ")");
        }
    }

    /** Decodes one variant's packed bytes (at offset) into A1 counts for all samples. */
    public void decode(byte[] packed, int offset, byte[] out) {
        int n = samples.size();
        int full = n >> 2;
        for (int b = 0; b < full; b++) {
            byte[] d = BYTE[packed[offset + b] & 0xff];
            int i = b << 2;
            out[i] = d[0]; out[i + 1] = d[1]; out[i + 2] = d[2]; out[i + 3] = d[3];
        }
        if ((n & 3) != 0) {
            byte[] d = BYTE[packed[offset + full] & 0xff];
            for (int i = full << 2, k = 0; i < n; i++, k++) out[i] = d[k];
        }
    }

    /** Decodes variant v into A1 counts for the samples in keep (indices into .fam). */
    public void decode(byte[] packed, int offset, int[] keep, byte[] out) {
        for (int k = 0; k < keep.length; k++) {
            int i = keep[k];
            out[k] = CODE[(packed[offset + (i >> 2)] >> ((i & 3) * 2)) & 3];
        }
    }

    /**
     * Streams the given variants (ascending .bim indices) through a consumer in blocks, decoding
     * genotypes of the kept samples: consumer gets (position in the list, genotypes).
     */
    public void stream(int[] variantIdx, int[] keep, VariantConsumer consumer) {
        int block = Math.max(1, (1 << 22) / Math.max(1, bytesPerVariant));
        byte[] buf = new byte[block * bytesPerVariant];
        byte[] g = new byte[keep.length];
        boolean all = keep.length == samples.size();
        for (int i = 0; all && i < keep.length; i++) all = keep[i] == i;
        int k = 0;
        while (k < variantIdx.length) {
            // read a contiguous run of .bim indices at once
            int start = variantIdx[k], end = k;
            while (end < variantIdx.length && variantIdx[end] - start < block && (end == k || variantIdx[end] > variantIdx[end - 1])) end++;
            int span = variantIdx[end - 1] - start + 1;
            readPacked(start, span, buf);
            for (int t = k; t < end; t++) {
                if (all) decode(buf, (variantIdx[t] - start) * bytesPerVariant, g);
                else decode(buf, (variantIdx[t] - start) * bytesPerVariant, keep, g);
                consumer.accept(t, g);
            }
            k = end;
        }
    }

    /** Streams the packed bytes of the given variants (ascending): consumer gets (position, buffer, offset). */
    public void streamPacked(int[] variantIdx, PackedConsumer consumer) {
        int block = Math.max(1, (1 << 22) / Math.max(1, bytesPerVariant));
        byte[] buf = new byte[block * bytesPerVariant];
        int k = 0;
        while (k < variantIdx.length) {
            int start = variantIdx[k], end = k;
            while (end < variantIdx.length && variantIdx[end] - start < block && (end == k || variantIdx[end] > variantIdx[end - 1])) end++;
            readPacked(start, variantIdx[end - 1] - start + 1, buf);
            for (int t = k; t < end; t++) consumer.accept(t, buf, (variantIdx[t] - start) * bytesPerVariant);
            k = end;
        }
    }

    /**
     * Genotype counts of all samples from packed bytes, four samples per table lookup:
     * {hom A1, het, hom A2, missing}. Padding bits of the last byte are 00 (hom A1) and are removed.
     */
    public void countAll(byte[] packed, int offset, int[] counts) {
        int h1 = 0, he = 0, h2 = 0, mi = 0;
        for (int b = 0; b < bytesPerVariant; b++) {
            int c = COUNTS[packed[offset + b] & 0xff];
            h1 += c & 0xff;
            he += (c >>> 8) & 0xff;
            h2 += (c >>> 16) & 0xff;
            mi += c >>> 24;
        }
        int pad = bytesPerVariant * 4 - samples.size();
        counts[0] = h1 - pad;
        counts[1] = he;
        counts[2] = h2;
        counts[3] = mi;
    }

    /**
     * Bit planes of one variant over ALL samples, from packed bytes (16 bytes = 64 samples per word),
     * with the samples outside {@code keepMask} cleared in every plane. Plane k of word w goes to
     * out[base + w * stride + k]. plane: 0 = (A1 count >= 1), 1 = (A1 count == 2), 2 = called.
     */
    public void bitPlanes(byte[] packed, int offset, long[] keepMask, long[] out, int base, int stride) {
        int words = (samples.size() + 63) >>> 6;
        for (int w = 0; w < words; w++) {
            long a = 0, b = 0, c = 0;
            int b0 = w << 4, b1 = Math.min(bytesPerVariant, b0 + 16);
            for (int k = b0; k < b1; k++) {
                int pl = PLANES[packed[offset + k] & 0xff];
                int sh = (k - b0) << 2;
                a |= (long) (pl & 0xf) << sh;
                b |= (long) ((pl >>> 4) & 0xf) << sh;
                c |= (long) ((pl >>> 8) & 0xf) << sh;
            }
            long m = keepMask[w];
            out[base + w * stride] = a & m;
            out[base + w * stride + 1] = b & m;
            out[base + w * stride + 2] = c & m;
        }
    }

    /** Keep-mask words over all samples (bits beyond the last sample are 0, which also hides padding). */
    public long[] keepMask(int[] keep) {
        long[] m = new long[(samples.size() + 63) >>> 6];
        for (int i : keep) m[i >>> 6] |= 1L << (i & 63);
        return m;
    }

    /** Per byte: nibbles of (count >= 1), (count == 2), called for its 4 samples. */
    private static final int[] PLANES = new int[256];
    static {
        for (int x = 0; x < 256; x++) {
            int a = 0, b = 0, c = 0;
            for (int k = 0; k < 4; k++) {
                int v = CODE[(x >> (2 * k)) & 3];
                if (v >= 1) a |= 1 << k;
                if (v == 2) b |= 1 << k;
                if (v >= 0) c |= 1 << k;
            }
            PLANES[x] = a | b << 4 | c << 8;
        }
    }

    /** Per byte value: hom A1 | het << 8 | hom A2 << 16 | missing << 24 over its four 2-bit codes. */
    private static final int[] COUNTS = new int[256];
    static {
        for (int b = 0; b < 256; b++) {
            int[] c = new int[4];
            for (int k = 0; k < 4; k++) {
                int code = (b >> (2 * k)) & 3;
                c[code == 0 ? 0 : code == 2 ? 1 : code == 3 ? 2 : 3]++;
            }
            COUNTS[b] = c[0] | c[1] << 8 | c[2] << 16 | c[3] << 24;
        }
    }

    @FunctionalInterface
    public interface PackedConsumer {
        void accept(int position, byte[] packed, int offset);
    }

    @FunctionalInterface
    public interface VariantConsumer {
        void accept(int position, byte[] genotypes);
    }

    @Override
    public void close() {
        try {
            bed.close();
        } catch (IOException e) {
            // nothing to recover: the channel was only read
        }
    }
}
