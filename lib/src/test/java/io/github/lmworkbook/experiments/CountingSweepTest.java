package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.data.CountingLanguage;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.core.Matrix;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CountingSweepTest {
    /** A model that knows the language: it predicts every determined token right (by reading what it was given). */
    static LanguageModel oracle(CountingLanguage lang) {
        return new LanguageModel() {
            public java.util.List<io.github.lmworkbook.core.Param> params() { return List.of(); }
            public int vocabSize() { return lang.vocabSize(); }
            public double loss(io.github.lmworkbook.data.Batch b) { return 0; }
            public double lossAndGrad(io.github.lmworkbook.data.Batch b) { return 0; }
            public void nextLogits(int[][] context, Matrix logits) { throw new UnsupportedOperationException(); }
            public Generator generator(int B) {
                return new Generator() {
                    final int[] as = new int[B], bs = new int[B];
                    public void reset() { java.util.Arrays.fill(as, 0); java.util.Arrays.fill(bs, 0); }
                    public void next(int[] tokens, Matrix logits) {
                        for (int i = 0; i < B; i++) {
                            if (tokens[i] == 1) as[i]++;
                            if (tokens[i] == 2) bs[i]++;
                            int next = bs[i] == 0 ? 1 : bs[i] < as[i] ? 2 : 0;
                            java.util.Arrays.fill(logits.data[i], 0);
                            logits.data[i][next] = 1;
                        }
                    }
                };
            }
        };
    }

    @Test
    void aModelThatCountsIsScoredPerfectly() {
        CountingLanguage lang = new CountingLanguage(2);
        LanguageModel m = oracle(lang);
        assertEquals(12, CountingSweep.acceptsUpTo(m, lang, 12));
        for (double a : CountingSweep.accuracy(m, lang, 12)) assertEquals(1.0, a, 0.0);
    }

    @Test
    void trainsAndScoresEachCell() {
        var c = new CountingSweep.Config(2, 4, 8, 4, 8, 32, 300, 1e-2, 1.0);
        var res = CountingSweep.run(List.of(CellType.LSTM), new long[] {1}, c);
        var r = res.results();
        assertEquals(8, r.outcome(CellType.LSTM, 1).curve(CountingSweep.ACCURACY)[0].length);
        double up = r.summary(CellType.LSTM, CountingSweep.ACCEPTS).mean();
        assertTrue(up >= 1 && up <= 8, "accepts up to " + up);
        assertEquals(8, res.model(CellType.LSTM, 1).H);
        assertThrows(IllegalArgumentException.class, () -> new CountingSweep.Config(2, 5, 4, 4, 8, 32, 300, 1e-2, 1));
    }
}
