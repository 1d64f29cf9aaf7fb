package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.RecurrentLM;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GradientFlowSweepTest {
    static final String TEXT = "the quick brown fox jumps over the lazy dog. ".repeat(40);

    @Test
    void trainsEachCellAndMeasuresTheGradientThroughHAndC() {
        Vocabulary v = Vocabulary.ofText(TEXT);
        TextDataset[] parts = new TextDataset(TEXT, v).splitAt(0.9);
        List<Batch> dev = new ArrayList<>();
        parts[1].inOrder(4, 16).forEach(dev::add);
        int[] passage = java.util.Arrays.copyOfRange(parts[1].tokens(), 0, 30);
        var c = new GradientFlowSweep.Config(8, 12, 8, 16, 60, 1e-2, 1.0, 30);
        var res = GradientFlowSweep.run(List.of(CellType.RNN, CellType.LSTM), new long[] {1, 2}, parts[0], dev,
                passage, c);
        SeedResults<CellType> r = res.results();
        for (CellType cell : List.of(CellType.RNN, CellType.LSTM)) {
            double[] devLoss = r.values(cell, GradientFlowSweep.DEV);
            for (double d : devLoss) assertTrue(d < Math.log(v.size()), cell + " learns something: " + d);
            double[][] gh = r.outcome(cell, 1).curve(GradientFlowSweep.GRAD_H);
            assertEquals(31, gh[0].length);                            // distances 0 … 30
            assertEquals(1.0, gh[1][0], 1e-12, "‖∂L/∂h_T‖ = ‖u‖ = 1");
            double f = r.summary(cell, GradientFlowSweep.FIT_H).mean();
            assertTrue(f > 0 && f < 1.5, cell + " factor " + f);
            assertEquals(12, res.model(cell, 2).H);
        }
        assertTrue(Double.isNaN(r.summary(CellType.RNN, GradientFlowSweep.FIT_C).mean()));
        double[][] gc = r.outcome(CellType.LSTM, 1).curve(GradientFlowSweep.GRAD_C);
        assertEquals(0.0, gc[1][0], "the loss reads h_T only");
        assertTrue(gc[1][1] > 0);
        assertInstanceOf(LstmCell.class, res.model(CellType.LSTM, 1).cell);
        assertThrows(IllegalArgumentException.class, () -> res.model(CellType.LSTM, 7));
    }

    @Test
    void theFlowOfAnLstmWithFEqualToOneKeepsTheCellPath() {
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(5, CellType.LSTM, 3, 4, false, 1));
        LstmCell cell = (LstmCell) m.cell;
        cell.Wh.value.zero();                                          // gates from x and b only
        cell.setForgetBias(60);                                        // f = 1
        double[][] g = GradientFlowSweep.flow(m, new int[] {1, 2, 3, 4, 0, 1, 2, 3});
        for (int k = 2; k < g[1].length; k++) assertEquals(g[1][1], g[1][k], 1e-15, "‖∂L/∂c_t‖ at distance " + k);
    }
}
