package io.github.lmworkbook.experiments;

import io.github.lmworkbook.analysis.GradientFlow;
import io.github.lmworkbook.analysis.GradientFlowReport;
import io.github.lmworkbook.analysis.Spectra;
import io.github.lmworkbook.analysis.StateLoss;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RnnCell;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.models.RecurrentLM;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class RnnMechanismTest {
    /** A cell whose inputs drive some units into saturation: W_xh large, W_hh of σ_max 2. */
    static RnnCell saturating() {
        RnnCell c = new RnnCell(3, 6, 1.0, new Random(4));
        c.Wxh.value.scaleInPlace(3.0);
        return Spectra.withSigmaMax(c, 2.0);
    }

    @Test
    void theCountsAreThoseOfTheSingularValuesOfTheStepJacobiansByBackward() {
        RnnCell cell = saturating();
        Matrix x = Matrix.randn(12, 3, 1.0, new Random(5));
        Map<String, Double> m = RnnMechanism.measure(cell, x);
        GradientFlowReport rep = GradientFlow.analyze(cell, new Matrix(1, 6), x, StateLoss.randomUnitAtEnd(6, 1));
        double[][] h = rep.states().data;
        double below = 0, above = 0, slope = 0, low = 0;
        for (int t = 1; t <= 12; t++) {
            for (int i = 0; i < 6; i++) {
                double d = 1 - h[t][i] * h[t][i];
                slope += d / 72;
                if (d < 0.01) low += 100.0 / 72;
            }
            Matrix J = GradientFlow.stepJacobian(cell, new Matrix(1, 6), x, t);   // by the cell's backward
            for (double s : Spectra.singularValues(J)) {
                if (s < 0.01) below += 1.0 / 12;
                if (s > 1) above += 1.0 / 12;
            }
        }
        assertEquals(below, m.get(RnnMechanism.BELOW), 1e-12);
        assertEquals(above, m.get(RnnMechanism.ABOVE), 1e-12);
        assertEquals(slope, m.get(RnnMechanism.SLOPE), 1e-12);
        assertEquals(low, m.get(RnnMechanism.SATURATED), 1e-9);
        assertTrue(low > 0 && above > 0, "the example saturates and stretches: " + m);
        assertEquals(2.0, m.get(RnnMechanism.SIGMA), 1e-9);
        assertEquals(m.get(RnnMechanism.RHO) / 2.0, m.get(RnnMechanism.RHO_RATIO), 1e-12);
        assertEquals(rep.lossGradientFit().factor(), m.get(RnnMechanism.FACTOR), 1e-12);
    }

    @Test
    void inTheLinearRegimeTheFactorIsTheSpectralRadiusAndWithoutRecurrenceEveryDirectionIsLost() {
        RnnCell toy = Spectra.tanhCell(16, 2, 0.9, 3);
        Matrix tiny = Matrix.randn(30, 2, 1e-12, new Random(6));
        Map<String, Double> lin = RnnMechanism.measure(toy, tiny);
        assertEquals(1.0, lin.get(RnnMechanism.SLOPE), 1e-9);
        assertEquals(0.0, lin.get(RnnMechanism.SATURATED));
        double rho = lin.get(RnnMechanism.RHO);
        assertEquals(rho, lin.get(RnnMechanism.FACTOR), 0.1 * rho, "factor ≈ ρ(W): " + lin);

        Map<String, RnnCell> v = RnnMechanism.variants(saturating(), 0.5, 3.0);
        assertEquals(List.of("σ_max = 0.5", "σ_max = 3.0", RnnMechanism.TRAINED, RnnMechanism.NO_RECURRENCE),
                List.copyOf(v.keySet()));
        assertEquals(3.0, Spectra.sigmaMax(v.get("σ_max = 3.0").Whh.value), 1e-9);
        Map<String, Double> none = RnnMechanism.measure(v.get(RnnMechanism.NO_RECURRENCE),
                Matrix.randn(10, 3, 1.0, new Random(7)));
        assertEquals(6.0, none.get(RnnMechanism.BELOW), 1e-12, "every singular value of J_t below 0.01");
        assertEquals(0.0, none.get(RnnMechanism.ABOVE));
        assertEquals(Spectra.spectralRadius(v.get(RnnMechanism.TRAINED).Whh.value) / 2.0 * RnnMechanism.NEAR_ZERO,
                none.get(RnnMechanism.RHO), 1e-12 * RnnMechanism.NEAR_ZERO, "ρ of W_hh ≈ 0, scaled back");
        assertTrue(none.get(RnnMechanism.FACTOR) < 1e-6, "the gradient does not travel back: " + none);
    }

    @Test
    void runPoolsModelsAndPassagesAndTablesEveryVariant() {
        Map<Long, RecurrentLM> models = new LinkedHashMap<>();
        for (long seed : new long[] {1, 2}) {
            models.put(seed, new RecurrentLM(new RecurrentLM.Config(5, CellType.RNN, 3, 4, false, seed)));
        }
        int[][] passages = {{0, 1, 2, 3, 4, 0, 1}, {4, 4, 3, 2, 1, 0, 2, 2}, {1, 3, 1, 3, 1}};
        RnnMechanism.Result r = RnnMechanism.run(models, passages, 0.5, 1.5);
        assertEquals(List.of("σ_max = 0.5", "σ_max = 1.5", "trained", "W_hh ≈ 0"), r.variants());
        Summary slope = r.pooled("trained", RnnMechanism.SLOPE);
        assertEquals(6, slope.n(), "2 models × 3 passages");
        double sum = 0;
        for (long seed : new long[] {1, 2}) {
            RecurrentLM m = models.get(seed);
            for (int[] p : passages) sum += RnnMechanism.measure((RnnCell) m.cell, m.embed(p)).get(RnnMechanism.SLOPE);
        }
        assertEquals(sum / 6, slope.mean(), 1e-12);
        Summary sigma = r.pooled("σ_max = 1.5", RnnMechanism.SIGMA);
        assertEquals(2, sigma.n(), "a property of W_hh: one value per model");
        assertEquals(1.5, sigma.mean(), 1e-9);
        assertTrue(Double.isNaN(r.pooled("W_hh ≈ 0", RnnMechanism.FACTOR).mean()));
        Table t = r.table("mechanism");
        assertEquals(4, t.rowCount());
        assertEquals(1 + RnnMechanism.METRICS.size(), t.columnCount());
        assertEquals("—", t.stringColumn(RnnMechanism.FACTOR).get(3));
        assertEquals("1.500", t.stringColumn(RnnMechanism.SIGMA).get(1), "no spread: the value alone");
        assertEquals(r.pooled("trained", RnnMechanism.SLOPE).meanPlusMinus(),
                t.stringColumn(RnnMechanism.SLOPE).get(2));
        assertEquals("1.0e-09 ± 2.1e-25", RnnMechanism.Result.format(new Summary(2, 1e-9, 2.1e-25, 1e-9, 1e-9)));
        assertTrue(r.line("trained").startsWith("trained: σ_max "), r.line("trained"));
        assertTrue(r.line("W_hh ≈ 0").endsWith("fitted factor —"), r.line("W_hh ≈ 0"));

        RecurrentLM gru = new RecurrentLM(new RecurrentLM.Config(5, CellType.GRU, 3, 4, false, 1));
        assertThrows(IllegalArgumentException.class, () -> RnnMechanism.run(Map.of(1L, gru), passages, 1.0));
        assertThrows(IllegalArgumentException.class, () -> RnnMechanism.run(models, new int[][] {{1, 2}}, 1.0));
    }
}
