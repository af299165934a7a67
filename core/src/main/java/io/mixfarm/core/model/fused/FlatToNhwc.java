package io.mixfarm.core.model.fused;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns flat images {@code [N, C*H*W]} (channel planes one after another, as the data sets store them) into the
 * channels-last {@code [N, H, W, C]} the network computes in. oneDNN's convolutions produce channels-last
 * natively, and its BatchNorm has fast kernels for it but not for channels-first, so the whole network stays
 * channels-last and nothing is reordered between layers. With one channel (MNIST) this is a free reshape.
 */
public class FlatToNhwc implements InputPreProcessor {

    @JsonProperty("height")
    private final long height;
    @JsonProperty("width")
    private final long width;
    @JsonProperty("channels")
    private final long channels;

    /** The image shape; Jackson uses it too, when DL4J copies a configuration through JSON. */
    @JsonCreator
    public FlatToNhwc(@JsonProperty("height") long height, @JsonProperty("width") long width,
                      @JsonProperty("channels") long channels) {
        this.height = height;
        this.width = width;
        this.channels = channels;
    }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        INDArray planes = input.reshape('c', input.size(0), channels, height, width);
        INDArray nhwc = channels == 1 ? planes.reshape('c', input.size(0), height, width, 1)
                : planes.permute(0, 2, 3, 1).dup('c');
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, nhwc);
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        if (output == null) {
            return null; // the first layer computed no input gradient: nothing reads it
        }
        INDArray planes = output.permute(0, 3, 1, 2).dup('c');
        return workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD,
                planes.reshape('c', output.size(0), channels * height * width));
    }

    @Override
    public FlatToNhwc clone() {
        return new FlatToNhwc(height, width, channels);
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        return InputType.convolutional(height, width, channels, CNN2DFormat.NHWC);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
                                                          int minibatchSize) {
        return new Pair<>(maskArray, currentMaskState);
    }
}
