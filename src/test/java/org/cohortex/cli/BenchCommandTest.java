package org.cohortex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void countsWorkloadReportsItsStepsAgainstAFloorItCannotBeat() throws Exception {
        Path out = dir.resolve("bench.txt");
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), "bench", "--backends", "cpu", "--workloads", "counts", "--genes", "3000",
                "--samples", "60", "--out", out.toString());
        assertEquals(0, code, sw.toString());
        String table = Files.readString(out);
        Matcher m = Pattern.compile("counts: filterByExpr\\+TMM\\+log2CPM\\s+cpu/java\\s+(\\S+).*?(\\S+)x its floor"
                + ".*3000 genes x 60 samples, (\\d+) kept; floor (\\S+) s").matcher(table);
        assertTrue(m.find(), table);
        double seconds = Double.parseDouble(m.group(1)), ratio = Double.parseDouble(m.group(2)), floor = Double.parseDouble(m.group(4));
        int kept = Integer.parseInt(m.group(3));
        // a floor is a lower bound: the measured step cannot run faster than the bytes and divisions it needs
        assertTrue(floor > 0 && ratio >= 1, table);
        assertEquals(seconds / floor, ratio, 0.1 * ratio, table); // as printed: seconds to 4 decimals, the ratio to 1
        assertTrue(kept > 300 && kept < 3000, "filterByExpr keeps some genes and drops the rarely counted ones: " + kept);
    }

    @Test
    void nuSvrWorkloadTimesTheSolverBesideSvmTrainOnTheSameFits() throws Exception {
        Path out = dir.resolve("svr.txt");
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), "bench", "--backends", "cpu", "--workloads", "nusvr", "--svr-mixtures", "2",
                "--svr-markers", "30", "--out", out.toString());
        assertEquals(0, code, sw.toString());
        String table = Files.readString(out);
        // the row is only printed when every fit equals svm_train's, bit for bit
        Matcher m = Pattern.compile("nu-SVR \\(CIBERSORT, 3 nu\\)\\s+cpu/java\\s+(\\S+).*?(\\S+) fits/s\\s+"
                + "2 mixtures x 180 genes x 6 types, one thread; LIBSVM's svm_train (\\S+) s \\((\\S+)x\\), w bit for bit").matcher(table);
        assertTrue(m.find(), table);
        double seconds = Double.parseDouble(m.group(1)), rate = Double.parseDouble(m.group(2));
        double ref = Double.parseDouble(m.group(3)), ratio = Double.parseDouble(m.group(4));
        assertEquals(6 / seconds, rate, 0.1 * rate, table);
        assertEquals(ref / seconds, ratio, 0.1 * ratio, table);
        assertTrue(seconds > 0 && ref > 0, table);
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter(), true), "bench", "--workloads", "nusvr", "--svr-markers", "1"));
    }
}
