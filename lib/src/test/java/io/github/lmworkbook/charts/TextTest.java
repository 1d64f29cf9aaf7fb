package io.github.lmworkbook.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void longLinesBreakAtSpacesWithIndentedContinuations() {
        String line = "dev loss 2.0893 ± 0.0043 (3 seeds); count-based: bigram 2.4625, n = 3 2.1096;"
                + " MLP − best count model: -0.0204";
        String wrapped = Text.wrap(line, 60);
        for (String l : wrapped.split("\n")) assertTrue(l.length() <= 60, l);
        assertEquals(line, wrapped.replace("\n  ", " "), "only spaces became line breaks");
        assertTrue(wrapped.split("\n")[1].startsWith("  ") && !wrapped.split("\n")[1].startsWith("   "));
    }

    @Test
    void shortLinesLineBreaksAndLongWordsStay() {
        assertEquals("short\nlines stay", Text.wrap("short\nlines stay", 20));
        assertEquals("averyveryverylongword\n  x", Text.wrap("averyveryverylongword x", 10));
        assertEquals("", Text.wrap(null, 20));
        assertThrows(IllegalArgumentException.class, () -> Text.wrap("x", 5));
    }
}
