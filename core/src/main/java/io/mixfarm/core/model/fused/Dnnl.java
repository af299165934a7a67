package io.mixfarm.core.model.fused;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_primitive_desc_iterator;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import io.mixfarm.core.model.NativeMemory;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_eltwise;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_sum;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_post_ops;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_iterator_ends;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_iterator_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_iterator_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_iterator_fetch;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_iterator_next;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_impl_info_str;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;
import static org.bytedeco.dnnl.global.dnnl.dnnl_unimplemented;

/**
 * The few oneDNN (C API) calls the fused layers need, over JavaCPP's bindings. oneDNN computes straight on the
 * memory of ND4J arrays (no copies): an array handed to it must be a dense, row-major CPU array.
 *
 * <p>Usable only on ND4J's CPU backend: on the CUDA backend an array's address is device memory. The layers
 * check {@link #usable()} and fall back to DL4J's own operations otherwise.
 */
final class Dnnl {

    /** ND4J's CPU backend, whose arrays live in host memory. */
    private static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";

    /** Set to {@code false} to force the fallback path (tests compare both; nothing else should need it). */
    static final String ENABLED_PROPERTY = "mixfarm.fused.dnnl";

    /** Bytes of a cache line, and of one AVX-512 vector: where the kernels want their arrays to start. */
    static final int ALIGNMENT = 64;
    private static final int ALIGNMENT_FLOATS = ALIGNMENT / Float.BYTES;

    private static volatile dnnl_engine engine;

    private Dnnl() {
    }

