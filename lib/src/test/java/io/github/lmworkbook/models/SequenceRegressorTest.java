package io.github.lmworkbook.models;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RnnCell;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.AddingProblem;
import io.github.lmworkbook.data.SequenceBatch;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class SequenceRegressorTest {
    @ParameterizedTest
    @EnumSource(CellType.class)
    void bpttGradientFromTheLastStepOnly(CellType cell) {
        SequenceRegressor model = new SequenceRegressor(new SequenceRegressor.Config(cell, 2, 5, 1));
        for (var p : model.cell.params()) p.value.scaleInPlace(2.0);   // a livelier recurrence than the default
        SequenceBatch s = new AddingProblem(9, 2).sample(4);
        double worst = RecurrentLMTest.checkAll(model, () -> model.loss(s), () -> model.lossAndGrad(s));
        assertTrue(worst < 1e-7);
        assertEquals(4, model.predictions().rows);
    }

    @Test
    void predictionIsTheReadoutOfTheLastState() {
        SequenceRegressor model = new SequenceRegressor(new SequenceRegressor.Config(CellType.RNN, 2, 3, 5));
        RnnCell cell = (RnnCell) model.cell;
        SequenceBatch s = new AddingProblem(4, 1).sample(2);
        model.loss(s);
        for (int b = 0; b < 2; b++) {
            double[] h = new double[3];
            for (int t = 0; t < 4; t++) {
                double[] x = s.x().data[b * 4 + t], next = new double[3];
                for (int j = 0; j < 3; j++) {
                    double z = cell.b.value.data[0][j];
                    for (int i = 0; i < 2; i++) z += x[i] * cell.Wxh.value.data[i][j];
                    for (int i = 0; i < 3; i++) z += h[i] * cell.Whh.value.data[i][j];
                    next[j] = Math.tanh(z);
                }
                h = next;
            }
            double y = model.readout.b.value.data[0][0];
            for (int j = 0; j < 3; j++) y += h[j] * model.readout.W.value.data[j][0];
            assertEquals(y, model.predictions().data[b][0], 1e-14);
        }
    }

    @Test
    void theTrainerTrainsItOnTheShortAddingProblem() {
        SequenceRegressor model = new SequenceRegressor(new SequenceRegressor.Config(CellType.RNN, 2, 16, 1));
        AddingProblem train = new AddingProblem(6, 1);
        var history = Trainer.of(model, new AdamW(model, 1e-2, 0.0)).data(() -> train.sample(32))
                .clipGradNorm(1.0).steps(600).quiet().run();
        double mse = model.loss(new AddingProblem(6, 99).sample(500));
        assertTrue(mse < 0.2 * AddingProblem.BASELINE_MSE, "test MSE " + mse + " after " + history.size() + " steps");
    }

    @Test
    void addingProblemHasTwoMarkersOneInEachHalf() {
        SequenceBatch s = new AddingProblem(10, 3).sample(50);
        assertEquals(10, s.length());
        for (int b = 0; b < 50; b++) {
            int first = -1, second = -1, count = 0;
            double sum = 0;
            for (int t = 0; t < 10; t++) {
                double[] row = s.x().data[b * 10 + t];        // batch-major: row b·T + t
                assertTrue(row[0] >= 0 && row[0] < 1);
                if (row[1] == 1) {
                    count++;
                    sum += row[0];
                    if (first < 0) first = t; else second = t;
                }
            }
            assertEquals(2, count);
            assertTrue(first < 5 && second >= 5);
            assertEquals(sum, s.y()[b], 0.0);
        }
    }

    @Test
    void predictingOneGivesTheBaseline() {
        SequenceBatch s = new AddingProblem(20, 4).sample(20000);
        double mse = 0;
        for (double y : s.y()) mse += (y - 1) * (y - 1);
        assertEquals(AddingProblem.BASELINE_MSE, mse / 20000, 0.01);
        assertThrows(IllegalArgumentException.class, () -> new AddingProblem(1, 0));
    }

    @Test
    void shapeErrorsAreNamed() {
        SequenceRegressor model = new SequenceRegressor(new SequenceRegressor.Config(CellType.RNN, 2, 3, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.loss(new SequenceBatch(new Matrix(6, 3), 3, new double[2])));
        assertTrue(e.getMessage().contains("(6×3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SequenceBatch(new Matrix(5, 2), 3, new double[2]));
        assertTrue(e.getMessage().contains("5 input rows"), e.getMessage());
    }
}
