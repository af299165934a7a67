package io.mixfarm.jobs.tv;

import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One output table of the TV job, defined once: its name and its columns (name, type, nullability, where the value
 * comes from), in order. Everything else is derived from that list: the Parquet schema, the Parquet rows, the CSV
 * header and lines, and reading rows back (through the row record's canonical constructor, whose components must
 * be the columns in the same order: checked when the table is defined, so a column added to one and not the other
 * fails at once).
 *
 * @param <R> the record a row is, e.g. {@link io.mixfarm.analysis.tv.TvSummaryRow}
 */
public final class TvTable<R extends Record> {

    /** A column's type, and how each format spells and converts it. */
    public enum Type {
        /** A 32-bit integer: Parquet INT32, Spark {@code int}, DuckDB INTEGER. */
        INT(int.class, Integer.class),
        /** A 64-bit integer: Parquet INT64, Spark {@code bigint}. */
        LONG(long.class, Long.class),
        /** A 64-bit float; NaN is a value (an empty field in the CSV). */
        DOUBLE(double.class, Double.class),
        /** UTF-8 text (also an enum's constant: {@link Column#ofEnum}). */
        STRING(String.class, String.class),
        BOOLEAN(boolean.class, Boolean.class),
        /** A list of 32-bit integers (Parquet's standard three-level LIST of required INT32). */
        INT_LIST(int[].class, int[].class);

        private final Class<?> required;
        private final Class<?> nullable;

        Type(Class<?> required, Class<?> nullable) {
            this.required = required;
            this.nullable = nullable;
        }

        /** The Java type of a record component holding this column. */
        Class<?> javaType(boolean isNullable) {
            return isNullable ? nullable : required;
        }

        void addTo(Types.GroupBuilder<MessageType> schema, String name, Repetition repetition) {
            switch (this) {
                case INT -> schema.primitive(PrimitiveTypeName.INT32, repetition).named(name);
                case LONG -> schema.primitive(PrimitiveTypeName.INT64, repetition).named(name);
                case DOUBLE -> schema.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
                case STRING -> schema.primitive(PrimitiveTypeName.BINARY, repetition)
                        .as(LogicalTypeAnnotation.stringType()).named(name);
                case BOOLEAN -> schema.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
                // The layout Spark writes and every current reader expects; "element" and "list" are the spec's names.
                case INT_LIST -> schema.group(repetition).as(LogicalTypeAnnotation.listType())
                        .repeatedGroup().required(PrimitiveTypeName.INT32).named("element").named("list")
                        .named(name);
            }
        }

        void write(Group row, String name, Object value) {
            switch (this) {
                case INT -> row.add(name, (Integer) value);
                case LONG -> row.add(name, (Long) value);
                case DOUBLE -> row.add(name, (Double) value);
                case STRING -> row.add(name, (String) value);
                case BOOLEAN -> row.add(name, (Boolean) value);
                case INT_LIST -> {
                    Group list = row.addGroup(name);
                    for (int element : (int[]) value) {
                        list.addGroup("list").append("element", element);
                    }
                }
            }
        }

        /** The value as a CSV field: NaN and null as an empty field, text quoted where it must be. */
        String csv(Object value) {
            if (value == null) {
                return "";
            }
            return switch (this) {
                case DOUBLE -> ((Double) value).isNaN() ? "" : value.toString();
                case STRING -> quoted((String) value);
                case INT_LIST -> quoted(Arrays.toString((int[]) value).replace(" ", ""));
                case INT, LONG, BOOLEAN -> value.toString();
            };
        }

        /** A value as Spark's {@link Row#get} gives it, as the record component's type. */
        Object fromSpark(Row row, int index) {
            if (row.isNullAt(index)) {
                return null;
            }
            if (this == INT_LIST) {
                return row.<Integer>getList(index).stream().mapToInt(Integer::intValue).toArray();
            }
            return row.get(index);
        }

        private static String quoted(String text) {
            return text.contains(",") || text.contains("\"") || text.contains("\n")
                    ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
        }
    }

