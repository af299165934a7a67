package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;

/**
 * One oneDNN primitive whose arguments may be laid out otherwise than the caller's arrays: an input is reordered
 * into the primitive's layout before it runs, an output out of it after. Where the layouts agree the primitive
 * computes on the caller's memory directly.
 */
final class LaidOutPrimitive {

    /** What the primitive does with an argument. */
    enum Use {
        /** Reads it: reordered in before every run. */
        IN,
        /** Reads it, and it changes rarely: reordered in only when its version changed since the last reorder. */
        VERSIONED_IN,
        /** Writes it: reordered out after every run. */
        OUT
    }

    /**
     * One argument: its kind ({@code DNNL_ARG_*}), the query for the layout the primitive chose
     * ({@code dnnl_query_*_md}), the caller's layout, and its use.
     */
    record Arg(int kind, int query, dnnl_memory_desc_t caller, Use use) {

        static Arg in(int kind, int query, dnnl_memory_desc_t caller) {
            return new Arg(kind, query, caller, Use.IN);
        }

        static Arg versionedIn(int kind, int query, dnnl_memory_desc_t caller) {
            return new Arg(kind, query, caller, Use.VERSIONED_IN);
        }

        static Arg out(int kind, int query, dnnl_memory_desc_t caller) {
            return new Arg(kind, query, caller, Use.OUT);
        }
    }

    private final String implementation;
    private final dnnl_primitive primitive;
    private final dnnl_memory[] memories;
    private final dnnl_exec_arg_t args;
    private final Reorder[] reorders;
    private final BytePointer[] buffers;
    private final Use[] uses;
    /** The version of the versioned inputs now in their buffers; none yet. */
    private long reorderedVersion = Long.MIN_VALUE;

    LaidOutPrimitive(dnnl_primitive_desc pd, Dnnl.Handles handles, Arg... spec) {
        implementation = Dnnl.implementation(pd);
        primitive = Dnnl.primitive(pd, handles);
        dnnl_memory_desc_t[] chosen = new dnnl_memory_desc_t[spec.length];
        int[] kinds = new int[spec.length];
        reorders = new Reorder[spec.length];
        buffers = new BytePointer[spec.length];
        uses = new Use[spec.length];
        for (int i = 0; i < spec.length; i++) {
            Arg arg = spec[i];
            chosen[i] = dnnl_primitive_desc_query_md(pd, arg.query(), 0);
            kinds[i] = arg.kind();
            uses[i] = arg.use();
            reorders[i] = arg.use() == Use.OUT ? Reorder.between(chosen[i], arg.caller())
                    : Reorder.between(arg.caller(), chosen[i]);
            buffers[i] = reorders[i] == null ? null : new BytePointer(dnnl_memory_desc_get_size(chosen[i]));
        }
        memories = Dnnl.memories(handles, chosen);
        args = Dnnl.args(kinds, memories);
    }

    /** oneDNN's name for the implementation, e.g. {@code brgconv:avx512_core}. */
    String implementation() {
        return implementation;
    }

    /**
     * Runs the primitive on the caller's memory, one pointer per argument in the order given at construction.
     *
     * @param version the version of the {@link Use#VERSIONED_IN} arguments' contents (the caller's count of their
     *                changes): their reorder is skipped when it is the version last reordered
     */
    void run(dnnl_stream stream, long version, Pointer... data) {
        for (int i = 0; i < data.length; i++) {
            if (reorders[i] == null) {
                Dnnl.bind(memories[i], data[i]);
                continue;
            }
            boolean stale = uses[i] == Use.IN || (uses[i] == Use.VERSIONED_IN && version != reorderedVersion);
            if (stale) {
                reorders[i].run(stream, data[i], buffers[i]);
            }
            Dnnl.bind(memories[i], buffers[i]);
        }
        reorderedVersion = version;
        Dnnl.execute(primitive, stream, memories.length, args);
        for (int i = 0; i < data.length; i++) {
            if (uses[i] == Use.OUT && reorders[i] != null) {
                reorders[i].run(stream, buffers[i], data[i]);
            }
        }
    }
}
