package io.mixfarm.core.model.fused;

import io.mixfarm.core.model.Kernels;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.runtime.RuntimeSetup;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static io.mixfarm.core.model.fused.FusedLayersTest.NO_WORKSPACES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ResidualAdd} computes DL4J's {@code ElementWiseVertex(Add)} bit for bit, and PreResNet32 uses it. */
class ResidualAddTest {

    @BeforeAll
    static void setUp() {
        RuntimeSetup.configure();
    }

    @Test
    void forwardAndBackwardAreDl4jsBitForBit() {
        INDArray a = Nd4j.randn(DataType.FLOAT, 8, 6, 6, 16);
        INDArray b = Nd4j.randn(DataType.FLOAT, 8, 6, 6, 16);
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, 8, 6, 6, 16);
        GraphVertex ours = new ResidualAdd().instantiate(null, "add", 0, null, false, DataType.FLOAT);
        GraphVertex dl4j = new ElementWiseVertex(ElementWiseVertex.Op.Add)
                .instantiate(null, "add", 0, null, false, DataType.FLOAT);
        assertInstanceOf(ResidualAdd.Vertex.class, ours);
        INDArray[] sums = new INDArray[2];
        INDArray[][] gradients = new INDArray[2][];
        GraphVertex[] vertices = {ours, dl4j};
        for (int v = 0; v < 2; v++) {
            vertices[v].setInputs(a, b);
            sums[v] = vertices[v].doForward(true, NO_WORKSPACES);
            vertices[v].setEpsilon(epsilon);
            gradients[v] = vertices[v].doBackward(false, NO_WORKSPACES).getSecond();
        }
        assertTrue(Dnnl.sameBits(sums[1], sums[0]), "a + b");
        assertEquals(2, gradients[0].length);
        for (int i = 0; i < 2; i++) {
            assertTrue(Dnnl.sameBits(gradients[1][i], gradients[0][i]), "gradient of input " + i);
            assertNotSame(epsilon, gradients[0][i], "each input gets its own copy, as from DL4J's vertex");
        }
    }

    @Test
    void theFusedPreResNet32AddsItsResidualsWithItAndKeepsItThroughJson() {
        ComputationGraph network = CifarNetworks.preResNet32(ModelSpec.preResNet32(4), Kernels.FUSED);
        long adds = Arrays.stream(network.getVertices()).filter(v -> v.getVertexName().endsWith("add")).count();
        long ours = Arrays.stream(network.getVertices()).filter(ResidualAdd.Vertex.class::isInstance).count();
        assertEquals(15, adds, "three stages of five blocks");
        assertEquals(adds, ours);
        ComputationGraphConfiguration copy = ComputationGraphConfiguration.fromJson(
                network.getConfiguration().toJson());
        assertInstanceOf(ResidualAdd.class, copy.getVertices().get("s1b1_add"));
        assertInstanceOf(ResidualAdd.class, network.getConfiguration().clone().getVertices().get("s1b1_add"));
    }
}
