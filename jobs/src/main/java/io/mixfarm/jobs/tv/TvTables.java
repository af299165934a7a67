package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.TvSummaryRow;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The TV job's output tables: their schemas, rows and the CSV form of the summary. */
final class TvTables {

    /**
     * {@code tv_summary}: one row per (record point, pair, n); one row per (record point, pair) has
     * {@code all_trials}. {@code step} is null in a folder written before record points had steps.
     */
    static final StructType SUMMARY = new StructType()
            .add("epoch", DataTypes.IntegerType, false)
            .add("step", DataTypes.LongType, true)
            .add("a", DataTypes.StringType, false)
            .add("b", DataTypes.StringType, false)
            .add("n", DataTypes.IntegerType, false)
            .add("trials_a", DataTypes.IntegerType, false)
            .add("trials_b", DataTypes.IntegerType, false)
            .add("tv", DataTypes.DoubleType, false)
            .add("tv_random_mean", DataTypes.DoubleType, false)
            .add("tv_random_sd", DataTypes.DoubleType, false)
            .add("baseline", DataTypes.DoubleType, false)
            .add("null_mean", DataTypes.DoubleType, false)
            .add("null_sd", DataTypes.DoubleType, false)
            .add("p_value", DataTypes.DoubleType, false)
            .add("corrected_tv", DataTypes.DoubleType, false)
            .add("ci_low", DataTypes.DoubleType, false)
            .add("ci_high", DataTypes.DoubleType, false)
            .add("all_trials", DataTypes.BooleanType, false)
            .add("p_holm", DataTypes.DoubleType, false)
            .add("diverged_a", DataTypes.IntegerType, false)
            .add("diverged_b", DataTypes.IntegerType, false);

    /** {@code tv_by_image}: one row per (record point, pair, test image), with both schedules' class counts. */
    static final StructType BY_IMAGE = new StructType()
            .add("epoch", DataTypes.IntegerType, false)
            .add("step", DataTypes.LongType, true)
            .add("a", DataTypes.StringType, false)
            .add("b", DataTypes.StringType, false)
            .add("image", DataTypes.IntegerType, false)
            .add("tv", DataTypes.DoubleType, false)
            .add("trials_a", DataTypes.IntegerType, false)
            .add("trials_b", DataTypes.IntegerType, false)
            .add("counts_a", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add("counts_b", DataTypes.createArrayType(DataTypes.IntegerType, false), false);

    private TvTables() {
    }

    static Row summaryRow(TvSummaryRow r) {
        return RowFactory.create(r.epoch(), r.step(), r.a(), r.b(), r.n(), r.trialsA(), r.trialsB(), r.tv(), r.tvRandomMean(),
                r.tvRandomSd(), r.baseline(), r.nullMean(), r.nullSd(), r.pValue(), r.correctedTv(), r.ciLow(),
                r.ciHigh(), r.allTrials(), r.pHolm(), r.divergedA(), r.divergedB());
    }

    static List<Row> byImageRows(PairImages p) {
        int classes = p.classes();
        List<Row> rows = new ArrayList<>(p.tv().length);
        for (int image = 0; image < p.tv().length; image++) {
            rows.add(RowFactory.create(p.epoch(), p.step(), p.a(), p.b(), image, p.tv()[image], p.trialsA(), p.trialsB(),
                    boxed(p.countsA(), image * classes, classes), boxed(p.countsB(), image * classes, classes)));
        }
        return rows;
    }

    private static Integer[] boxed(int[] values, int from, int length) {
        Integer[] out = new Integer[length];
        for (int i = 0; i < length; i++) {
            out[i] = values[from + i];
        }
        return out;
    }

    /** The summary as one CSV file with a header, for spreadsheets and plotting scripts. */
    static void writeCsv(Configuration hadoop, String file, List<TvSummaryRow> summary) {
        Path path = new Path(file);
        try (FileSystem fs = FileSystem.newInstance(path.toUri(), hadoop);
             FSDataOutputStream stream = fs.create(path, true);
             Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8)) {
            writer.write(String.join(",", SUMMARY.fieldNames()) + "\n");
            for (TvSummaryRow r : summary) {
                writer.write(String.join(",", List.of(Integer.toString(r.epoch()),
                        r.step() == null ? "" : Long.toString(r.step()), csv(r.a()), csv(r.b()),
                        Integer.toString(r.n()), Integer.toString(r.trialsA()), Integer.toString(r.trialsB()),
                        num(r.tv()), num(r.tvRandomMean()), num(r.tvRandomSd()), num(r.baseline()),
                        num(r.nullMean()), num(r.nullSd()), num(r.pValue()), num(r.correctedTv()), num(r.ciLow()),
                        num(r.ciHigh()), Boolean.toString(r.allTrials()), num(r.pHolm()),
                        Integer.toString(r.divergedA()), Integer.toString(r.divergedB()))) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String num(double value) {
        return Double.isNaN(value) ? "" : Double.toString(value);
    }

    private static String csv(String text) {
        return text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
}
