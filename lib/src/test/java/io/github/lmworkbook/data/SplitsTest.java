package io.github.lmworkbook.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SplitsTest {
    static List<String> words(int n) {
        List<String> w = new ArrayList<>();
        for (int i = 0; i < n; i++) w.add("w" + i);
        return w;
    }

    @Test
    void eightyTenTenAndAPartition() {
        List<String> words = words(32033);
        Splits s = Splits.of(words, 42);
        assertEquals(25626, s.train().size()); // int(0.8 * 32033)
        assertEquals(3203, s.dev().size());    // int(0.9 * 32033) − 25626
        assertEquals(3204, s.test().size());
        Set<String> all = new HashSet<>(s.train());
        all.addAll(s.dev());
        all.addAll(s.test());
        assertEquals(new HashSet<>(words), all);
        assertNotEquals(words.subList(0, 100), s.train().subList(0, 100), "shuffled");
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        List<String> words = words(1000);
        assertEquals(Splits.of(words, 7), Splits.of(words, 7));
        assertNotEquals(Splits.of(words, 7).train(), Splits.of(words, 8).train());
    }
}
