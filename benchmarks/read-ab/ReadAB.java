import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import com.sun.management.OperatingSystemMXBean;

/**
 * Interleaved A/B timing of MatrixReader.read from two class folders (before and after a change), each in its own class
 * loader in one JVM, alternating which goes first, so that a loaded machine slows both alike: wall and process CPU time,
 * medians and quartiles. The 20,000 x 300 matrix of ReadMatrixBenchmark as TSV, TSV.gz and QUOTE_ALL CSV.
 * Usage: benchmarks/read-ab/read-ab.sh BEFORE_CLASSES AFTER_CLASSES ROUNDS tsv,tsv.gz[,quoted.csv]
 */
public class ReadAB {
    public static void main(String[] a) throws Exception {
        Path before = Path.of(a[0]), after = Path.of(a[1]);
        int rounds = Integer.parseInt(a[2]);
        String[] formats = a[3].split(",");
        int genes = 20_000, n = 300;
        Random r = new Random(2);
        StringBuilder tsv = new StringBuilder("gene"), csv = new StringBuilder("\"gene\"");
        for (int j = 0; j < n; j++) {
            tsv.append("\tdonor").append(j);
            csv.append(",\"donor").append(j).append('"');
        }
        tsv.append('\n');
        csv.append("\r\n");
        for (int i = 0; i < genes; i++) {
            tsv.append("ENSG").append(10_000_000 + i);
            csv.append("\"ENSG").append(10_000_000 + i).append('"');
            for (int j = 0; j < n; j++) {
                double v = Double.parseDouble(String.format(Locale.ROOT, "%.15g", 6 + 2 * r.nextGaussian()));
                tsv.append('\t').append(v);
                csv.append(",\"").append(v).append('"');
            }
            tsv.append('\n');
            csv.append("\r\n");
        }
        Map<String, Path> files = new LinkedHashMap<>();
        Path d = Files.createTempDirectory("readab");
        files.put("tsv", Files.writeString(d.resolve("m.tsv"), tsv));
        Path gz = d.resolve("m.tsv.gz");
        try (var o = new GZIPOutputStream(Files.newOutputStream(gz), 1 << 16)) {
            o.write(tsv.toString().getBytes(StandardCharsets.UTF_8));
        }
        files.put("tsv.gz", gz);
        files.put("quoted.csv", Files.writeString(d.resolve("m.quoted.csv"), csv));
        Method[] read = new Method[2];
        Path[] dirs = {before, after};
        for (int k = 0; k < 2; k++) {
            URLClassLoader cl = new URLClassLoader(new URL[] {dirs[k].toUri().toURL()}, ReadAB.class.getClassLoader()) {
                @Override
                protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                    if (name.startsWith("org.cohortex.")) {
                        synchronized (getClassLoadingLock(name)) {
                            Class<?> c = findLoadedClass(name);
                            if (c == null) c = findClass(name);
                            return c;
                        }
                    }
                    return super.loadClass(name, resolve);
                }
            };
            read[k] = cl.loadClass("org.cohortex.io.MatrixReader").getMethod("read", Path.class);
        }
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (String f : formats) {
            long[][] wall = new long[2][rounds], cpu = new long[2][rounds];
            for (int w = 0; w < 3; w++) {
                for (int k = 0; k < 2; k++) read[k].invoke(null, files.get(f)); // warm-up
            }
            for (int i = 0; i < rounds; i++) {
                for (int kk = 0; kk < 2; kk++) {
                    int k = (i % 2 == 0) ? kk : 1 - kk; // alternate who goes first
                    System.gc();
                    long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
                    read[k].invoke(null, files.get(f));
                    wall[k][i] = System.nanoTime() - t0;
                    cpu[k][i] = os.getProcessCpuTime() - c0;
                }
            }
            for (int k = 0; k < 2; k++) {
                Arrays.sort(wall[k]);
                Arrays.sort(cpu[k]);
                System.out.printf(Locale.ROOT, "%-11s %-6s wall median %6.0f ms (q1 %5.0f, q3 %5.0f)  cpu median %6.0f ms%n",
                        f, k == 0 ? "before" : "after", wall[k][rounds / 2] / 1e6, wall[k][rounds / 4] / 1e6,
                        wall[k][3 * rounds / 4] / 1e6, cpu[k][rounds / 2] / 1e6);
            }
        }
        System.out.println("sizes: tsv " + Files.size(files.get("tsv")) + ", tsv.gz " + Files.size(gz) + ", quoted.csv "
                + Files.size(files.get("quoted.csv")));
    }
}
