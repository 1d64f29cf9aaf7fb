package io.github.lmworkbook.analysis;

import io.github.lmworkbook.charts.Charts;

import static org.junit.jupiter.api.Assertions.*;

import io.github.lmworkbook.cells.RecurrentCell;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.cells.RnnCell;
import io.github.lmworkbook.cells.Step;
import io.github.lmworkbook.core.Matrix;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class GradientFlowTest {
    static final int H = 16, D = 4, T = 50;

    static double relErr(double a, double n) {
        return Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));
    }

    static GradientFlowReport toyReport(double sigma, double inputScale, double h0Scale, StateLoss loss) {
        RnnCell cell = Spectra.tanhCell(H, D, sigma, 1);
        return GradientFlow.analyze(cell, Matrix.randn(1, H, h0Scale, new Random(2)),
                Matrix.randn(T, D, inputScale, new Random(3)), loss);
    }

    /** The states s_0 … s_T (T+1 × S) of the cell from s0 over x (T × D), one sequence. */
    static <S extends Step> Matrix run(RecurrentCell<S> cell, Matrix s0, Matrix x) {
        Matrix s = new Matrix(x.rows + 1, cell.stateSize());
        s.data[0] = s0.data[0].clone();
        if (x.rows == 0) return s;
        Recurrence<S> rec = new Recurrence<>(cell, false);
        rec.forward(cell.input().forward(x), x.rows, s0);
        for (int t = 1; t <= x.rows; t++) rec.step(t).state(0, s.data[t]);
        return s;
    }

    /** L as a function of s_t: rerun the cell from s_t over x_{t+1..T} and add up ℓ_t..ℓ_T. */
    static double lossFrom(RecurrentCell<?> map, int t, double[] st, Matrix x, StateLoss loss) {
        int Tn = x.rows;
        Matrix rest = new Matrix(Tn - t, x.cols);
        for (int u = t; u < Tn; u++) System.arraycopy(x.data[u], 0, rest.data[u - t], 0, x.cols);
        Matrix s = run(map, Matrix.row(st), rest);
        double L = 0;
        for (int j = 0; j < s.rows; j++) L += loss.value(t + j, Tn, s.data[j]);
        return L;
    }

    static void assertBackpropMatchesCentralDifferences(StateLoss loss) {
        int h = 6, d = 3, Tn = 8;
        RnnCell map = Spectra.tanhCell(h, d, 1.3, 5);
        Matrix x = Matrix.randn(Tn, d, 1.0, new Random(6));
        GradientFlowReport r = GradientFlow.analyze(map, Matrix.randn(1, h, 0.5, new Random(7)), x, loss);
        Matrix s = r.states(), ds = r.lossGradients();
        // ε = 1e-4, not 1e-5: entries of ∂L/∂s_t far from the loss are ~1e-5 (the gradient vanishes), and the
        // rounding error of the difference quotient, ~1e-16·L/ε, must stay small against them
        double eps = 1e-4, worst = 0;
        for (int t = 0; t <= Tn; t++) {
            for (int j = 0; j < h; j++) {
                double[] sp = s.data[t].clone(), sm = s.data[t].clone();
                sp[j] += eps;
                sm[j] -= eps;
                double num = (lossFrom(map, t, sp, x, loss) - lossFrom(map, t, sm, x, loss)) / (2 * eps);
                worst = Math.max(worst, relErr(ds.data[t][j], num));
            }
        }
        assertTrue(worst <= 1e-7, "worst relative error " + worst);
    }

    @Test
    void backpropagatedGradientMatchesCentralDifferences_lossAtEnd() {
        assertBackpropMatchesCentralDifferences(StateLoss.halfSquaredNormAtEnd());
        assertBackpropMatchesCentralDifferences(StateLoss.randomUnitAtEnd(6, 8));
    }

    @Test
    void backpropagatedGradientMatchesCentralDifferences_lossAtEveryStep() {
        assertBackpropMatchesCentralDifferences(StateLoss.halfSquaredNormEveryStep());
        assertBackpropMatchesCentralDifferences(StateLoss.randomUnitEveryStep(6, 9));
    }

    @Test
    void lossGradientIsJacobianProductTransposeTimesUpstream() {
        // L = g·s_T ⇒ ∂L/∂s_t = (∂s_T/∂s_t)ᵀ g, so ‖∂L/∂s_t‖ ≤ ‖∂s_T/∂s_t‖ (‖g‖ = 1), equality at t = T
        GradientFlowReport r = toyReport(1.5, 1.0, 0.5, StateLoss.randomUnitAtEnd(H, 4));
        double[] gn = r.lossGradientNorms(), pn = r.jacobianProductNorms();
        assertEquals(1.0, gn[T], 1e-12);
        assertEquals(1.0, pn[T], 1e-12);
        for (int t = 0; t <= T; t++) {
            assertTrue(gn[t] <= pn[t] * (1 + 1e-10), "t=" + t + ": " + gn[t] + " > " + pn[t]);
            double[] sv = r.jacobianProductSingularValues()[t];
            assertTrue(gn[t] >= sv[H - 1] * (1 - 1e-10), "t=" + t + ": below σ_min");
        }
    }

    @Test
    void contractiveMapsVanishWithinTheBound() {
        for (double sigma : new double[] {0.5, 0.9}) {
            GradientFlowReport r = toyReport(sigma, 1.0, 0.5, StateLoss.randomUnitAtEnd(H, 4));
            double[] pn = r.jacobianProductNorms(), gn = r.lossGradientNorms(), stepMax = r.stepMaxSingularValues();
            for (int t = 0; t <= T; t++) {
                double bound = Math.pow(sigma, T - t) * (1 + 1e-10);
                assertTrue(pn[t] <= bound, "σ=" + sigma + " t=" + t + ": ‖∂h_T/∂h_t‖ = " + pn[t] + " > " + bound);
                assertTrue(gn[t] <= bound, "σ=" + sigma + " t=" + t + ": ‖∂L/∂h_t‖ = " + gn[t] + " > " + bound);
                if (t >= 1) assertTrue(stepMax[t] <= sigma * (1 + 1e-10), "σ_max(J_t) above σ_max(W)");
            }
            DecayFit fp = r.jacobianProductFit(), fg = r.lossGradientFit();
            assertTrue(fp.factor() <= sigma, "σ=" + sigma + ": fitted factor " + fp);
            assertTrue(fg.factor() <= sigma, "σ=" + sigma + ": fitted factor " + fg);
            assertTrue(fp.rSquared() > 0.9, "σ=" + sigma + ": " + fp);
        }
    }

    @Test
    void expansiveMapNearLinearRegimeDoesNotVanish() {
        // h_0 = 0 and inputs ~1e-9: over 20 steps h stays tiny, J_t ≈ W, and ∂h_T/∂h_t ≈ W^(T−t) grows
        int T = 20;
        RnnCell map = Spectra.tanhCell(H, D, 3.0, 1);
        GradientFlowReport r = GradientFlow.analyze(map, new Matrix(1, H), Matrix.randn(T, D, 1e-9, new Random(3)),
                StateLoss.randomUnitAtEnd(H, 4));
        assertTrue(r.states().maxAbs() < 1e-3, "not in the linear regime: max |h| = " + r.states().maxAbs());
        double atDistance20 = GradientFlowReport.byDistance(r.jacobianProductNorms())[20];
        double bound09 = Math.pow(0.9, 20);
        assertTrue(atDistance20 > 1e4 * bound09, "‖∂h_T/∂h_{T−20}‖ = " + atDistance20 + " vs 0.9^20 = " + bound09);
        assertTrue(GradientFlowReport.byDistance(r.lossGradientNorms())[20] > 1e4 * bound09);
        // in the linear regime the long-run factor is the spectral radius ρ(W) (Gelfand), not σ_max(W)
        double rho = Spectra.spectralRadius(map.Whh.value);
        assertTrue(rho < 3.0);
        assertEquals(rho, r.jacobianProductFit(5, T).factor(), 0.05 * rho, r.jacobianProductFit(5, T) + " vs ρ(W) = " + rho);
    }

    @Test
    void expansiveMapSaturatedVanishesAnyway() {
        // σ_max(W) > 1 is necessary for explosion, not sufficient: inputs of size 1 saturate tanh, 1 − h² → 0
        GradientFlowReport r = toyReport(3.0, 1.0, 0.5, StateLoss.randomUnitAtEnd(H, 4));
        assertTrue(r.jacobianProductFit().factor() < 1.0, r.jacobianProductFit().toString());
        assertTrue(r.jacobianProductNorms()[0] < 1e-2, "‖∂h_T/∂h_0‖ = " + r.jacobianProductNorms()[0]);
    }

    @Test
    void tableHasTheExpectedColumnsAndRows() {
        GradientFlowReport r = toyReport(0.9, 1.0, 0.5, StateLoss.halfSquaredNormAtEnd());
        Table table = r.table();
        assertEquals(List.of(GradientFlowReport.T_COL, GradientFlowReport.DISTANCE, GradientFlowReport.LOSS_GRAD,
                GradientFlowReport.PRODUCT_NORM, GradientFlowReport.PRODUCT_MIN, GradientFlowReport.STEP_MAX,
                GradientFlowReport.STEP_MIN), table.columnNames());
        assertEquals(T + 1, table.rowCount());
        assertEquals(0, table.intColumn(GradientFlowReport.T_COL).get(0));
        assertEquals(T, table.intColumn(GradientFlowReport.DISTANCE).get(0));
        assertEquals(1.0, table.doubleColumn(GradientFlowReport.PRODUCT_NORM).get(T), 1e-12);
        assertTrue(table.doubleColumn(GradientFlowReport.STEP_MAX).isMissing(0));
        assertEquals(r.stepMaxSingularValues()[5], table.doubleColumn(GradientFlowReport.STEP_MAX).get(5), 0.0);
        String html = r.html();
        assertTrue(html.contains("<table") && html.contains("per-step factor"), html.substring(0, Math.min(200, html.length())));
    }

    @Test
    void chartsRenderToNonEmptyImagesOfTheExpectedSize() {
        GradientFlowReport a = toyReport(0.5, 1.0, 0.5, StateLoss.halfSquaredNormAtEnd());
        GradientFlowReport b = toyReport(0.9, 1.0, 0.5, StateLoss.halfSquaredNormAtEnd());
        assertNonEmpty(a.chart(), Charts.WIDTH, Charts.HEIGHT);
        assertNonEmpty(a.chart(0.5, 500, 300), 500, 300);
        assertNonEmpty(a.singularValuesChart(), Charts.WIDTH, Charts.HEIGHT);
        Map<String, GradientFlowReport> m = new LinkedHashMap<>();
        m.put("σ_max = 0.5", a);
        m.put("σ_max = 0.9", b);
        for (GradientFlowReport.Quantity q : GradientFlowReport.Quantity.values()) {
            assertNonEmpty(GradientFlowReport.compareChart(m, q), Charts.WIDTH, Charts.HEIGHT);
        }
        assertNonEmpty(GradientFlowReport.compareChart(m, GradientFlowReport.Quantity.LOSS_GRADIENT,
                Map.of("σ_max = 0.5", 0.5, "σ_max = 0.9", 0.9), "h"), Charts.WIDTH, Charts.HEIGHT);
        assertEquals("‖∂L/∂h_t‖", GradientFlowReport.Quantity.LOSS_GRADIENT.label("h"));
        assertEquals("‖∂h_T/∂h_t‖", GradientFlowReport.Quantity.JACOBIAN_PRODUCT.label("h"));
    }

    static void assertNonEmpty(BufferedImage img, int w, int h) {
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        int first = img.getRGB(0, 0), differing = 0;
        for (int y = 0; y < h; y += 3) for (int x = 0; x < w; x += 3) if (img.getRGB(x, y) != first) differing++;
        assertTrue(differing > 500, "image looks blank: " + differing + " differing pixels");
    }

    @Test
    void countsOfStepSingularValuesAreMeansOverTheSteps() {
        GradientFlowReport r = toyReport(0.9, 1.0, 0.5, StateLoss.halfSquaredNormAtEnd());
        double[][] s = r.stepSingularValues();
        double below = 0, above = 0;
        for (int t = 1; t < s.length; t++) {
            for (double v : s[t]) {
                if (v < 0.3) below++;
                if (v > 0.6) above++;
            }
        }
        assertEquals(below / (s.length - 1), r.meanStepSingularValuesBelow(0.3), 1e-12);
        assertEquals(above / (s.length - 1), r.meanStepSingularValuesAbove(0.6), 1e-12);
        assertEquals(0.0, r.meanStepSingularValuesAbove(0.9 + 1e-9), 0.0, "‖J_t‖ ≤ σ_max(W) = 0.9");
    }

    @Test
    void sameSeedSameReport() {
        GradientFlowReport a = toyReport(0.9, 1.0, 0.5, StateLoss.randomUnitEveryStep(H, 3));
        GradientFlowReport b = toyReport(0.9, 1.0, 0.5, StateLoss.randomUnitEveryStep(H, 3));
        assertArrayEquals(a.lossGradientNorms(), b.lossGradientNorms(), 0.0);
        assertArrayEquals(a.jacobianProductNorms(), b.jacobianProductNorms(), 0.0);
        assertArrayEquals(a.stepMinSingularValues(), b.stepMinSingularValues(), 0.0);
    }

    @Test
    void decayFitRecoversAnExactExponential() {
        double[] y = new double[30];
        for (int k = 0; k < y.length; k++) y[k] = 2.0 * Math.pow(0.7, k);
        y[29] = 0.0;                                                   // an underflow is skipped
        DecayFit f = DecayFit.of(y, 0, 29);
        assertEquals(0.7, f.factor(), 1e-12);
        assertEquals(Math.log(2.0), f.intercept(), 1e-12);
        assertEquals(1.0, f.rSquared(), 1e-12);
        assertEquals(29, f.points());
        assertThrows(IllegalArgumentException.class, () -> DecayFit.of(y, 5, 40));
        assertThrows(IllegalArgumentException.class, () -> DecayFit.of(new double[] {1, 0, 0}, 0, 2));
    }

    @Test
    void spectraEveryFewStepsAgreeWithTheFullAnalysis() {
        RnnCell map = Spectra.tanhCell(H, D, 0.9, 1);
        Matrix h0 = Matrix.randn(1, H, 0.5, new Random(2)), x = Matrix.randn(T, D, 1.0, new Random(3));
        GradientFlowReport full = GradientFlow.analyze(map, h0, x, StateLoss.halfSquaredNormAtEnd());
        GradientFlowReport sparse = GradientFlow.analyze(map, h0, x, StateLoss.halfSquaredNormAtEnd(), 5);
        assertArrayEquals(full.lossGradientNorms(), sparse.lossGradientNorms(), 0.0);
        double[] pf = full.jacobianProductNorms(), ps = sparse.jacobianProductNorms();
        double[] sf = full.stepMaxSingularValues(), ss = sparse.stepMaxSingularValues();
        for (int t = 0; t <= T; t++) {
            if ((T - t) % 5 == 0) {
                assertEquals(pf[t], ps[t], 0.0);
                if (t >= 1) assertEquals(sf[t], ss[t], 0.0);
            } else {
                assertTrue(Double.isNaN(ps[t]) && Double.isNaN(ss[t]), "t=" + t);
            }
        }
        assertEquals(T / 5, sparse.jacobianProductFit().points());
        assertEquals(full.jacobianProductFit().factor(), sparse.jacobianProductFit().factor(), 0.05);
        assertNonEmpty(sparse.chart(), Charts.WIDTH, Charts.HEIGHT);
        assertNonEmpty(sparse.singularValuesChart(), Charts.WIDTH, Charts.HEIGHT);
        assertEquals(T + 1, sparse.table().rowCount());
    }

    @Test
    void badShapesAreReported() {
        RnnCell map = Spectra.tanhCell(4, 2, 0.9, 1);
        assertThrows(IllegalArgumentException.class, () -> GradientFlow.analyze(map, new Matrix(1, 5), new Matrix(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> GradientFlow.analyze(map, new Matrix(1, 4), new Matrix(3, 3)));
        assertThrows(IllegalArgumentException.class, () -> GradientFlow.analyze(map, new Matrix(1, 4), new Matrix(0, 2)));
    }

    @Test
    void stepJacobianOfTheRnnCellIsDiagOneMinusHSquaredTimesWhhTransposed() {
        RnnCell cell = new RnnCell(3, 5, 0.8, new Random(4));
        Matrix s0 = Matrix.randn(1, 5, 0.5, new Random(5)), x = Matrix.randn(4, 3, 1.0, new Random(6));
        Matrix s = run(cell, s0, x);
        for (int t = 1; t <= 4; t++) {
            Matrix J = GradientFlow.stepJacobian(cell, s0, x, t);
            for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) {
                double h = s.data[t][i];
                assertEquals((1 - h * h) * cell.Whh.value.data[j][i], J.data[i][j], 1e-15, "t=" + t);
            }
        }
        Matrix[] all = GradientFlow.stepJacobians(cell, s0, x);   // one pass: the same matrices
        assertEquals(5, all.length);
        for (int t = 1; t <= 4; t++) {
            assertArrayEquals(GradientFlow.stepJacobian(cell, s0, x, t).data[2], all[t].data[2], 0.0, "t=" + t);
        }
        assertThrows(IllegalArgumentException.class, () -> GradientFlow.stepJacobian(cell, s0, x, 5));
        // the analysis leaves the weights' gradients as they were
        cell.Whh.grad.fill(0.25);
        GradientFlow.analyze(cell, s0, x);
        GradientFlow.stepJacobian(cell, s0, x, 2);
        GradientFlow.stepJacobians(cell, s0, x);
        assertEquals(0.25 * 25, cell.Whh.grad.sum(), 1e-12);
        assertEquals(0.0, cell.Wxh.grad.maxAbs(), 0.0);
    }

    @Test
    void spectraOfTheToyCell() {
        RnnCell a = Spectra.tanhCell(12, 3, 1.7, 9), b = Spectra.tanhCell(12, 3, 1.7, 9);
        assertEquals(1.7, Spectra.sigmaMax(a.Whh.value), 1e-12);
        double rhoA = Spectra.spectralRadius(a.Whh.value);             // ρ(cW) = c·ρ(W), also for a tiny c
        assertTrue(rhoA > 0 && rhoA <= 1.7 + 1e-12, "rho " + rhoA);
        assertEquals(1e-9 * rhoA, Spectra.spectralRadius(a.Whh.value.copy().scaleInPlace(1e-9)), 1e-18 * rhoA);
        assertEquals(0.0, Spectra.spectralRadius(new Matrix(4, 4)), 0.0);
        assertArrayEquals(a.Whh.value.data[3], b.Whh.value.data[3], 0.0);
        assertEquals(0.0, a.b.value.maxAbs(), 0.0);
        double rho = Spectra.spectralRadius(a.Whh.value);
        assertTrue(rho > 0 && rho < 1.7, "ρ = " + rho);
        RnnCell c = Spectra.withSigmaMax(a, 0.5);
        assertEquals(0.5, Spectra.sigmaMax(c.Whh.value), 1e-12);
        assertEquals(1.7, Spectra.sigmaMax(a.Whh.value), 1e-12);          // the original is untouched
        assertArrayEquals(a.Wxh.value.data[1], c.Wxh.value.data[1], 0.0);
        assertThrows(IllegalArgumentException.class, () -> Spectra.withSigmaMax(a, -1));
        assertThrows(IllegalArgumentException.class, () -> Spectra.spectralRadius(new Matrix(2, 3)));
    }
}
