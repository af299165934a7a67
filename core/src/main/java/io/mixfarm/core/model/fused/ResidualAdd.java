package io.mixfarm.core.model.fused;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.deeplearning4j.nn.gradient.Gradient;

import java.util.Arrays;

/**
 * A residual connection's sum of two activations of one shape. DL4J's {@code ElementWiseVertex(Add)} copies the
 * first input and adds the second into the copy, two passes over memory; this one writes {@code a + b} in one (the
 * same additions, so the same bits). Anything else (more inputs, broadcasting) is DL4J's vertex.
 */
public class ResidualAdd extends ElementWiseVertex {

    public ResidualAdd() {
        super(Op.Add);
    }

    @Override
    public ResidualAdd clone() {
        return new ResidualAdd();
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   boolean initializeParams, DataType networkDatatype) {
        return new Vertex(graph, name, idx, networkDatatype);
    }

    /** The vertex: one-pass forward for two inputs of one shape, DL4J's backward (each input gets the gradient). */
    static final class Vertex extends org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex {

        /**
         * Whether what the vertex makes feeds the fused layers, which want it on a cache line
         * ({@link Dnnl#uninitialized}); decided once, as the layers decide whether they are fused.
         */
        private final boolean fused;
        /** Whether the last forward pass was this vertex's own; otherwise DL4J's, which then owns backward too. */
        private boolean ownForward;

        Vertex(ComputationGraph graph, String name, int idx, DataType dataType) {
            super(graph, name, idx, org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex.Op.Add, dataType);
            fused = dataType == DataType.FLOAT && Dnnl.usable();
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray[] in = getInputs();
            ownForward = in != null && in.length == 2 && in[0].dataType() == dataType
                    && in[1].dataType() == dataType && Arrays.equals(in[0].shape(), in[1].shape());
            if (!ownForward) {
                return super.doForward(training, workspaceMgr);
            }
            long[] shape = in[0].shape();
            INDArray sum = forOneDnn(in[0]) ? Dnnl.uninitialized(workspaceMgr, ArrayType.ACTIVATIONS, shape)
                    : workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, shape, in[0].ordering());
            Nd4j.exec(new AddOp(in[0], in[1], sum));
            return sum;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (!ownForward) {
                return super.doBackward(tbptt, workspaceMgr);
            }
            INDArray epsilon = getEpsilon();
            return new Pair<>(null, new INDArray[] {copy(epsilon, workspaceMgr), copy(epsilon, workspaceMgr)});
        }

        private INDArray copy(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            return forOneDnn(epsilon) ? Dnnl.copy(workspaceMgr, ArrayType.ACTIVATION_GRAD, epsilon)
                    : workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
        }

        /** Whether an array like {@code like} (row-major) is made for the fused layers. */
        private boolean forOneDnn(INDArray like) {
            return fused && like.ordering() == 'c';
        }
    }
}
