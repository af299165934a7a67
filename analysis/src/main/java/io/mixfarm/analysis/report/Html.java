package io.mixfarm.analysis.report;

import java.util.Locale;

/** Escaping and number formatting for the report's HTML. */
final class Html {

    /** What a missing (NaN) number shows as. */
    static final String MISSING = "–";

    private Html() {
    }

    /**
     * {@code text} safe inside an element or a quoted attribute, in HTML and in XML alike (the report stays well-formed
     * XML, so only the five XML entities are used).
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code value} with {@code decimals} decimals, {@link #MISSING} when NaN; Locale.ROOT so "." is the separator. */
    static String number(double value, int decimals) {
        if (Double.isNaN(value)) {
            return MISSING;
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "−∞";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** A p-value: three decimals, or three significant digits below 0.001 so that small values do not read as zero. */
    static String pValue(double p) {
        if (Double.isNaN(p)) {
            return MISSING;
        }
        return p >= 0.001 ? String.format(Locale.ROOT, "%.3f", p) : String.format(Locale.ROOT, "%.2e", p);
    }
}
