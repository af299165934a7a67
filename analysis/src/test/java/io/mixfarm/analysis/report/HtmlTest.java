package io.mixfarm.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapesTheFiveXmlSpecialCharacters() {
        assertEquals("A&lt;&amp;&gt;B &quot;q&quot; &#39;s&#39;", Html.escape("A<&>B \"q\" 's'"));
        assertEquals("", Html.escape(null));
    }

    @Test
    void formatsNumbersWithADotAndMarksMissingOnes() {
        assertEquals("0.0123", Html.number(0.012345, 4));
        assertEquals("-0.0010", Html.number(-0.001, 4));
        assertEquals(Html.MISSING, Html.number(Double.NaN, 4));
    }

    @Test
    void smallPValuesKeepTheirDigits() {
        assertEquals("0.043", Html.pValue(0.0432));
        assertEquals("0.001", Html.pValue(0.001));
        assertEquals("9.99e-04", Html.pValue(1.0 / 1001));
        assertEquals(Html.MISSING, Html.pValue(Double.NaN));
    }
}
