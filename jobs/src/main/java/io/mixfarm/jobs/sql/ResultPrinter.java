package io.mixfarm.jobs.sql;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.jdk.javaapi.CollectionConverters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Prints a query result as an aligned table, CSV (RFC 4180) or JSON Lines. Arrays, maps and structs print as plain
 * JSON-like values ({@code [1,3,0]}, {@code {"a":1}}), never as Scala's {@code ArraySeq(1, 3, 0)}.
 */
public final class ResultPrinter {

    /** Output formats of {@code mixfarm sql}. */
    public enum Format { TABLE, CSV, JSON }

    private ResultPrinter() {
    }

    /** Prints every row of {@code result}. */
    public static void print(Dataset<Row> result, Format format, PrintWriter out) {
        if (format == Format.JSON) {
            result.toJSON().collectAsList().forEach(out::println);
            out.flush();
            return;
        }
        String[] columns = result.columns();
        List<String[]> rows = new ArrayList<>();
        for (Row row : result.collectAsList()) {
            String[] cells = new String[columns.length];
            for (int c = 0; c < columns.length; c++) {
                Object value = row.get(c);
                cells[c] = value == null ? (format == Format.CSV ? "" : "NULL") : plain(value, false);
            }
            rows.add(cells);
        }
        if (format == Format.CSV) {
            out.println(csvLine(columns));
            rows.forEach(cells -> out.println(csvLine(cells)));
        } else {
            table(columns, rows, out);
        }
        out.flush();
    }

    /**
     * A cell's text: Spark hands array, map and struct columns over as Scala collections and rows, whose
     * {@code toString} is Scala's; nested strings are quoted so that {@code ["a,b","c"]} stays readable.
     */
    private static String plain(Object value, boolean nested) {
        if (value == null) {
            return "null";
        }
        if (value instanceof scala.collection.Seq<?> seq) {
            StringJoiner items = new StringJoiner(",", "[", "]");
            CollectionConverters.asJava(seq).forEach(item -> items.add(plain(item, true)));
            return items.toString();
        }
        if (value instanceof scala.collection.Map<?, ?> map) {
            StringJoiner entries = new StringJoiner(",", "{", "}");
            CollectionConverters.asJava(map).forEach((k, v) -> entries.add(plain(k, true) + ":" + plain(v, true)));
            return entries.toString();
        }
        if (value instanceof Row struct) {
            StringJoiner fields = new StringJoiner(",", "{", "}");
            String[] names = struct.schema() == null ? null : struct.schema().fieldNames();
            for (int i = 0; i < struct.length(); i++) {
                String name = names == null ? "_" + (i + 1) : names[i];
                fields.add(quoted(name) + ":" + plain(struct.get(i), true));
            }
            return fields.toString();
        }
        if (nested && (value instanceof String || value instanceof java.sql.Date || value instanceof java.sql.Timestamp
                || value instanceof java.time.temporal.Temporal)) {
            return quoted(value.toString());
        }
        return value.toString();
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void table(String[] columns, List<String[]> rows, PrintWriter out) {
        int[] widths = new int[columns.length];
        for (int c = 0; c < columns.length; c++) {
            widths[c] = columns[c].length();
            for (String[] cells : rows) {
                widths[c] = Math.max(widths[c], cells[c].length());
            }
        }
        out.println(line(columns, widths));
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < columns.length; c++) {
            rule.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
        }
        out.println(rule);
        rows.forEach(cells -> out.println(line(cells, widths)));
        out.printf("(%d row%s)%n", rows.size(), rows.size() == 1 ? "" : "s");
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            text.append(c == 0 ? "" : " | ").append(String.format("%-" + widths[c] + "s", cells[c]));
        }
        return text.toString().stripTrailing();
    }

    private static String csvLine(String[] cells) {
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String cell = cells[c];
            boolean quote = cell.contains(",") || cell.contains("\"") || cell.contains("\n");
            text.append(c == 0 ? "" : ",").append(quote ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell);
        }
        return text.toString();
    }
}
