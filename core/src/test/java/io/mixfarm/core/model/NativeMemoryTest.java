package io.mixfarm.core.model;

import io.mixfarm.core.runtime.RuntimeSetup;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeMemoryTest {

    @BeforeAll
    static void setUp() {
        RuntimeSetup.configure();
    }

    @Test
    void onlyRowMajorArraysThatAreTheirWholeBufferAreDense() {
        INDArray matrix = Nd4j.linspace(DataType.FLOAT, 1, 12, 12).reshape('c', 3, 4);
        assertTrue(NativeMemory.isDenseRowMajor(matrix));
        assertFalse(NativeMemory.isDenseRowMajor(matrix.dup('f')), "column-major");
        INDArray columns = matrix.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2));
        assertFalse(NativeMemory.isDenseRowMajor(columns), "strided columns");
        assertFalse(NativeMemory.isDenseRowMajor(matrix.transpose()), "a transposed view");
    }

    @Test
    void aContiguousViewIsDenseAndItsAddressIsItsFirstElement() {
        INDArray buffer = Nd4j.createFromArray(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        INDArray rows = buffer.get(NDArrayIndex.interval(4, 12)).reshape('c', 2, 4);
        assertTrue(NativeMemory.isDenseRowMajor(rows));
        FloatPointer first = new FloatPointer(rows.data().addressPointer());
        assertEquals(4f, first.get(0), "native code reading the address sees the view's first element");
        assertEquals(11f, first.get(7));
    }
}