    /** Whether the fused oneDNN path can run in this JVM. */
    static boolean usable() {
        return Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))
                && CPU_BACKEND.equals(Nd4j.getBackend().getClass().getName());
    }

    /** The CPU engine, created once: oneDNN engines are thread-safe and cache their kernels. */
    static dnnl_engine engine() {
        dnnl_engine e = engine;
        if (e == null) {
            synchronized (Dnnl.class) {
                e = engine;
                if (e == null) {
                    e = new dnnl_engine();
                    check(dnnl_engine_create(e, dnnl_cpu, 0), "engine_create");
                    engine = e;
                }
            }
        }
        return e;
    }

    /** A new stream; one per layer, since a stream must not be used by two threads at once. */
    static dnnl_stream stream() {
        dnnl_stream s = new dnnl_stream();
        check(dnnl_stream_create(s, engine(), dnnl_stream_default_flags), "stream_create");
        return s;
    }

    /** A plain f32 memory descriptor with the given dimensions and format tag. */
    static dnnl_memory_desc_t desc(long[] dims, int tag) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(md, dims.length, dims, dnnl_f32, tag), "memory_desc_init_by_tag");
        return md;
    }

    /** The descriptor's dimensions with the layout left to the primitive ({@code format_tag_any}). */
    static dnnl_memory_desc_t anyLayout(dnnl_memory_desc_t md) {
        int dims = md.ndims();
        long[] shape = new long[dims];
        for (int i = 0; i < dims; i++) {
            shape[i] = md.dims().get(i);
        }
        dnnl_memory_desc_t any = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(any, dims, shape, dnnl_f32, dnnl_format_tag_any),
                "memory_desc_init_by_tag");
        return any;
    }

    /** A primitive descriptor for an operation descriptor (a {@code dnnl_*_desc_t}). */
    static dnnl_primitive_desc primitiveDesc(Pointer opDesc, dnnl_primitive_desc hint, Handles handles) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(opDesc), null, engine(), hint),
                "primitive_desc_create");
        handles.descriptors.add(pd);
        return pd;
    }

    /**
     * A primitive descriptor from the first of oneDNN's implementations (in its order of preference) whose name
     * {@code accept}s, or {@code null} if there is none; {@link #primitiveDesc(Pointer, dnnl_primitive_desc, Handles)}
     * takes the very first. {@code attr} (its post-ops) may be {@code null}: none.
     */
    static dnnl_primitive_desc primitiveDescOrNull(Pointer opDesc, dnnl_primitive_attr attr,
                                                   dnnl_primitive_desc hint, Handles handles,
                                                   Predicate<String> accept) {
        dnnl_primitive_desc_iterator it = new dnnl_primitive_desc_iterator();
        int created = dnnl_primitive_desc_iterator_create(it, new const_dnnl_op_desc_t(opDesc), attr, engine(), hint);
        if (created == dnnl_unimplemented) {
            return null;
        }
        check(created, "primitive_desc_iterator_create");
        try {
            while (true) {
                dnnl_primitive_desc pd = dnnl_primitive_desc_iterator_fetch(it);
                if (accept.test(implementation(pd))) {
                    handles.descriptors.add(pd);
                    return pd;
                }
                dnnl_primitive_desc_destroy(pd);
                int status = dnnl_primitive_desc_iterator_next(it);
                if (status == dnnl_iterator_ends) {
                    return null;
                }
                check(status, "primitive_desc_iterator_next");
            }
        } finally {
            dnnl_primitive_desc_iterator_destroy(it);
        }
    }

    /**
     * Primitive attributes whose post-ops are, in order, a ReLU (if {@code relu}) and a sum into the destination (if
     * {@code sum}), or {@code null} for neither. A primitive descriptor copies them: the caller destroys them
     * ({@code dnnl_primitive_attr_destroy}) once its descriptors are made.
     */
    static dnnl_primitive_attr postOps(boolean relu, boolean sum) {
        if (!relu && !sum) {
            return null;
        }
        dnnl_post_ops ops = new dnnl_post_ops();
        check(dnnl_post_ops_create(ops), "post_ops_create");
        try {
            if (relu) {
                check(dnnl_post_ops_append_eltwise(ops, 1f, dnnl_eltwise_relu, 0f, 0f), "post_ops_append_eltwise");
            }
            if (sum) {
                check(dnnl_post_ops_append_sum(ops, 1f), "post_ops_append_sum");
            }
            dnnl_primitive_attr attr = new dnnl_primitive_attr();
            check(dnnl_primitive_attr_create(attr), "primitive_attr_create");
            check(dnnl_primitive_attr_set_post_ops(attr, ops), "primitive_attr_set_post_ops");
            return attr;
        } finally {
            dnnl_post_ops_destroy(ops);
        }
    }

    /** oneDNN's name for the implementation behind a primitive descriptor, e.g. {@code brgconv:avx512_core}. */
    static String implementation(dnnl_primitive_desc pd) {
        PointerPointer<BytePointer> name = new PointerPointer<>(1);
        check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, name), "primitive_desc_query");
        return name.get(BytePointer.class, 0).getString();
    }

    static dnnl_primitive primitive(dnnl_primitive_desc pd, Handles handles) {
        dnnl_primitive p = new dnnl_primitive();
        check(dnnl_primitive_create(p, pd), "primitive_create");
        handles.primitives.add(p);
        return p;
    }

    /** A memory object without a buffer; {@link #bind} points it at an array before each execution. */
    static dnnl_memory memory(dnnl_memory_desc_t md, Handles handles) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, md, engine(), null), "memory_create");
        handles.memories.add(m);
        return m;
    }

    /** One buffer-less memory object per descriptor, in order. */
    static dnnl_memory[] memories(Handles handles, dnnl_memory_desc_t... descs) {
        dnnl_memory[] memories = new dnnl_memory[descs.length];
        for (int i = 0; i < descs.length; i++) {
            memories[i] = memory(descs[i], handles);
        }
        return memories;
    }

    /** A reorder from one layout to another. */
    static dnnl_primitive_desc reorderDesc(dnnl_memory_desc_t from, dnnl_memory_desc_t to, Handles handles) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_reorder_primitive_desc_create(pd, from, engine(), to, engine(), null),
                "reorder_primitive_desc_create");
        handles.descriptors.add(pd);
        return pd;
    }

    static void bind(dnnl_memory memory, Pointer data) {
        check(dnnl_memory_set_data_handle(memory, data), "memory_set_data_handle");
    }

    static void bind(dnnl_memory memory, INDArray array) {
        bind(memory, address(array));
    }

    /** Where a {@link NativeMemory#isDenseRowMajor dense} array's first element is (a view's offset included). */
    static Pointer address(INDArray array) {
        return array.data().addressPointer();
    }

    /** An argument list of {@code (kind, memory)} pairs for {@link #execute}. */
    static dnnl_exec_arg_t args(int[] kinds, dnnl_memory[] memories) {
        dnnl_exec_arg_t args = new dnnl_exec_arg_t(kinds.length);
        for (int i = 0; i < kinds.length; i++) {
            args.position(i).arg(kinds[i]).memory(memories[i]);
        }
        return args.position(0);
    }

    static void execute(dnnl_primitive primitive, dnnl_stream stream, int count, dnnl_exec_arg_t args) {
        check(dnnl_primitive_execute(primitive, stream, count, args), "primitive_execute");
        check(dnnl_stream_wait(stream), "stream_wait");
    }

    /**
     * A dense float array in DL4J's workspace for {@code type}, starting on a cache line. ND4J places arrays on
     * 8- or 16-byte boundaries, so most of them started inside a cache line: then every 64-byte vector load or store
     * of oneDNN's kernels spans two lines (docs/performance.md, "Where arrays start").
     */
    static INDArray uninitialized(LayerWorkspaceMgr workspaceMgr, ArrayType type, long... shape) {
        long length = elements(shape);
        return alignedView(workspaceMgr.createUninitialized(type, DataType.FLOAT, length + ALIGNMENT_FLOATS - 1),
                length).reshape('c', shape);
    }

    /**
     * {@code array} itself where oneDNN may read it in place ({@link NativeMemory#isDenseRowMajor}), otherwise a
     * row-major copy of it from {@link #uninitialized}.
     */
    static INDArray dense(LayerWorkspaceMgr workspaceMgr, ArrayType type, INDArray array) {
        return NativeMemory.isDenseRowMajor(array) ? array : copy(workspaceMgr, type, array);
    }

    /** A row-major copy of {@code array} from {@link #uninitialized}. */
    static INDArray copy(LayerWorkspaceMgr workspaceMgr, ArrayType type, INDArray array) {
        return uninitialized(workspaceMgr, type, array.shape()).assign(array);
    }

    /** A dense array outside every workspace (it lives as long as its layer), reused while its shape fits. */
    static INDArray detached(INDArray current, long... shape) {
        return detached(current, 'c', shape);
    }

    /** As {@link #detached(INDArray, long...)}, in the given element order; it starts on a cache line. */
    static INDArray detached(INDArray current, char order, long... shape) {
        if (current != null && current.ordering() == order && Arrays.equals(current.shape(), shape)) {
            return current;
        }
        return aligned(storage(shape), order, shape);
    }

    /**
     * Memory outside every workspace for one {@link #aligned} array of {@code shape}: for an owner that frees it
     * ({@code close()}) when done, rather than when a garbage collection finds it.
     */
    @SuppressWarnings("try") // the scope is the point: it is entered for its side effect, never referenced
    static INDArray storage(long... shape) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return Nd4j.createUninitialized(DataType.FLOAT, elements(shape) + ALIGNMENT_FLOATS - 1);
        }
    }

    /** The dense array of {@code shape} in {@code storage} (from {@link #storage}), starting on a cache line. */
    static INDArray aligned(INDArray storage, char order, long... shape) {
        return alignedView(storage, elements(shape)).reshape(order, shape);
    }

    private static long elements(long[] shape) {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** The {@code length} elements of the vector {@code flat} from its first cache line boundary on. */
    private static INDArray alignedView(INDArray flat, long length) {
        long skip = padding(flat.data().addressPointer().address()) / Float.BYTES;
        return flat.get(NDArrayIndex.interval(skip, skip + length));
    }

    /** Native memory of at least {@code bytes}, positioned on a cache line (JavaCPP passes the position on). */
    static BytePointer alignedBytes(long bytes) {
        BytePointer raw = new BytePointer(bytes + ALIGNMENT - 1);
        return raw.position(padding(raw.address()));
    }

    private static long padding(long address) {
        return (ALIGNMENT - (address & (ALIGNMENT - 1))) & (ALIGNMENT - 1);
    }

    /**
     * The native objects of one set of kernels. JavaCPP does not free oneDNN's handles, and a farm builds a
     * network per trial, so each set registers its handles to be destroyed once it is unreachable.
     */
    static final class Handles implements Runnable {

        private static final Cleaner CLEANER = Cleaner.create();

        private final List<dnnl_primitive> primitives = new ArrayList<>();
        private final List<dnnl_primitive_desc> descriptors = new ArrayList<>();
        private final List<dnnl_memory> memories = new ArrayList<>();

        /** Handles to destroy when {@code owner} becomes unreachable (they must not reference it). */
        static Handles of(Object owner) {
            Handles handles = new Handles();
            CLEANER.register(owner, handles);
            return handles;
        }

        @Override
        public void run() {
            primitives.forEach(p -> dnnl_primitive_destroy(p));
            descriptors.forEach(d -> dnnl_primitive_desc_destroy(d));
            memories.forEach(m -> dnnl_memory_destroy(m));
        }
    }

    /**
     * Whether two dense ({@link NativeMemory#isDenseRowMajor}) arrays of the same shape hold the same bits. It
     * compares their memory: ND4J's {@code asNio()} of a view's buffer starts at the whole buffer's start.
     */
    static boolean sameBits(INDArray a, INDArray b) {
        long bytes = a.length() * a.dataType().width();
        return b.length() * b.dataType().width() == bytes
                && Pointer.memcmp(address(a), address(b), bytes) == 0;
    }

    static void check(int status, String call) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN dnnl_" + call + " failed with status " + status);
        }
    }
}
