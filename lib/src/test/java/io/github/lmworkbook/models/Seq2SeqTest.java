package io.github.lmworkbook.models;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.TransductionBatch;
import io.github.lmworkbook.data.TransductionTask;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.train.ModelIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The encoder–decoder, for every cell type and every attention (a new cell is tested here without a line of test
 * code): BPTT through both recurrences and the attention against central differences, the parameter count, teacher
 * forcing against free-running decoding, where the gradient enters the encoder, saving and loading.
 */
class Seq2SeqTest {
    static final int V = 5, M = 3, H = 4;

    static Stream<Arguments> everyCellAndAttention() {
        List<Arguments> out = new ArrayList<>();
        for (CellType c : CellType.values()) for (Seq2Seq.Attention a : Seq2Seq.Attention.values()) out.add(Arguments.of(c, a));
        return out.stream();
    }

    static TransductionBatch randomBatch(Random rng, int B, int S, int T, int Vx, int Vy) {
        int[][] x = new int[B][S], y = new int[B][T];
        for (int b = 0; b < B; b++) {
            for (int s = 0; s < S; s++) x[b][s] = rng.nextInt(Vx);
            for (int t = 0; t < T; t++) y[b][t] = rng.nextInt(Vy);
        }
        return new TransductionBatch(x, y);
    }

    static Seq2Seq model(CellType cell, Seq2Seq.Attention attention, long seed) {
        return new Seq2Seq(new Seq2Seq.Config(cell, V, V + 1, M, H, attention, 3, seed));
    }

    /** Every parameter of both recurrences, the attention and the head; sources and targets of different lengths. */
    @ParameterizedTest
    @MethodSource("everyCellAndAttention")
    void backwardThroughBothRecurrencesPassesTheChecker(CellType cell, Seq2Seq.Attention attention) {
        Random rng = new Random(7);
        Seq2Seq m = model(cell, attention, 3);
        TransductionBatch batch = randomBatch(rng, 3, 5, 4, V, V + 1);
        GradCheckReport r = GradientChecker.builder().samplesPerParam(40).check(m, batch);
        r.assertPassed();
        assertEquals(m.params().size(), r.entries().size());
        // the single-pair batch and a one-symbol source (S = 1, T = 1) too
        GradientChecker.builder().samplesPerParam(20).check(m, randomBatch(rng, 1, 1, 1, V, V + 1)).assertPassed();
    }

    @ParameterizedTest
    @MethodSource("everyCellAndAttention")
    void theParameterCountIsTheConfigsAndTheNamesAreUnique(CellType cell, Seq2Seq.Attention attention) {
        Seq2Seq m = model(cell, attention, 1);
        assertEquals(m.config.numParams(), m.numParams());
        assertEquals(m.params().size(), new HashSet<>(m.params().stream().map(p -> p.name).toList()).size());
        String wx = m.encoderCell.input().W.name;                          // "Wx" ("Wxh" for the RNN)
        assertTrue(m.params().stream().anyMatch(p -> p.name.equals("enc." + wx)), m.params().toString());
        assertTrue(m.params().stream().anyMatch(p -> p.name.equals("dec." + wx)), m.params().toString());
        assertEquals(attention == Seq2Seq.Attention.ADDITIVE,
                m.params().stream().anyMatch(p -> p.name.equals("att.v")));
        assertEquals(attention != Seq2Seq.Attention.NONE, m.params().stream().anyMatch(p -> p.name.equals("Wc")));
    }

    /**
     * Free-running decoding and teacher forcing agree where they must: with the model's own greedy outputs as the
     * targets, teacher forcing reads exactly what decoding fed back, so its most likely symbols are those outputs
     * (accuracy 1 both ways), and the alignments of the two passes are the same.
     */
    @ParameterizedTest
    @MethodSource("everyCellAndAttention")
    void decodingFeedsBackWhatTeacherForcingWouldRead(CellType cell, Seq2Seq.Attention attention) {
        Random rng = new Random(5);
        Seq2Seq m = model(cell, attention, 9);
        TransductionBatch batch = randomBatch(rng, 4, 6, 5, V, V + 1);
        int[][] own = m.decode(batch.source(), 5, new int[4][5]);
        Matrix freeAlignment = attention == Seq2Seq.Attention.NONE ? null : m.alignment(2);
        TransductionBatch self = new TransductionBatch(batch.source(), own);
        Seq2Seq.Accuracy a = m.evaluate(List.of(self));
        assertEquals(1.0, a.tokenTeacherForced());
        assertEquals(1.0, a.sequenceFreeRunning());
        assertEquals(0.0, a.exposureBias());
        if (freeAlignment != null) {
            m.forward(self);
            Matrix forced = m.alignment(2);
            assertEquals(5, forced.rows);
            assertEquals(6, forced.cols);
            for (int t = 0; t < 5; t++) {
                assertArrayEquals(freeAlignment.data[t], forced.data[t], 1e-12);
                assertEquals(1.0, java.util.Arrays.stream(forced.data[t]).sum(), 1e-12);
            }
        } else {
            assertThrows(IllegalStateException.class, () -> m.alignment(0));
        }
    }

