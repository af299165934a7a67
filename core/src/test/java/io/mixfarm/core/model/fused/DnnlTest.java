package io.mixfarm.core.model.fused;

import io.mixfarm.core.model.NativeMemory;
import io.mixfarm.core.runtime.RuntimeSetup;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory the fused layers hand to oneDNN: where it starts, and what counts as the same bits. */
class DnnlTest {

    @BeforeAll
    static void setUp() {
        RuntimeSetup.configure();
    }

    @Test
    void detachedArraysAndScratchStartOnACacheLine() {
        for (int elements = 1; elements <= 40; elements += 3) {
            for (char order : new char[] {'c', 'f'}) {
                INDArray array = Dnnl.detached(null, order, 2, elements);
                assertEquals(order, array.ordering());
                assertEquals(0, array.data().addressPointer().address() % Dnnl.ALIGNMENT, order + " " + elements);
                float[] values = new float[2 * elements];
                for (int i = 0; i < values.length; i++) {
                    values[i] = i + 1;
                }
                array.assign(Nd4j.createFromArray(values).reshape(order, 2, elements));
                assertEquals(2f * elements, array.getFloat(1, elements - 1), "the view is the array's own elements");
                assertEquals(Nd4j.createFromArray(values).reshape(order, 2, elements), array.dup(order));
            }
            try (BytePointer bytes = Dnnl.alignedBytes(elements)) {
                assertEquals(0, (bytes.address() + bytes.position()) % Dnnl.ALIGNMENT, elements + " bytes");
                assertTrue(bytes.capacity() - bytes.position() >= elements);
            }
        }
    }

    @Test
    void sameBitsComparesAViewsOwnElementsNotItsBuffersStart() {
        INDArray buffer = Nd4j.linspace(DataType.FLOAT, 0, 31, 32);
        INDArray shifted = buffer.get(NDArrayIndex.interval(8, 16)).reshape('c', 2, 4);
        INDArray copy = shifted.dup();
        assertTrue(NativeMemory.isDenseRowMajor(shifted), "a contiguous view is dense");
        assertTrue(Dnnl.sameBits(shifted, copy));
        assertFalse(Dnnl.sameBits(buffer.get(NDArrayIndex.interval(0, 8)).reshape('c', 2, 4), copy),
                "the buffer's first elements are not the view's");
        copy.putScalar(1, 3, 99f);
        assertFalse(Dnnl.sameBits(shifted, copy), "one element differs");
        assertFalse(Dnnl.sameBits(shifted, Nd4j.zeros(DataType.FLOAT, 2, 5)), "different lengths");
    }
}
