package io.mixfarm.core.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/** What native code that reads an ND4J array through its address may assume of it. */
public final class NativeMemory {

    private NativeMemory() {
    }

    /**
     * Whether the array's elements lie row-major and without gaps from {@code array.data().addressPointer()} on, so
     * native code may use its memory as it is. A view qualifies when its buffer is exactly its elements: ND4J then
     * gives the view a buffer of its own that starts at the view's offset (the fused layers' cache-line-aligned
     * arrays are such views).
     */
    public static boolean isDenseRowMajor(INDArray array) {
        return array.ordering() == 'c' && Shape.hasDefaultStridesForShape(array)
                && array.data().length() == array.length();
    }
}