    /**
     * One column.
     *
     * @param name       the column's name in every format
     * @param type       how it is stored
     * @param nullable   whether it may be null (then its record component is a boxed type)
     * @param value      the column's value in a row, as stored
     * @param older      what a reader takes for the record component from a table written before the column existed;
     *                   null: such a table is refused, with a line asking to run the TV job again, unless the column
     *                   is nullable (then it reads as null)
     * @param javaType   the type of the record component that holds the column
     * @param fromStored the component's value from the stored one (the identity but for enums)
     */
    public record Column<R>(String name, Type type, boolean nullable, Function<R, Object> value, Object older,
                            Class<?> javaType, Function<Object, Object> fromStored) {

        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(javaType, "javaType");
            Objects.requireNonNull(fromStored, "fromStored");
        }

        /** A column that is never null and that every table written by this version has. */
        public static <R> Column<R> of(String name, Type type, Function<R, Object> value) {
            return new Column<>(name, type, false, value, null, type.javaType(false), stored -> stored);
        }

        /** A column that may be null; tables written before it existed read as null. */
        public static <R> Column<R> ofNullable(String name, Type type, Function<R, Object> value) {
            return new Column<>(name, type, true, value, null, type.javaType(true), stored -> stored);
        }

        /**
         * A column of an enum, stored as its constant's name in lower case (e.g. {@code unpaired}), never null.
         */
        public static <R, E extends Enum<E>> Column<R> ofEnum(String name, Class<E> values, Function<R, E> value) {
            return new Column<>(name, Type.STRING, false, row -> value.apply(row).name().toLowerCase(Locale.ROOT),
                    null, values, stored -> Enum.valueOf(values, ((String) stored).toUpperCase(Locale.ROOT)));
        }

