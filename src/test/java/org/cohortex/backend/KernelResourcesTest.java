package org.cohortex.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX/fatbin (what a user without nvcc runs) are built from the current kernels/:
 * the recorded digest of the sources always, and, where nvcc is installed, a fresh PTX compile
 * compared text for text. After editing kernels/, run native/build-kernels.sh.
 */
class KernelResourcesTest {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final List<String> MODULES = List.of("gemm", "batched", "permutation", "gibbs");

    @Test
    void everyModuleShipsAsPtxAndFatbin() throws Exception {
        for (String m : MODULES) {
            for (String ext : new String[] {"ptx", "fatbin"}) {
                try (InputStream in = CudaBackend.class.getResourceAsStream("/org/cohortex/kernels/" + m + "." + ext)) {
                    assertNotNull(in, m + "." + ext + " missing from the resources: run native/build-kernels.sh");
                    byte[] b = in.readAllBytes();
                    assertTrue(b.length > 1000, m + "." + ext + " is suspiciously small");
                    if (ext.equals("ptx")) assertTrue(new String(b).contains(".target sm_80"), m + ".ptx must target compute_80");
                }
            }
        }
    }

    @Test
    void committedResourcesMatchTheKernelSources() throws Exception {
        Path kernels = ROOT.resolve("kernels"), res = ROOT.resolve("src/main/resources/org/cohortex/kernels");
        assumeTrue(Files.isDirectory(kernels), "kernels/ not found from " + ROOT);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        // the order of `cat kernels/*.cu kernels/*.cuh` in native/build-kernels.sh
        for (String ext : new String[] {".cu", ".cuh"}) {
            try (Stream<Path> s = Files.list(kernels)) {
                for (Path p : s.filter(f -> f.getFileName().toString().endsWith(ext)).sorted().toList()) sha.update(Files.readAllBytes(p));
            }
        }
        String digest = HexFormat.of().formatHex(sha.digest());
        assertEquals(Files.readString(res.resolve("SOURCES.sha256")).trim(), digest,
                "kernels/ changed since the PTX/fatbin were built: run native/build-kernels.sh and commit its output");
    }

    @Test
    void freshPtxEqualsTheCommittedPtxWhereNvccIsPresent(@TempDir Path tmp) throws Exception {
        assumeTrue(KernelEmulationTest.onPath("nvcc"), "nvcc not installed: the committed PTX is used as it is");
        Path res = ROOT.resolve("src/main/resources/org/cohortex/kernels");
        String recorded = Files.readString(res.resolve("NVCC_VERSION")).trim();
        Process v = new ProcessBuilder("nvcc", "--version").redirectErrorStream(true).start();
        List<String> lines = new String(v.getInputStream().readAllBytes()).lines().toList();
        v.waitFor();
        assumeTrue(lines.get(lines.size() - 1).trim().equals(recorded), "a different nvcc (" + lines.get(lines.size() - 1)
                + ") than the one that built the resources (" + recorded + ")");
        ProcessBuilder pb = new ProcessBuilder("bash", "native/build-kernels.sh", tmp.toString()).directory(ROOT.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PTX_ONLY", "1");
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "nvcc timed out");
        assertEquals(0, p.exitValue(), "native/build-kernels.sh failed:\n" + log);
        for (String m : MODULES) {
            assertEquals(Files.readString(res.resolve(m + ".ptx")), Files.readString(tmp.resolve(m + ".ptx")),
                    m + ".ptx is stale: run native/build-kernels.sh");
        }
    }
}
