package io.mixfarm.core.trial;

import io.mixfarm.core.data.ImageSet;
import io.mixfarm.core.data.Normalisation;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.data.SyntheticCifar;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.model.WeightGroup;
import io.mixfarm.core.schedule.Schedule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.dataset.DataSet;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The free training loss, computed from the activations DL4J hands its listeners, is DL4J's own cross-entropy of the
 * same forward pass (its score, which has no regularisation term when the weight decay is 0): for the graph, whose
 * activations arrive by name, and for VGG16's chain, whose last activation is still a 1x1 feature map.
 */
class RunningTrainStatsTest {

    @ParameterizedTest
    @ValueSource(strings = {ModelSpec.PRERESNET32, ModelSpec.VGG16})
    void theListenersLossIsDl4jsScoreOfTheSameStep(String architecture) {
        ImageSet images = SyntheticCifar.images(16, new SplittableRandom(2));
        ScaleInvariantNet net = Networks.build(new ModelSpec(architecture, 2, ModelSpec.DEFAULT_BN_EPS),
                new InputShape(3, 32, 32, 10), Schedule.parse("probe", "1: lr=0.1 wd=0"), 3);
        RunningTrainStats stats = new RunningTrainStats(net.param(net.outputLayer(), WeightGroup.WEIGHTS),
                net.outputInput());
        net.setListeners(stats);
        net.startEpoch(1);
        ImageBatches batches = ImageBatches.training(images, Normalisation.perChannel(images),
                Preprocessing.Augment.NONE.create(), 1);
        int[] all = new int[images.count()];
        int[] labels = new int[images.count()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
            labels[i] = images.label(i);
        }
        DataSet batch = batches.batch(all);
        stats.reset();
        stats.expect(labels);
        net.fit(batch);

        double score = net.network().score();
        assertEquals(score, stats.meanLoss(), 1e-4 * score, "mean cross-entropy of the step");
    }
}