    /**
     * Without attention the gradient enters the encoder only through its final state: nothing arrives at any h_s
     * through α (the share the model reports is exactly zero), yet every h_s gets a gradient through the recurrence;
     * with attention a share arrives at every source position directly.
     */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void withoutAttentionTheEncoderHearsOnlyThroughItsFinalState(CellType cell) {
        Random rng = new Random(3);
        TransductionBatch batch = randomBatch(rng, 2, 6, 6, V, V + 1);
        Seq2Seq none = model(cell, Seq2Seq.Attention.NONE, 4), att = model(cell, Seq2Seq.Attention.ADDITIVE, 4);
        none.zeroGrad();
        none.lossAndGrad(batch);
        att.zeroGrad();
        att.lossAndGrad(batch);
        Matrix direct = none.attentionGradientNorms(), directAtt = att.attentionGradientNorms();
        Matrix total = none.sourceStateGradientNorms();
        for (int b = 0; b < 2; b++) {
            for (int s = 0; s < 6; s++) {
                assertEquals(0.0, direct.data[b][s]);
                assertTrue(directAtt.data[b][s] > 0, "attention reaches h_" + (s + 1));
                assertTrue(total.data[b][s] > 0);
            }
        }
    }

    @Test
    void aSavedModelLoadsBackAndPredictsTheSame(@TempDir Path dir) throws Exception {
        Seq2Seq a = model(CellType.GRU, Seq2Seq.Attention.ADDITIVE, 1), b = model(CellType.GRU, Seq2Seq.Attention.ADDITIVE, 2);
        TransductionBatch batch = randomBatch(new Random(1), 3, 4, 4, V, V + 1);
        double la = a.loss(batch);
        assertNotEquals(la, b.loss(batch));
        ModelIO.save(a, dir.resolve("s2s.bin"));
        ModelIO.load(b, dir.resolve("s2s.bin"));
        assertEquals(la, b.loss(batch));
    }

    @Test
    void badInputIsOneLine() {
        Seq2Seq m = model(CellType.RNN, Seq2Seq.Attention.DOT, 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> m.loss(new TransductionBatch(new int[][] {{0, 9}}, new int[][] {{0, 1}})));
        assertTrue(e.getMessage().contains("source symbol 9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> m.loss(new TransductionBatch(new int[][] {{0, 1}}, new int[][] {{0, V + 1}})));
        assertTrue(e.getMessage().contains("target symbol " + (V + 1)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Seq2Seq.Config(CellType.GRU, 0, 3, 2, 2,
                Seq2Seq.Attention.NONE, 0, 1));
        assertEquals(Seq2Seq.Attention.DOT, Seq2Seq.Attention.of(" Dot"));
        e = assertThrows(IllegalArgumentException.class, () -> Seq2Seq.Attention.of("luong"));
        assertTrue(e.getMessage().contains("[none, additive, dot]"), e.getMessage());
    }

    /** The reversal of 5 symbols is learned by the GRU with attention in a few hundred steps. */
    @Test
    void attentionLearnsAShortReversal() {
        TransductionTask task = new TransductionTask(TransductionTask.Kind.REVERSE, 4, 5);
        Seq2Seq m = new Seq2Seq(Seq2Seq.Config.of(CellType.GRU, 4, 8, 16, Seq2Seq.Attention.ADDITIVE, 1));
        var opt = new io.github.lmworkbook.train.AdamW(m, 1e-2, 0.0);
        io.github.lmworkbook.train.Trainer.of(m, opt).data(task.batches(32, 1)).steps(400).clipGradNorm(1.0).quiet()
                .run();
        Seq2Seq.Accuracy a = m.evaluate(task.fixedSet(1, 200, 5, 99));
        assertTrue(a.tokenFreeRunning() > 0.95, a.toString());
        // a whole string right one way is right the other way: the decoder then read the same symbols
        assertEquals(a.sequenceTeacherForced(), a.sequenceFreeRunning());
        assertTrue(a.sequenceFreeRunning() > 0.5 && a.sequenceFreeRunning() < 1, a.toString());
    }
}
