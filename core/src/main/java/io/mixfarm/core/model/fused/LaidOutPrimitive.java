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
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_exec_arg_md;

/**
 * One oneDNN primitive whose arguments may be laid out otherwise than the caller's arrays: an input is reordered
 * into the primitive's layout before it runs, an output out of it after. Where the layouts agree the primitive
 * computes on the caller's memory directly.
 *
 * <p>A reordered argument lives only while the primitive runs, so its memory is scratch shared by every primitive
 * that runs on the thread (a trial's network runs on one thread): per argument position, one buffer of the largest
 * size needed so far. Only a {@link Use#VERSIONED_IN} argument keeps a buffer of its own, since its reordered copy
 * outlives the run.
 */
final class LaidOutPrimitive {

    /** Positions of arguments a primitive has at most (source, weights, bias, destination or their gradients). */
    private static final int MAX_ARGS = 4;
    private static final ThreadLocal<BytePointer[]> SCRATCH = ThreadLocal.withInitial(() -> new BytePointer[MAX_ARGS]);

    /** What the primitive does with an argument. */
    enum Use {
        /** Reads it: reordered in before every run. */
        IN,
        /** Reads it, and it changes rarely: reordered in only when its version changed since the last reorder. */
        VERSIONED_IN,
        /** Writes it: reordered out after every run. */
        OUT,
        /** Reads and writes it (a sum post-op adds into the destination): reordered in before and out after. */
        IN_OUT
    }

    /** One argument: its kind ({@code DNNL_ARG_*}), the caller's layout of it, and its use. */
    record Arg(int kind, dnnl_memory_desc_t caller, Use use) {

        static Arg in(int kind, dnnl_memory_desc_t caller) {
            return new Arg(kind, caller, Use.IN);
        }

        static Arg versionedIn(int kind, dnnl_memory_desc_t caller) {
            return new Arg(kind, caller, Use.VERSIONED_IN);
        }

        static Arg out(int kind, dnnl_memory_desc_t caller) {
            return new Arg(kind, caller, Use.OUT);
        }

        static Arg inOut(int kind, dnnl_memory_desc_t caller) {
            return new Arg(kind, caller, Use.IN_OUT);
        }
    }

    private final String implementation;
    private final dnnl_primitive primitive;
    private final dnnl_memory[] memories;
    private final dnnl_exec_arg_t args;
    /** Per argument, the reorder into the primitive's layout before a run, and out of it after ({@code null}: none). */
    private final Reorder[] reordersIn;
    private final Reorder[] reordersOut;
    /** The versioned arguments' own buffers (null elsewhere). */
    private final BytePointer[] buffers;
    /** The bytes of each argument in the primitive's layout. */
    private final long[] sizes;
    private final Use[] uses;
    /** Where each argument is laid out for the primitive during a run (a network runs on one thread). */
    private final Pointer[] laidOut;
    /** The version of the versioned inputs now in their buffers; none yet. */
    private long reorderedVersion = Long.MIN_VALUE;

    LaidOutPrimitive(dnnl_primitive_desc pd, Dnnl.Handles handles, Arg... spec) {
        implementation = Dnnl.implementation(pd);
        primitive = Dnnl.primitive(pd, handles);
        dnnl_memory_desc_t[] chosen = new dnnl_memory_desc_t[spec.length];
        int[] kinds = new int[spec.length];
        reordersIn = new Reorder[spec.length];
        reordersOut = new Reorder[spec.length];
        if (spec.length > MAX_ARGS) {
            throw new IllegalArgumentException("at most " + MAX_ARGS + " arguments, got " + spec.length);
        }
        buffers = new BytePointer[spec.length];
        sizes = new long[spec.length];
        uses = new Use[spec.length];
        laidOut = new Pointer[spec.length];
        for (int i = 0; i < spec.length; i++) {
            Arg arg = spec[i];
            chosen[i] = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, arg.kind());
            kinds[i] = arg.kind();
            uses[i] = arg.use();
            reordersIn[i] = arg.use() == Use.OUT ? null : Reorder.between(arg.caller(), chosen[i]);
            reordersOut[i] = arg.use() == Use.OUT || arg.use() == Use.IN_OUT
                    ? Reorder.between(chosen[i], arg.caller()) : null;
            sizes[i] = dnnl_memory_desc_get_size(chosen[i]);
            buffers[i] = reordersIn[i] != null && uses[i] == Use.VERSIONED_IN ? Dnnl.alignedBytes(sizes[i]) : null;
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
        BytePointer[] scratch = SCRATCH.get();
        for (int i = 0; i < data.length; i++) {
            if (reordersIn[i] == null && reordersOut[i] == null) {
                laidOut[i] = data[i];
            } else if (uses[i] == Use.VERSIONED_IN) {
                laidOut[i] = buffers[i];
                if (version != reorderedVersion) {
                    reordersIn[i].run(stream, data[i], buffers[i]);
                }
            } else {
                laidOut[i] = scratch(scratch, i, sizes[i]);
                if (reordersIn[i] != null) {
                    reordersIn[i].run(stream, data[i], laidOut[i]);
                }
            }
            Dnnl.bind(memories[i], laidOut[i]);
        }
        reorderedVersion = version;
        Dnnl.execute(primitive, stream, memories.length, args);
        for (int i = 0; i < data.length; i++) {
            if (reordersOut[i] != null) {
                reordersOut[i].run(stream, laidOut[i], data[i]);
            }
        }
    }

    /** The thread's scratch buffer at {@code position}, grown to at least {@code bytes}. */
    private static BytePointer scratch(BytePointer[] scratch, int position, long bytes) {
        BytePointer buffer = scratch[position];
        if (buffer == null || buffer.capacity() - buffer.position() < bytes) {
            if (buffer != null) {
                buffer.close();
            }
            buffer = Dnnl.alignedBytes(bytes);
            scratch[position] = buffer;
        }
        return buffer;
    }
}
