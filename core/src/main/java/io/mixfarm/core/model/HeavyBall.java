package io.mixfarm.core.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.Objects;

/**
 * SGD with heavy-ball momentum in the form of the paper's appendix C.1 (and PyTorch's {@code SGD(momentum=..)}):
 * {@code v <- beta*v + g; w <- w - eta*v}, where {@code g} arrives with the weight decay already added
 * ({@code grad + lambda*w}, DL4J's L2 regularisation, applied before the updater).
 *
 * <p>Why not DL4J's {@code Nesterovs}: it is Nesterov momentum and keeps the learning rate inside the velocity
 * ({@code v <- mu*v - eta*g}), so a change of eta between phases would only reach the steps through the velocity's
 * new terms; the paper's form multiplies the whole velocity by the current eta. {@code UpdateRuleTest} proves the
 * update on real steps across a learning-rate change.
 */
public final class HeavyBall implements IUpdater {

    private static final long serialVersionUID = 1L;

    private ISchedule learningRate;
    private final ISchedule momentum;

    /**
     * @param learningRate eta by iteration/epoch (the trial runner keys it on the epoch)
     * @param momentum     beta by iteration/epoch, each value in [0, 1)
     */
    public HeavyBall(@JsonProperty("learningRate") ISchedule learningRate,
                     @JsonProperty("momentum") ISchedule momentum) {
        this.learningRate = Objects.requireNonNull(learningRate, "learningRate");
        this.momentum = Objects.requireNonNull(momentum, "momentum");
    }

    /** beta at this iteration and epoch. */
    double momentumAt(int iteration, int epoch) {
        return momentum.valueAt(iteration, epoch);
    }

    @Override
    public long stateSize(long numParams) {
        return numParams; // the velocity
    }

    @Override
    public GradientUpdater<HeavyBall> instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater updater = new Updater(this);
        updater.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return updater;
    }

    @Override
    public GradientUpdater<HeavyBall> instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        Updater updater = new Updater(this);
        updater.setState(updaterState, initializeStateArrays);
        return updater;
    }

    @Override
    public HeavyBall clone() {
        return new HeavyBall(learningRate.clone(), momentum.clone());
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRate.valueAt(iteration, epoch);
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lrSchedule != null ? lrSchedule : new FixedSchedule(lr);
    }

    /** Equal configurations let DL4J update consecutive layers as one block, as it does for {@code Sgd}. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HeavyBall h && learningRate.equals(h.learningRate) && momentum.equals(h.momentum);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, momentum);
    }

    @Override
    public String toString() {
        return "HeavyBall(learningRate=" + learningRate + ", momentum=" + momentum + ")";
    }

    /** The per-block state: the velocity, a view of DL4J's updater state array. */
    static final class Updater implements GradientUpdater<HeavyBall> {

        static final String VELOCITY = "V";

        private final HeavyBall config;
        private INDArray velocity;

        Updater(HeavyBall config) {
            this.config = config;
        }

        @Override
        public HeavyBall getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            INDArray v = stateMap == null ? null : stateMap.get(VELOCITY);
            if (v == null || stateMap.size() != 1) {
                throw new IllegalStateException("heavy-ball state must hold exactly the velocity \"" + VELOCITY
                        + "\", got " + (stateMap == null ? "nothing" : stateMap.keySet()));
            }
            this.velocity = v;
            if (initialize) {
                velocity.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            return Map.of(VELOCITY, velocity);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder,
                                      boolean initialize) {
            if (initialize) {
                viewArray.assign(0);
            }
            // A view, never a copy: the velocity must live in DL4J's updater state to persist between steps.
            this.velocity = Shape.newShapeNoCopy(viewArray, gradientShape, gradientOrder == 'f');
            if (velocity == null) {
                throw new IllegalStateException("cannot view the updater state as the gradient's shape");
            }
        }

        /** Turns {@code gradient} (with weight decay added) into the step {@code eta * v}, in place. */
        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            if (velocity == null) {
                throw new IllegalStateException("heavy-ball updater used before its state was set");
            }
            double beta = config.momentumAt(iteration, epoch);
            double eta = config.getLearningRate(iteration, epoch);
            // DL4J hands over the block's gradient as a vector; viewed (not copied) in the velocity's shape, so
            // writing the step into it writes DL4J's gradient.
            INDArray g = Shape.newShapeNoCopy(gradient, velocity.shape(), velocity.ordering() == 'f');
            if (g == null) {
                throw new IllegalStateException("cannot view the gradient as the velocity's shape");
            }
            velocity.muli(beta).addi(g);
            g.assign(velocity).muli(eta);
        }
    }
}
