package org.cohortex.backend;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import jcuda.CudaException;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * What the CUDA driver API reports about GPU 0, or why there is no usable GPU. JCuda's driver
 * binding needs only libcuda.so.1 (the NVIDIA driver), never the CUDA toolkit: without a driver,
 * loading it throws UnsatisfiedLinkError and later NoClassDefFoundError, both LinkageErrors.
 */
public record CudaProbe(boolean usable, String reason, String device, int ccMajor, int ccMinor, long memoryBytes,
                        int driverVersion, int multiprocessors, int clockKhz) {

    private static volatile CudaProbe cached;

    /** The full probe through JCuda (cached: the driver does not change while we run). */
    public static CudaProbe get() {
        CudaProbe p = cached;
        if (p == null) {
            synchronized (CudaProbe.class) {
                if (cached == null) cached = run();
                p = cached;
            }
        }
        return p;
    }

    /** Cheap: is there any sign of an NVIDIA driver, before paying for JCuda's native library. */
    public static boolean driverPresent() {
        return Files.exists(Path.of("/proc/driver/nvidia/version")) || Files.exists(Path.of("/dev/nvidiactl"));
    }

    static CudaProbe unusable(String why) { return new CudaProbe(false, why, "", 0, 0, 0, 0, 0, 0); }

    private static CudaProbe run() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
            int[] count = {0};
            JCudaDriver.cuDeviceGetCount(count);
            if (count[0] == 0) return unusable("the NVIDIA driver reports no CUDA device");
            CUdevice dev = new CUdevice();
            JCudaDriver.cuDeviceGet(dev, 0);
            byte[] name = new byte[256];
            JCudaDriver.cuDeviceGetName(name, name.length, dev);
            int len = 0;
            while (len < name.length && name[len] != 0) len++;
            long[] mem = {0};
            JCudaDriver.cuDeviceTotalMem(mem, dev);
            int[] ver = {0};
            JCudaDriver.cuDriverGetVersion(ver);
            int major = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            int minor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            int sms = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
            int clock = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
            String device = new String(name, 0, len, StandardCharsets.US_ASCII);
            if (major < 8) {
                return new CudaProbe(false, device + " has compute capability " + major + "." + minor
                        + "; our kernels are built for 8.0 and newer",
                        device, major, minor, mem[0], ver[0], sms, clock);
            }
            return new CudaProbe(true, "", device, major, minor, mem[0], ver[0], sms, clock);
        } catch (UnsatisfiedLinkError e) {
            String m = String.valueOf(e.getMessage());
            return unusable(m.contains("libcuda") || m.contains("JCudaDriver")
                    ? "no NVIDIA driver (libcuda.so.1 could not be loaded)" : "JCuda's native library could not be loaded: " + m);
        } catch (LinkageError e) {
            return unusable("JCuda is unusable on this machine (" + e + ")");
        } catch (CudaException e) {
            return unusable("CUDA driver error: " + e.getMessage());
        } catch (RuntimeException e) {
            return unusable("CUDA probe failed: " + e);
        }
    }

    private static int attribute(CUdevice dev, int attr) {
        int[] v = {0};
        try {
            JCudaDriver.cuDeviceGetAttribute(v, attr, dev);
        } catch (CudaException e) {
            return 0; // an attribute this driver no longer reports (clock rate is deprecated in CUDA 13)
        }
        return v[0];
    }

    /** "13.0" from 13000. */
    public String driverCuda() { return driverVersion / 1000 + "." + (driverVersion % 1000) / 10; }

    /**
     * Non-tensor FP64 peak (FMA = 2 flops): SMs x clock x FP64 lanes per SM (32 on sm_80, 64 on
     * sm_90, 2 on consumer parts); the FP64 tensor-core peak of A100/H100 is twice that. 0 if unknown.
     */
    public double fp64PeakFlops() {
        int lanes = ccMajor == 8 && ccMinor == 0 ? 32 : ccMajor == 9 && ccMinor == 0 ? 64 : ccMajor >= 10 ? 64 : 2;
        return (double) multiprocessors * clockKhz * 1e3 * lanes * 2;
    }

    @Override
    public String toString() {
        if (!usable) return "no usable GPU: " + reason;
        return String.format(Locale.ROOT, "%s (sm_%d%d, %.1f GiB, %d SMs), driver supports CUDA %s",
                device, ccMajor, ccMinor, memoryBytes / (double) (1L << 30), multiprocessors, driverCuda());
    }
}
