package io.mixfarm.jobs.sql;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints a query result as an aligned table, CSV (RFC 4180) or JSON Lines. */
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
                cells[c] = value == null ? (format == Format.CSV ? "" : "NULL") : value.toString();
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
