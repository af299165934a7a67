package io.mixfarm.core.trial;

import io.mixfarm.core.schedule.Schedule;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * A trial after one of its epochs, as bytes can hold it: everything its continuation depends on that its
 * {@link TrialSpec} does not already say (docs/method.md, "Forks"). The network is rebuilt from the spec and the
 * snapshot fills it in: the flat parameters (weights, and BN's running statistics, which DL4J keeps as
 * parameters), the updater's flat state (the heavy-ball velocity; empty for plain SGD), and DL4J's iteration
 * counter. The random streams (minibatch order, augmentation) are not stored: a resumed trial replays the draws of
 * the epochs before, which costs a shuffle and a few integers per image and epoch, not a step. The epochs' metrics
 * and the predictions and metrics of the record points up to it ({@link RecordSteps}) travel with it, so a trial
 * continued from a snapshot reports its whole history; the points still due follow from the spec and the epoch.
 * What computed it ({@link SnapshotOrigin}: implementation and OpenMP threads, on which its bits depend besides the
 * spec) is stamped by its writer, so that a continuation can tell whether it would be the same trial.
 *
 * <p>The byte form is mixfarm's own, versioned ({@link #VERSION}), with a CRC-32 of everything before it at the
 * end, so that a truncated or damaged snapshot is refused with one line rather than trained from. It is not
 * DL4J's {@code ModelSerializer}: that also writes the network's configuration as JSON, which the fused layers and
 * updaters need not round-trip when the spec rebuilds the network anyway.
 *
 * @param epoch        the last epoch trained, {@code >= 1}
 * @param iterations   DL4J's iteration counter (SGD steps taken)
 * @param stepsPerEpoch SGD steps in one epoch, which places the record points ({@link RecordSteps#points})
 * @param trial        what the trial is apart from its schedule and length ({@link #trialOf}); a snapshot continues
 *                     only a trial that agrees
 * @param schedule     the schedule the epochs {@code 1..epoch} were trained with
 * @param metrics      the metrics of epochs {@code 1..epoch}
 * @param steps        the metrics at the record points inside epochs {@code 1..epoch}, in step order
 * @param predictions  the predictions at the record points up to the end of {@code epoch}, in step order
 * @param params       the network's flat parameters
 * @param updaterState the updater's flat state, empty if it keeps none
 * @param origin       the implementation and OpenMP threads that computed it, as its writer stamps it
 *                     ({@link #withOrigin}); {@link SnapshotOrigin#UNKNOWN} from the runner and in version 2
 */
public record TrialSnapshot(int epoch, int iterations, int stepsPerEpoch, String trial, Schedule schedule,
                            List<EpochMetrics> metrics, List<StepMetrics> steps, List<EpochPredictions> predictions,
                            float[] params, float[] updaterState, SnapshotOrigin origin) {

    /**
     * The format's version (2: record points with their step, and step metrics; 3: the origin). A reader reads
     * this one and {@link #OLDEST_READ} onwards, and refuses any other.
     */
    public static final int VERSION = 3;
    /** The oldest version still read: a version-2 snapshot reads with an unknown origin. */
    public static final int OLDEST_READ = 2;
    /** "MFSN", the first four bytes. */
    private static final int MAGIC = 0x4d46534e;

    public TrialSnapshot {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(trial, "trial");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(updaterState, "updaterState");
        metrics = List.copyOf(metrics);
        steps = List.copyOf(steps);
        predictions = List.copyOf(predictions);
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("steps per epoch must be >= 1, got " + stepsPerEpoch);
        }
        if (epoch < 1 || metrics.size() != epoch) {
            throw new IllegalArgumentException("a snapshot after epoch " + epoch + " holds the metrics of epochs 1.."
                    + epoch + ", got " + metrics.size());
        }
    }

    /** A snapshot whose origin is not known yet: the runner's, before its writer stamps it ({@link #withOrigin}). */
    public TrialSnapshot(int epoch, int iterations, int stepsPerEpoch, String trial, Schedule schedule,
                         List<EpochMetrics> metrics, List<StepMetrics> steps, List<EpochPredictions> predictions,
                         float[] params, float[] updaterState) {
        this(epoch, iterations, stepsPerEpoch, trial, schedule, metrics, steps, predictions, params, updaterState,
                SnapshotOrigin.UNKNOWN);
    }

    /** This snapshot, computed by {@code origin}: what its writer knows and the trial runner does not. */
    public TrialSnapshot withOrigin(SnapshotOrigin origin) {
        return new TrialSnapshot(epoch, iterations, stepsPerEpoch, trial, schedule, metrics, steps, predictions,
                params, updaterState, origin);
    }

    /**
     * What a trial is apart from its schedule, length and record epochs: data set, network, preprocessing, batch
     * size and seeds. Two trials that agree here and whose schedules agree up to an epoch
     * ({@link Schedule#prefixDifference}) train identically up to it.
     */
    public static String trialOf(TrialSpec spec) {
        return "data=" + spec.dataset() + " model=" + spec.model() + " preprocessing=" + spec.preprocessing()
                + " batch-size=" + spec.batchSize() + " seed=" + spec.seed() + " init-seed=" + spec.initSeed();
    }

    /**
     * Why this snapshot cannot continue a trial of {@code spec}, or {@code null} if it can: the trials must agree
     * ({@link #trialOf}), the schedules on the epochs trained, the spec must train at least this long, and every
     * record point of the spec up to the end of {@link #epoch} must have its predictions here.
     */
    public String problemContinuing(TrialSpec spec) {
        String wanted = trialOf(spec);
        if (!wanted.equals(trial)) {
            return "the snapshot is of another trial (" + trial + ", not " + wanted + ")";
        }
        String schedules = spec.schedule().prefixDifference(schedule, epoch);
        if (schedules != null) {
            return "the snapshot was trained with another schedule: " + schedules;
        }
        if (spec.epochs() < epoch) {
            return "the snapshot is after epoch " + epoch + ", past the trial's last epoch " + spec.epochs();
        }
        List<RecordPoint> kept = predictions.stream().map(EpochPredictions::point).toList();
        long passed = (long) epoch * stepsPerEpoch;
        for (RecordPoint point : spec.recordPoints(stepsPerEpoch)) {
            if (point.step() <= passed && !kept.contains(point)) {
                return "the snapshot has no predictions at record point epoch " + point.epoch() + " step "
                        + point.step() + " (it has " + kept.size() + " points up to step " + passed + ")";
            }
        }
        return null;
    }

    /** The byte form: header, history, arrays, CRC-32. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 4 * (params.length + updaterState.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(origin.implementation());
            out.writeInt(origin.threads());
            out.writeInt(epoch);
            out.writeInt(iterations);
            out.writeInt(stepsPerEpoch);
            out.writeUTF(trial);
            out.writeUTF(schedule.name());
            out.writeUTF(schedule.toText());
            out.writeInt(metrics.size());
            for (EpochMetrics m : metrics) {
                writeMetrics(out, m);
            }
            out.writeInt(steps.size());
            for (StepMetrics m : steps) {
                writeStepMetrics(out, m);
            }
            out.writeInt(predictions.size());
            for (EpochPredictions p : predictions) {
                writePoint(out, p.point());
                out.writeInt(p.predicted().length);
                out.write(p.predicted());
            }
            writeFloats(out, params);
            writeFloats(out, updaterState);
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Reads {@link #toBytes()}'s form.
     *
     * @throws IllegalArgumentException with one line saying what is wrong: not a snapshot, a version not read,
     *                                  truncated or damaged (the CRC-32 disagrees)
     */
    public static TrialSnapshot fromBytes(byte[] bytes) {
        if (bytes.length < 16) {
            throw new IllegalArgumentException("not a trial snapshot: " + bytes.length + " bytes");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes);
        if (header.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a trial snapshot: wrong magic number");
        }
        int version = header.getInt();
        if (version < OLDEST_READ || version > VERSION) {
            throw new IllegalArgumentException("trial snapshot format version " + version + "; this build reads "
                    + OLDEST_READ + " to " + VERSION);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - Long.BYTES);
        if (crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - Long.BYTES, Long.BYTES).getLong()) {
            throw new IllegalArgumentException("trial snapshot damaged or truncated: its CRC-32 does not match ("
                    + bytes.length + " bytes)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 8, bytes.length - 8))) {
            SnapshotOrigin origin = version >= 3 ? new SnapshotOrigin(in.readUTF(), in.readInt())
                    : SnapshotOrigin.UNKNOWN;
            int epoch = in.readInt();
            int iterations = in.readInt();
            int stepsPerEpoch = in.readInt();
            String trial = in.readUTF();
            String name = in.readUTF();
            Schedule schedule = Schedule.parse(name, in.readUTF());
            int metricsCount = in.readInt();
            List<EpochMetrics> metrics = new ArrayList<>(metricsCount);
            for (int i = 0; i < metricsCount; i++) {
                metrics.add(readMetrics(in));
            }
            int stepsCount = in.readInt();
            List<StepMetrics> steps = new ArrayList<>(stepsCount);
            for (int i = 0; i < stepsCount; i++) {
                steps.add(readStepMetrics(in));
            }
            int predictionsCount = in.readInt();
            List<EpochPredictions> predictions = new ArrayList<>(predictionsCount);
            for (int i = 0; i < predictionsCount; i++) {
                RecordPoint at = readPoint(in);
                byte[] predicted = new byte[in.readInt()];
                in.readFully(predicted);
                predictions.add(new EpochPredictions(at, predicted));
            }
            float[] params = readFloats(in);
            float[] updaterState = readFloats(in);
            return new TrialSnapshot(epoch, iterations, stepsPerEpoch, trial, schedule, metrics, steps, predictions,
                    params, updaterState, origin);
        } catch (IOException e) {
            // The CRC matched, so this is a writer's bug rather than damage; still one line.
            throw new IllegalArgumentException("trial snapshot unreadable: " + e, e);
        }
    }

    private static void writePoint(DataOutputStream out, RecordPoint point) throws IOException {
        out.writeInt(point.epoch());
        out.writeLong(point.step());
    }

    private static RecordPoint readPoint(DataInputStream in) throws IOException {
        return new RecordPoint(in.readInt(), in.readLong());
    }

    private static void writeStepMetrics(DataOutputStream out, StepMetrics m) throws IOException {
        writePoint(out, m.point());
        for (double v : new double[] {m.lr(), m.wd(), m.testLoss(), m.testError()}) {
            out.writeDouble(v);
        }
        writeGroups(out, m.groups());
        for (double v : new double[] {m.totalNorm(), m.totalEffectiveLr(), m.evalSeconds()}) {
            out.writeDouble(v);
        }
    }

    private static StepMetrics readStepMetrics(DataInputStream in) throws IOException {
        RecordPoint point = readPoint(in);
        double lr = in.readDouble();
        double wd = in.readDouble();
        double testLoss = in.readDouble();
        double testError = in.readDouble();
        List<GroupStats> groups = readGroups(in);
        return new StepMetrics(point, lr, wd, testLoss, testError, groups, in.readDouble(), in.readDouble(),
                in.readDouble());
    }

    private static void writeGroups(DataOutputStream out, List<GroupStats> groups) throws IOException {
        out.writeInt(groups.size());
        for (GroupStats g : groups) {
            out.writeUTF(g.group());
            out.writeDouble(g.norm());
            out.writeDouble(g.effectiveLr());
        }
    }

    private static List<GroupStats> readGroups(DataInputStream in) throws IOException {
        int groupCount = in.readInt();
        List<GroupStats> groups = new ArrayList<>(groupCount);
        for (int i = 0; i < groupCount; i++) {
            groups.add(new GroupStats(in.readUTF(), in.readDouble(), in.readDouble()));
        }
        return groups;
    }

    private static void writeMetrics(DataOutputStream out, EpochMetrics m) throws IOException {
        out.writeInt(m.epoch());
        for (double v : new double[] {m.lr(), m.wd(), m.trainLoss(), m.trainError(), m.testLoss(), m.testError()}) {
            out.writeDouble(v);
        }
        writeGroups(out, m.groups());
        for (double v : new double[] {m.totalNorm(), m.totalEffectiveLr(), m.trainSeconds(), m.evalSeconds()}) {
            out.writeDouble(v);
        }
    }

    private static EpochMetrics readMetrics(DataInputStream in) throws IOException {
        int epoch = in.readInt();
        double lr = in.readDouble();
        double wd = in.readDouble();
        double trainLoss = in.readDouble();
        double trainError = in.readDouble();
        double testLoss = in.readDouble();
        double testError = in.readDouble();
        List<GroupStats> groups = readGroups(in);
        return new EpochMetrics(epoch, lr, wd, trainLoss, trainError, testLoss, testError, groups, in.readDouble(),
                in.readDouble(), in.readDouble(), in.readDouble());
    }

    /** Length, then the raw IEEE bits (NaN payloads too: a snapshot is the state, whatever it holds). */
    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Float.BYTES * values.length);
        buffer.asFloatBuffer().put(values);
        out.writeInt(values.length);
        out.write(buffer.array());
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        byte[] raw = new byte[Math.multiplyExact(in.readInt(), Float.BYTES)];
        in.readFully(raw);
        float[] values = new float[raw.length / Float.BYTES];
        ByteBuffer.wrap(raw).asFloatBuffer().get(values);
        return values;
    }
}
