package io.mixfarm.core.model.fused;

import io.mixfarm.core.runtime.RuntimeSetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static io.mixfarm.core.model.fused.FusedLayersTest.assertRelative;
import static io.mixfarm.core.model.fused.WeightedKernels.Purpose.INFERENCE;
import static io.mixfarm.core.model.fused.WeightedKernels.Purpose.TRAINING;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_winograd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core;
import static org.bytedeco.dnnl.global.dnnl.dnnl_get_effective_cpu_isa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The convolution kernels each shape gets ({@link ConvolutionPlan}), as oneDNN reports them, and that the inference
 * kernels compute what the training ones do.
 */
class ConvolutionPlanTest {

    private static final int[] STRIDE_1 = {1, 1};
    private static final int[] PAD_1 = {1, 1};
    private static final long[] WEIGHTS_64 = {64, 64, 3, 3};

    @BeforeAll
    static void setUp() {
        RuntimeSetup.configure();
    }

    @Test
    void smallOutputsTrainOnTheDirectKernelAndLargerOnesAsOneDnnOffers() {
        WeightedKernels small = conv(4, TRAINING);
        assertEquals(3, small.implementations().size(), small.implementations().toString());
        for (String implementation : small.implementations()) {
            assertFalse(implementation.startsWith("brg"), "4x4 output: " + small.implementations());
        }
        List<String> larger = conv(8, TRAINING).implementations();
        List<String> offered = firstOffered(8);
        assertEquals(offered.get(0), larger.get(0), "8x8 output: oneDNN's first choice");
    }

    @Test
    void inferenceComputesForwardOnlyWithWinogradWhereOneDnnHasIt() {
        for (int size : new int[] {4, 8, 16}) {
            List<String> implementations = conv(size, INFERENCE).implementations();
            assertEquals(1, implementations.size(), "inference has no backward kernels: " + implementations);
            if (hasAvx512Core()) {
                assertTrue(implementations.get(0).contains("wino"), size + "x" + size + ": " + implementations);
            }
        }
        List<String> tiny = conv(2, INFERENCE).implementations();
        assertFalse(tiny.get(0).contains("wino") || tiny.get(0).startsWith("brg"), "2x2 output: " + tiny);
    }

    @Test
    void whereOneDnnHasNoKernelForThePlanTheTrainingPlansRuns() {
        // oneDNN 2.5's Winograd is F(4x4, 3x3) only: a 5x5 kernel has none.
        ConvolutionPlan winograd = new ConvolutionPlan(dnnl_convolution_winograd, true, false);
        WeightedKernels k = WeightedKernels.convolution(new long[] {8, 8, 8, 64}, new long[] {64, 64, 5, 5},
                STRIDE_1, new int[] {2, 2}, new int[] {8, 8}, true, INFERENCE, winograd);
        assertEquals(List.of(firstOffered(8, 5)), k.implementations());
    }

    @Test
    void inferenceKernelsComputeWhatTrainingKernelsCompute() {
        for (int size : new int[] {2, 4, 8, 16}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 16, size, size, 64).subi(0.5);
            INDArray weights = Nd4j.randn(DataType.FLOAT, WEIGHTS_64).muli(Math.sqrt(2.0 / (64 * 9)));
            INDArray trained = Nd4j.createUninitialized(DataType.FLOAT, 16, size, size, 64);
            INDArray inferred = Nd4j.createUninitialized(DataType.FLOAT, 16, size, size, 64);
            var stream = Dnnl.stream();
            conv(16, size, TRAINING).forward(stream, x, weights, 1, trained);
            conv(16, size, INFERENCE).forward(stream, x, weights, 1, inferred);
            assertRelative(trained, inferred, 1e-5, size + "x" + size + " inference");
        }
    }

    private static WeightedKernels conv(int size, WeightedKernels.Purpose purpose) {
        return conv(8, size, purpose);
    }

    private static WeightedKernels conv(int batch, int size, WeightedKernels.Purpose purpose) {
        return WeightedKernels.convolution(new long[] {batch, size, size, 64}, WEIGHTS_64, STRIDE_1, PAD_1,
                new int[] {size, size}, true, purpose, WeightedKernels.Epilogue.NONE);
    }

    /** oneDNN's first choice of forward kernel on channels-last for a 3x3 convolution to 64 channels. */
    private static List<String> firstOffered(int size) {
        return List.of(firstOffered(size, 3));
    }

    private static String firstOffered(int size, long kernel) {
        var handles = Dnnl.Handles.of(new Object());
        var src = Dnnl.desc(new long[] {8, 64, size, size}, org.bytedeco.dnnl.global.dnnl.dnnl_nhwc);
        var dst = Dnnl.desc(new long[] {8, 64, size, size}, org.bytedeco.dnnl.global.dnnl.dnnl_nhwc);
        var weights = Dnnl.anyLayout(Dnnl.desc(new long[] {64, 64, kernel, kernel},
                org.bytedeco.dnnl.global.dnnl.dnnl_oihw));
        var desc = new org.bytedeco.dnnl.dnnl_convolution_desc_t();
        Dnnl.check(org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init(desc,
                org.bytedeco.dnnl.global.dnnl.dnnl_forward_training,
                org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct, src, weights, null, dst, new long[] {1, 1},
                new long[] {kernel / 2, kernel / 2}, new long[] {kernel / 2, kernel / 2}),
                "convolution_forward_desc_init");
        return Dnnl.implementation(Dnnl.primitiveDesc(desc, null, handles));
    }

    private static boolean hasAvx512Core() {
        return (dnnl_get_effective_cpu_isa() & dnnl_cpu_isa_avx512_core) == dnnl_cpu_isa_avx512_core;
    }
}