        /** This column, its record component read as {@code olderValue} from tables written before it existed. */
        public Column<R> olderFilesHold(Object olderValue) {
            return new Column<>(name, type, nullable, value, Objects.requireNonNull(olderValue, "olderValue"),
                    javaType, fromStored);
        }
    }

    private final String name;
    private final List<Column<R>> columns;
    private final Constructor<R> constructor;
    private final MessageType schema;

    /**
     * @param name    the table's name: its folder under the output folder, its view in {@code mixfarm sql}
     * @param rows    the record a row is; its components are the columns, in order
     * @param columns the columns, in order
     * @throws IllegalStateException if the record's components are not the columns
     */
    public TvTable(String name, Class<R> rows, List<Column<R>> columns) {
        this.name = Objects.requireNonNull(name, "name");
        this.columns = List.copyOf(columns);
        RecordComponent[] components = rows.getRecordComponents();
        List<String> expected = this.columns.stream().map(c -> c.name() + " " + c.javaType().getSimpleName())
                .toList();
        List<String> found = Arrays.stream(components).map(c -> snakeCase(c.getName()) + " "
                + c.getType().getSimpleName()).toList();
        if (!expected.equals(found)) {
            throw new IllegalStateException("the columns of " + name + " " + expected + " are not the components of "
                    + rows.getName() + " " + found);
        }
        try {
            this.constructor = rows.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("no canonical constructor in " + rows.getName(), e);
        }
        Types.GroupBuilder<MessageType> builder = Types.buildMessage();
        for (Column<R> column : this.columns) {
            column.type().addTo(builder, column.name(), column.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED);
        }
        this.schema = builder.named(name);
    }

    /** The table's name: its folder under the output folder and its view in {@code mixfarm sql}. */
    public String name() {
        return name;
    }

    /** The one Parquet file of the table's folder, for a table written whole on the driver. */
    public String file() {
        return name + ".parquet";
    }

    /** The table's CSV, at the root of the output folder, for spreadsheets and plotting scripts. */
    public String csvFile() {
        return name + ".csv";
    }

    /**
     * The table's rows in an output folder, as written; none if the job that writes it has not run there.
     *
     * @param rerun the command that writes the table again, named when the table lacks a column
     * @throws IllegalArgumentException if the table was written by a mixfarm that lacked a column this one needs
     */
    public List<R> readAll(SparkSession spark, String output, String rerun) {
        String location = output + "/" + name;
        Path path = new Path(location);
        try {
            if (!path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path)) {
                return List.of();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + location, e);
        }
        Dataset<Row> table = spark.read().parquet(location);
        String missing = firstMissing(List.of(table.columns()));
        if (missing != null) {
            throw new IllegalArgumentException(location + " was written by an older mixfarm (no " + missing
                    + " column): run " + rerun + " again");
        }
        return table.collectAsList().stream().map(this::read).toList();
    }

    /** The columns' names, in order. */
    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /** The Parquet schema of the table's files. */
    public MessageType schema() {
        return schema;
    }

    /** The rows as Parquet groups of {@link #schema()}, made one by one as they are read. */
    public Iterable<Group> groups(Iterable<R> rows) {
        SimpleGroupFactory factory = new SimpleGroupFactory(schema);
        return () -> new Iterator<>() {
            private final Iterator<R> source = rows.iterator();

            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public Group next() {
                R row = source.next();
                Group group = factory.newGroup();
                for (Column<R> column : columns) {
                    Object value = column.value().apply(row);
                    if (value != null) { // a null is no value at all in Parquet (a definition level)
                        column.type().write(group, column.name(), value);
                    } else if (!column.nullable()) {
                        throw new IllegalArgumentException(name + "." + column.name() + " is null in " + row);
                    }
                }
                return group;
            }
        };
    }

    /** The CSV header line, without its line end. */
    public String csvHeader() {
        return String.join(",", columnNames());
    }

    /** One row as a CSV line, without its line end. */
    public String csvLine(R row) {
        List<String> fields = new ArrayList<>(columns.size());
        for (Column<R> column : columns) {
            fields.add(column.type().csv(column.value().apply(row)));
        }
        return String.join(",", fields);
    }

    /**
     * The first column a reader of this version needs that a table with these columns lacks (written by an older
     * mixfarm, before the column existed and with no value to assume for it), or null if there is none.
     */
    public String firstMissing(List<String> present) {
        return columns.stream().filter(c -> c.older() == null && !c.nullable() && !present.contains(c.name()))
                .map(Column::name)
                .findFirst().orElse(null);
    }

    /** A row read by Spark from a file of this table, columns found by name; see {@link #firstMissing}. */
    public R read(Row row) {
        List<String> present = Arrays.asList(row.schema().fieldNames());
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            Column<R> column = columns.get(i);
            int index = present.indexOf(column.name());
            if (index < 0 && column.older() == null && !column.nullable()) {
                throw new IllegalArgumentException(name + " has no column " + column.name());
            }
            Object stored = index < 0 ? null : column.type().fromSpark(row, index);
            values[i] = index < 0 ? column.older() : stored == null ? null : column.fromStored().apply(stored);
        }
        try {
            return constructor.newInstance(values);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException("cannot read a row of " + name + " from " + row + ": " + e, e);
        }
    }

    /**
     * The table as CSV: first the provenance, one {@code # key=value} line per entry (a backslash, line feed or
     * carriage return in a value written {@code \\}, {@code \n}, {@code \r}, so each entry is one line), then the
     * header and one line per row. Readers skip the {@code #} lines with DuckDB's {@code comment = '#'}, pandas'
     * {@code comment='#'} or R's {@code comment.char = "#"}; no field of a row may hold a {@code #} (schedule names
     * cannot, see {@link io.mixfarm.jobs.config.ScheduleName}; enum constants and numbers do not).
     */
    public byte[] csv(Iterable<R> rows, Map<String, String> provenance) {
        StringBuilder text = new StringBuilder();
        provenance.forEach((key, value) -> text.append("# ").append(key).append('=').append(value
                .replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")).append('\n'));
        text.append(csvHeader()).append('\n');
        for (R row : rows) {
            text.append(csvLine(row)).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code trialsA} to {@code trials_a}: how a record component names its column. */
    static String snakeCase(String component) {
        return component.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "TvTable[" + name + ": " + csvHeader() + "]";
    }
}
