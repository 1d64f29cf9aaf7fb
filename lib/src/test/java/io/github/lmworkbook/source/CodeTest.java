package io.github.lmworkbook.source;

import io.github.lmworkbook.cells.RnnCell;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.models.Mlp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CodeTest {
    @Test
    void showsAMethodWithItsJavadocDedented() {
        String src = Code.source(RnnCell.class, "backward");
        assertTrue(src.startsWith("/** dz = dh_t ⊙ (1 − h_t²);"), src);
        assertTrue(src.contains("@Override\npublic void backward(Step prev, Step t) {"), src);
        assertTrue(src.contains("Whh.grad.addMatmulTransA(prev.h, dz);"), src);
        assertTrue(src.strip().endsWith("}"), src);
        assertFalse(src.contains("public void forward"), "only the member asked for");
    }

    @Test
    void showsSeveralMembersAndFieldsAsHighlightedHtml() {
        String html = Code.show(RnnCell.class, "Whh", "forward", "backward");
        assertTrue(html.startsWith("<div") && html.contains("<pre"), html);
        assertTrue(html.contains("io/github/lmworkbook/cells/RnnCell.java"), html);
        assertTrue(html.matches("(?s).*<pre style=\"[^\"]*font-family:[^\"]*monospace[^\"]*\">.*"),
                "the listing names a monospace font itself (nbconvert's HTML has no code font for it)");
        assertTrue(html.contains("color:#cf222e\">public</span>"), "keywords are highlighted");
        assertTrue(html.contains("h_t = tanh(x_t·W_xh + b + h_{t−1}·W_hh)"), "Javadoc is shown");
        assertTrue(html.contains("&lt;") || !html.contains("<S"), "generics are escaped");
        String both = Code.source(Linear.class, "forward", "backward");
        assertTrue(both.indexOf("public Matrix forward") < both.indexOf("public Matrix backward"), both);
    }

    @Test
    void constructorsAndNestedTypes() {
        assertTrue(Code.source(Mlp.class, "Config").startsWith("/**"));
        assertTrue(Code.source(Mlp.class, "Config").contains("public record Config("));
        assertTrue(Code.source(Linear.class, "Linear").contains("public Linear(String name, int in, int out"));
    }

    @Test
    void anUnknownMemberNamesTheChoices() {
        var e = assertThrows(IllegalArgumentException.class, () -> Code.show(RnnCell.class, "backwards"));
        assertTrue(e.getMessage().contains("RnnCell has no member 'backwards'") && e.getMessage().contains("backward"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Code.show(String.class, "length"));
        assertTrue(e.getMessage().contains("only the library's own classes"), e.getMessage());
    }

    @Test
    void nullArgumentsAreOneLineNotANullPointerException() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Code.show(null, "forward"));
        assertEquals("Code: the class is null; give a class of the library, e.g. Code.show(RnnCell.class, \"forward\")",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Code.source(null, "forward"));
        assertEquals("Code: member name 2 of 2 is null; give the name of a method, field or nested type of RnnCell",
                assertThrows(IllegalArgumentException.class, () -> Code.show(RnnCell.class, "forward", null))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Code.show(RnnCell.class, (String[]) null))
                .getMessage().startsWith("Code: the member names are null"));
    }
}
