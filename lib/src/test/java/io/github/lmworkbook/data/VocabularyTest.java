package io.github.lmworkbook.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class VocabularyTest {
    @Test
    void wordVocabularyHasTheSpecialTokenAtZeroAndSortedCharacters() {
        Vocabulary v = Vocabulary.of(List.of("emma", "olivia", "ava"));
        assertEquals(".aeilmov", v.chars());
        assertEquals(8, v.size());
        assertTrue(v.hasSpecial());
        assertArrayEquals(new int[] {2, 5, 5, 1}, v.encode("emma"));
        assertEquals("emma", v.decode(v.encode("emma")));
        assertEquals(".emma.", v.decode(new int[] {0, 2, 5, 5, 1, 0}));
    }

    @Test
    void textVocabularyHasNoSpecialToken() {
        Vocabulary v = Vocabulary.ofText("to be, or not.\n");
        assertFalse(v.hasSpecial());
        assertEquals("\n ,.benort", v.chars());
        String s = "not to be.";
        assertEquals(s, v.decode(v.encode(s)));
        assertEquals(3, v.encode(".")[0]);
    }

    @Test
    void unknownCharacterNamesTheCharacterItsCodePointAndPosition() {
        Vocabulary v = Vocabulary.of(List.of("emma", "ava"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.encode("emmz"));
        assertTrue(e.getMessage().contains("'z'"), e.getMessage());
        assertTrue(e.getMessage().contains("U+007A"), e.getMessage());
        assertTrue(e.getMessage().contains("position 3"), e.getMessage());
        IllegalArgumentException dot = assertThrows(IllegalArgumentException.class, () -> v.encode("e.a"));
        assertTrue(dot.getMessage().contains("special"), dot.getMessage());
        IllegalArgumentException emoji = assertThrows(IllegalArgumentException.class, () -> v.encode("a\uD83D\uDE00"));
        assertTrue(emoji.getMessage().contains("U+1F600") && emoji.getMessage().contains("position 1"), emoji.getMessage());
    }

    @Test
    void nonAsciiCharactersAreOneTokenEach() {
        Vocabulary v = Vocabulary.ofText("né😀a");
        assertEquals(4, v.size());
        assertArrayEquals(new int[] {0, 2, 3}, v.encode("a\u00e9😀"));
        assertEquals("né😀a", v.decode(v.encode("né😀a")));
    }

    @Test
    void aWordContainingTheSpecialCharacterIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vocabulary.of(List.of("ab", "a.b")));
        assertTrue(e.getMessage().contains("a.b"), e.getMessage());
    }
}
