package io.mixfarm.jobs.gpu;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPU check's verdicts for fake devices: what a user is told on an A100, an A10, an L4, an H100 and a CPU. */
class VerdictTest {

    private static final SmokeRun LEARNED = SmokeRun.completed(9000, 40000, 0.35, 0.06, 10);
    private static final SmokeRun NO_KERNEL = SmokeRun.failed(
            "RuntimeException: cudaErrorNoKernelImageForDevice: no kernel image is available for execution on the device");

    private static BackendInfo gpu(String name, int major, int minor) {
        return BackendInfo.loaded("CUDA", List.of(new GpuDevice(0, name, new ComputeCapability(major, minor),
                40L << 30, 39L << 30)), "");
    }

    @Test
    void sm80AndSm86RunTheCompiledKernels() {
        Verdict a100 = Verdict.judge(gpu("NVIDIA A100-SXM4-40GB", 8, 0), 0, LEARNED);
        assertEquals("ok", a100.kind());
        assertEquals(Verdict.USABLE, a100.exitCode());
        assertTrue(a100.line().startsWith("ok (NVIDIA A100-SXM4-40GB, sm_80: "), a100.line());

        Verdict a10 = Verdict.judge(gpu("NVIDIA A10", 8, 6), 0, LEARNED);
        assertEquals("ok", a10.kind());
        assertEquals(0, a10.exitCode());
    }

    @Test
    void sm89RunsSm86CodeBecauseCubinsRunOnLaterMinorsOfTheirMajor() {
        assertTrue(new ComputeCapability(8, 9).runsCompiledKernelsUpTo(ComputeCapability.ND4J_CUDA_NEWEST));
        assertEquals("ok", Verdict.judge(gpu("NVIDIA L4", 8, 9), 0, LEARNED).kind());
    }

    @Test
    void sm90ThatRanWasJitCompiledAndSaysSo() {
        Verdict h100 = Verdict.judge(gpu("NVIDIA H100 80GB HBM3", 9, 0), 0, LEARNED);
        assertEquals("ok-jit", h100.kind());
        assertEquals(Verdict.USABLE, h100.exitCode());
        assertTrue(h100.line().startsWith("ok-jit sm_90: nd4j-cuda-11.6 has kernels up to sm_86"), h100.line());
        assertTrue(h100.detail().contains("JIT-compiled the library's PTX"), h100.detail());
    }

    @Test
    void sm90ThatFailedIsAnUnsupportedArchitectureWithTheError() {
        Verdict h200 = Verdict.judge(gpu("NVIDIA H200", 9, 0), 0, NO_KERNEL);
        assertEquals("unsupported-arch", h200.kind());
        assertEquals(Verdict.NOT_USABLE, h200.exitCode());
        assertTrue(h200.line().startsWith("unsupported-arch sm_90: nd4j-cuda-11.6 has kernels up to sm_86, and the "
                + "trial FAILED, so no JIT (PTX) fallback works here: RuntimeException: cudaErrorNoKernelImageForDevice"),
                h200.line());
    }

    @Test
    void aFailureOnASupportedArchitectureIsACudaError() {
        Verdict v = Verdict.judge(gpu("NVIDIA A100", 8, 0), 0, SmokeRun.failed("RuntimeException: out of memory"));
        assertEquals("cuda-error", v.kind());
        assertEquals(1, v.exitCode());
        assertTrue(v.detail().contains("out of memory"), v.detail());
    }

    @Test
    void theCpuBackendIsReportedAsSuchWithItsOwnExitStatus() {
        Verdict cpu = Verdict.judge(BackendInfo.loaded("CPU", List.of(), "Intel Xeon"), 0, LEARNED);
        assertEquals("cpu-backend", cpu.kind());
        assertEquals(Verdict.CPU, cpu.exitCode());
        assertTrue(cpu.line().startsWith("cpu-backend (this jar/node runs ND4J on CPU: no GPU is used"), cpu.line());
    }

    @Test
    void aBackendThatDidNotLoadIsNotUsable() {
        Verdict v = Verdict.judge(BackendInfo.failed("CUDA", "UnsatisfiedLinkError: no jnind4jcuda in java.library.path"),
                0, SmokeRun.failed("not run"));
        assertEquals("backend-failed", v.kind());
        assertEquals(1, v.exitCode());
        assertTrue(v.detail().contains("no jnind4jcuda"), v.detail());
    }

    @Test
    void aMissingDeviceIsNoGpu() {
        Verdict v = Verdict.judge(gpu("NVIDIA A100", 8, 0), 3, SmokeRun.failed("not run"));
        assertEquals("no-gpu", v.kind());
        assertEquals(1, v.exitCode());
        assertEquals("no-gpu", Verdict.judge(BackendInfo.loaded("CUDA", List.of(), ""), 0, LEARNED).kind());
    }

    @Test
    void numbersAtChanceOrNotFiniteAreWrongResults() {
        SmokeRun nan = SmokeRun.completed(9000, 40000, Double.NaN, 0.9, 10);
        SmokeRun chance = SmokeRun.completed(9000, 40000, 2.30, 0.88, 10);
        assertEquals("wrong-results", Verdict.judge(gpu("NVIDIA A100", 8, 0), 0, nan).kind());
        Verdict jit = Verdict.judge(gpu("NVIDIA H100", 9, 0), 0, chance);
        assertEquals("wrong-results", jit.kind());
        assertEquals(1, jit.exitCode());
        assertTrue(jit.detail().contains("through JIT-compiled PTX"), jit.detail());
        assertTrue(SmokeRun.completed(1, 1, 0.9, 0.79, 10).learned());
        assertTrue(!SmokeRun.completed(1, 1, 0.9, 0.80, 10).learned());
    }

    @Test
    void computeCapabilitiesOrderAndName() {
        assertEquals("sm_90", new ComputeCapability(9, 0).sm());
        assertEquals("8.6", ComputeCapability.ND4J_CUDA_NEWEST.toString());
        assertTrue(new ComputeCapability(9, 0).compareTo(new ComputeCapability(8, 9)) > 0);
        assertTrue(new ComputeCapability(8, 0).compareTo(new ComputeCapability(8, 6)) < 0);
    }
}
