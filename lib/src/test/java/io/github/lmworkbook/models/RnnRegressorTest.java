package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.AddingProblem;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class RnnRegressorTest {
    @Test
    void gradientOverWholeSequences() {
        RnnRegressor model = new RnnRegressor(2, 5, new Random(1));
        model.Whh.value.scaleInPlace(2.0); // a livelier recurrence than the default
        AddingProblem.Sequences s = new AddingProblem(9, 2).sample(4);
        double worst = RnnTest.checkAll(model, () -> model.loss(s), () -> model.lossAndGrad(s));
        assertTrue(worst < 1e-7);
    }

    @Test
    void addingProblemHasTwoMarkersOneInEachHalf() {
        AddingProblem.Sequences s = new AddingProblem(10, 3).sample(50);
        assertEquals(10, s.length());
        for (int b = 0; b < 50; b++) {
            int first = -1, second = -1, count = 0;
            double sum = 0;
            for (int t = 0; t < 10; t++) {
                double v = s.x()[t].data[b][0];
                assertTrue(v >= 0 && v < 1);
                if (s.x()[t].data[b][1] == 1) {
                    count++;
                    sum += v;
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
        AddingProblem.Sequences s = new AddingProblem(20, 4).sample(20000);
        double mse = 0;
        for (double y : s.y()) mse += (y - 1) * (y - 1);
        assertEquals(AddingProblem.BASELINE_MSE, mse / 20000, 0.01);
        assertThrows(IllegalArgumentException.class, () -> new AddingProblem(1, 0));
    }

    @Test
    void shapeErrorsNameTheStep() {
        RnnRegressor model = new RnnRegressor(2, 3, new Random(1));
        Matrix[] x = {new Matrix(2, 2), new Matrix(2, 3)};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.forward(x, new double[2]));
        assertTrue(e.getMessage().contains("step 1"), e.getMessage());
    }
}
