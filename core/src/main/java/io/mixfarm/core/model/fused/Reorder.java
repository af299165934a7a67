package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Pointer;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;

/** Copies a tensor from one memory layout to another (weights between DL4J's OIHW and a kernel's blocked one). */
final class Reorder {

    private final Dnnl.Handles handles = Dnnl.Handles.of(this);
    private final dnnl_primitive primitive;
    private final dnnl_memory[] memories;
    private final dnnl_exec_arg_t args;

    private Reorder(dnnl_memory_desc_t from, dnnl_memory_desc_t to) {
        primitive = Dnnl.primitive(Dnnl.reorderDesc(from, to, handles), handles);
        memories = Dnnl.memories(handles, from, to);
        args = Dnnl.args(new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, memories);
    }

    /** A reorder between the two layouts, or {@code null} if they are the same. */
    static Reorder between(dnnl_memory_desc_t from, dnnl_memory_desc_t to) {
        return dnnl_memory_desc_equal(from, to) != 0 ? null : new Reorder(from, to);
    }

    void run(dnnl_stream stream, Pointer from, Pointer to) {
        Dnnl.bind(memories[0], from);
        Dnnl.bind(memories[1], to);
        Dnnl.execute(primitive, stream, memories.length, args);
    }
}
