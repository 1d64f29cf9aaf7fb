package io.github.lmworkbook.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SignFlipTaskTest {
    @Test
    void theTargetIsTheLastMarkedValueWithTheSignOfTheFlipsSince() {
        SequenceBatch s = new SignFlipTask(12, 0.2, 0.3, 5).sample(400);
        int T = 12, flipsSeen = 0, resetsSeen = 0;
        double mse0 = 0;
        for (int b = 0; b < 400; b++) {
            double[] first = s.x().data[b * T];
            assertEquals(1.0, first[1], 0.0, "the first step is marked");
            int last = 0;
            for (int t = 0; t < T; t++) if (s.x().data[b * T + t][1] == 1) last = t;
            double want = s.x().data[b * T + last][0];
            for (int t = last + 1; t < T; t++) {
                double[] row = s.x().data[b * T + t];
                assertEquals(0.0, row[1], 0.0);
                if (row[2] == 1) {
                    want = -want;
                    flipsSeen++;
                }
            }
            if (last > 0) resetsSeen++;
            for (int t = 0; t < T; t++) {
                double[] row = s.x().data[b * T + t];
                assertFalse(row[1] == 1 && row[2] == 1, "no flip on a marked step");
                assertTrue(row[0] >= -1 && row[0] < 1);
            }
            assertEquals(want, s.y()[b], 0.0);
            mse0 += want * want;
        }
        assertTrue(flipsSeen > 100 && resetsSeen > 300, flipsSeen + " flips, " + resetsSeen + " later markers");
        assertEquals(SignFlipTask.BASELINE_MSE, mse0 / 400, 0.05);
        assertThrows(IllegalArgumentException.class, () -> new SignFlipTask(1, 0.1, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SignFlipTask(5, 1.5, 0.1, 1));
    }
}
