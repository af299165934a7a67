package io.mixfarm.core.model;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/** What native code that reads an ND4J array through its address may assume of it, and where passes keep theirs. */
public final class NativeMemory {

    /** DL4J's configuration of its own activation workspaces: learn the size in the first scope, then reuse it. */
    private static final WorkspaceConfiguration PASS_WORKSPACE_CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.05).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).build();

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

    /**
     * A workspace manager that puts every array of a pass through a network in the workspace {@code name} (one per
     * thread, as ND4J's workspaces are), sized by the first pass and then reused: what the pass makes goes when its
     * scope ends, rather than when a garbage collection happens to find it. The caller enters the scope
     * ({@code notifyScopeEntered(ArrayType.ACTIVATIONS)}) around the pass.
     */
    public static LayerWorkspaceMgr passWorkspace(String name) {
        return LayerWorkspaceMgr.builder().defaultWorkspace(name, PASS_WORKSPACE_CONFIG).build();
    }
}
