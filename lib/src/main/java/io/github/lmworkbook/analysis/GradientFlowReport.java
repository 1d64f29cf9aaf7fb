package io.github.lmworkbook.analysis;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.charts.Charts;
import io.github.lmworkbook.charts.LineChart;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;
import tech.tablesaw.io.html.HtmlWriteOptions;
import tech.tablesaw.io.html.HtmlWriter;

/**
 * What {@link GradientFlow#analyze} measured on one trajectory s_0..s_T.
 *
 * <p>Per-step arrays are indexed by the step t = 0..T (length T+1); the distance a gradient has travelled
 * back from the end is k = T − t, and {@link #byDistance} reverses an array into distance order
 * (index k). Quantities of the step Jacobian J_t exist for t = 1..T only; at t = 0 they are NaN.
 *
 * <p>One call each: {@link #table()} (Tablesaw), {@link #html()} (for {@code display(html, "text/html")}),
 * {@link #chart()} (norms against distance on a log axis), {@link #singularValuesChart()} (the spectrum of J_t
 * along the trajectory) and {@link #compareChart} (several reports on one log plot).
 */
public final class GradientFlowReport {
    /** Column names of {@link #table()}. */
    public static final String T_COL = "t", DISTANCE = "distance T−t", LOSS_GRAD = "‖∂L/∂s_t‖",
            PRODUCT_NORM = "‖∂s_T/∂s_t‖", PRODUCT_MIN = "σ_min(∂s_T/∂s_t)", STEP_MAX = "σ_max(J_t)",
            STEP_MIN = "σ_min(J_t)";

    /** The quantity a {@link #compareChart} plots against distance. */
    public enum Quantity {
        /** ‖∂L/∂s_t‖. */
        LOSS_GRADIENT("‖∂L/∂s_t‖"),
        /** ‖∂s_T/∂s_t‖ = σ_max of the Jacobian product. */
        JACOBIAN_PRODUCT("‖∂s_T/∂s_t‖"),
        /** σ_max(J_t) of the step Jacobian. */
        STEP_SIGMA_MAX("σ_max(J_t)");

        final String label;

        Quantity(String label) {
            this.label = label;
        }

        /**
         * The label with the state written as the given symbol: "h" gives ‖∂L/∂h_t‖ for a cell whose state is h.
         *
         * @param state the symbol of the state, e.g. "h" or "s"
         * @return the label
         */
        public String label(String state) {
            return label.replace("s_", state + "_");
        }
    }

    private final int T, S;
    private final Matrix states;           // (T+1) × S, row t = s_t
    private final Matrix lossGradients;    // (T+1) × S, row t = ∂L/∂s_t
    private final double[][] stepSigma;    // (T+1) × S, row t = singular values of J_t, descending (row 0 NaN)
    private final double[][] productSigma; // (T+1) × S, row t = singular values of ∂s_T/∂s_t, descending
    private final double[] lossGradNorm;   // T+1

    GradientFlowReport(Matrix states, Matrix lossGradients, double[][] stepSigma, double[][] productSigma) {
        this.T = states.rows - 1;
        this.S = states.cols;
        this.states = states;
        this.lossGradients = lossGradients;
        this.stepSigma = stepSigma;
        this.productSigma = productSigma;
        this.lossGradNorm = new double[T + 1];
        for (int t = 0; t <= T; t++) {
            double ss = 0;
            for (double v : lossGradients.data[t]) ss += v * v;
            lossGradNorm[t] = Math.sqrt(ss);
        }
    }

    /** {@return T, the number of steps} */
    public int steps() {
        return T;
    }

    /** {@return S, the state size} */
    public int stateSize() {
        return S;
    }

    /**
     * The trajectory, (T+1) × S, row t = s_t (a copy).
     *
     * @return the (T+1) × S states
     */
    public Matrix states() {
        return states.copy();
    }

    /**
     * ∂L/∂s_t for every t, (T+1) × S (a copy).
     *
     * @return the (T+1) × S gradients
     */
    public Matrix lossGradients() {
        return lossGradients.copy();
    }

    /**
     * ‖∂L/∂s_t‖, index t = 0..T.
     *
     * @return ‖∂L/∂s_t‖ for t = 0 … T
     */
    public double[] lossGradientNorms() {
        return lossGradNorm.clone();
    }

    /**
     * ‖∂s_T/∂s_t‖ = σ_max(J_T ⋯ J_{t+1}), index t = 0..T (1 at t = T).
     *
     * @return ‖∂s_T/∂s_t‖ for t = 0 … T
     */
    public double[] jacobianProductNorms() {
        return column(productSigma, 0);
    }

    /**
     * σ_min(J_T ⋯ J_{t+1}), index t = 0..T. Computed in double precision, it is accurate only down to about
     * 1e-16 · σ_max of the same product; below that it is rounding noise.
     *
     * @return σ_min(J_T ⋯ J_{t+1}) for t = 0 … T
     */
    public double[] jacobianProductMinSingularValues() {
        return column(productSigma, S - 1);
    }

    /**
     * All singular values of ∂s_T/∂s_t, largest first; [t][i], t = 0..T.
     *
     * @return the singular values, [t][i]
     */
    public double[][] jacobianProductSingularValues() {
        return deepCopy(productSigma);
    }

    /**
     * All singular values of J_t, largest first; [t][i], t = 0..T (row 0 is NaN).
     *
     * @return the singular values, [t][i]
     */
    public double[][] stepSingularValues() {
        return deepCopy(stepSigma);
    }

    /**
     * σ_max(J_t) = ‖J_t‖, index t (NaN at t = 0).
     *
     * @return σ_max(J_t) for t = 0 … T
     */
    public double[] stepMaxSingularValues() {
        return column(stepSigma, 0);
    }

    /**
     * σ_min(J_t), index t (NaN at t = 0).
     *
     * @return σ_min(J_t) for t = 0 … T
     */
    public double[] stepMinSingularValues() {
        return column(stepSigma, S - 1);
    }

    /**
     * A per-step array (index t = 0..T) reversed into distance order (index k = T − t).
     *
     * @param perStep the values by step t = 0 … T
     * @return the values by distance k = T − t
     */
    public static double[] byDistance(double[] perStep) {
        int n = perStep.length;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = perStep[n - 1 - i];
        return r;
    }

    /**
     * Fit of log ‖∂L/∂s_t‖ against distance k = 1..T. Meaningful for a loss at the end only.
     *
     * @return the fit over k = 1 … T
     */
    public DecayFit lossGradientFit() {
        return lossGradientFit(1, T);
    }

    /**
     * Fit of log ‖∂L/∂s_t‖ against distance k = kMin … kMax.
     *
     * @param kMin the smallest distance fitted
     * @param kMax the largest distance fitted
     * @return the fit
     */
    public DecayFit lossGradientFit(int kMin, int kMax) {
        return DecayFit.of(byDistance(lossGradNorm), kMin, kMax);
    }

    /**
     * Fit of log ‖∂s_T/∂s_t‖ against distance k = 1..T.
     *
     * @return the fit over k = 1 … T
     */
    public DecayFit jacobianProductFit() {
        return jacobianProductFit(1, T);
    }

    /**
     * Fit of log ‖∂s_T/∂s_t‖ against distance k = kMin … kMax.
     *
     * @param kMin the smallest distance fitted
     * @param kMax the largest distance fitted
     * @return the fit
     */
    public DecayFit jacobianProductFit(int kMin, int kMax) {
        return DecayFit.of(byDistance(jacobianProductNorms()), kMin, kMax);
    }

    /**
     * One row per t = 0..T: t, distance, ‖∂L/∂s_t‖, ‖∂s_T/∂s_t‖, σ_min(∂s_T/∂s_t), σ_max(J_t), σ_min(J_t).
     *
     * @return the table, T + 1 rows
     */
    public Table table() {
        int[] t = new int[T + 1], k = new int[T + 1];
        for (int i = 0; i <= T; i++) {
            t[i] = i;
            k[i] = T - i;
        }
        NumberColumnFormatter sci = new NumberColumnFormatter() {        // 1.234e-05; blank for NaN (missing)
            @Override
            public String format(double v) {
                return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3e", v);
            }
        };
        Table table = Table.create("gradient flow", IntColumn.create(T_COL, t), IntColumn.create(DISTANCE, k));
        String[] names = {LOSS_GRAD, PRODUCT_NORM, PRODUCT_MIN, STEP_MAX, STEP_MIN};
        double[][] values = {lossGradNorm, jacobianProductNorms(), jacobianProductMinSingularValues(),
                stepMaxSingularValues(), stepMinSingularValues()};
        for (int c = 0; c < names.length; c++) {
            DoubleColumn col = DoubleColumn.create(names[c], values[c]);
            col.setPrintFormatter(sci);
            table.addColumns(col);
        }
        return table;
    }

    /**
     * The fits and the table as HTML, for {@code display(report.html(), "text/html")}.
     *
     * @return the HTML
     */
    public String html() {
        StringWriter w = new StringWriter();
        w.write("<p>T = " + T + ", state size " + S + ". Fit of log ‖∂s_T/∂s_t‖: " + escape(jacobianProductFit().toString())
                + ".<br>Fit of log ‖∂L/∂s_t‖: " + escape(fitOrNote()) + ".</p>\n");
        new HtmlWriter().write(table(), HtmlWriteOptions.builder(w).build());
        return w.toString();
    }

    private String fitOrNote() {
        try {
            return lossGradientFit().toString();
        } catch (IllegalArgumentException e) {
            return "no fit (" + e.getMessage() + ")";
        }
    }

    /**
     * {@link #chart(double, int, int)} without a bound, at the default size.
     *
     * @return the chart
     */
    public BufferedImage chart() {
        return chart(Double.NaN, Charts.WIDTH, Charts.HEIGHT);
    }

    /**
     * ‖∂L/∂s_t‖ and ‖∂s_T/∂s_t‖ against the distance T − t on a log axis; with a finite {@code boundFactor} q,
     * also the bound q^(T−t) (e.g. q = γ·σ_max(W) for a tanh RNN) as a dashed line.
     *
     * @param boundFactor q, or NaN for no bound
     * @param width the chart's width in pixels
     * @param height the chart's height in pixels
     * @return the chart
     */
    public BufferedImage chart(double boundFactor, int width, int height) {
        LineChart chart = logYChart("Gradient flow back from step T = " + T, "distance T − t", "norm", width, height);
        double[] k = distances();
        chart.add("‖∂s_T/∂s_t‖", k, byDistance(jacobianProductNorms()));
        chart.add("‖∂L/∂s_t‖", k, byDistance(lossGradNorm));
        if (Double.isFinite(boundFactor)) {
            double[] bound = new double[T + 1];
            for (int i = 0; i <= T; i++) bound[i] = Math.pow(boundFactor, i);
            chart.add(String.format(Locale.ROOT, "bound %.3g^(T−t)", boundFactor), k, bound)
                    .dashed().color(Color.GRAY).width(1.5f);
        }
        return chart.image();
    }

    /**
     * The singular values of the step Jacobians along the trajectory: t on x, σ_max(J_t) and σ_min(J_t) in the
     * legend, and (when S ≤ 32) every other singular value as a thin grey line. At the default size.
     *
     * @return the chart
     */
    public BufferedImage singularValuesChart() {
        return singularValuesChart(Charts.WIDTH, Charts.HEIGHT);
    }

    /**
     * {@link #singularValuesChart()} at a given size.
     *
     * @param width the chart's width in pixels
     * @param height the chart's height in pixels
     * @return the chart
     */
    public BufferedImage singularValuesChart(int width, int height) {
        LineChart chart = logYChart("Singular values of the step Jacobians J_t", "step t", "σ(J_t)", width, height);
        double[] t = new double[T];
        for (int i = 0; i < T; i++) t[i] = i + 1;
        chart.add("σ_max(J_t)", t, column(stepSigma, 0, 1));
        chart.add("σ_min(J_t)", t, column(stepSigma, S - 1, 1));
        if (S <= 32) {
            for (int i = 1; i < S - 1; i++) {
                chart.add("σ_" + (i + 1), t, column(stepSigma, i, 1))
                        .hideInLegend().color(new Color(0, 0, 0, 60)).width(0.8f);
            }
        }
        return chart.image();
    }

    /**
     * Several reports on one log plot against distance T − t (one series per entry, in the map's iteration order:
     * pass a LinkedHashMap to fix the order), e.g. tanh maps with σ_max ∈ {0.5, 0.9, 1.5, 3}.
     *
     * @param reports the reports by label
     * @param quantity the quantity plotted
     * @return the chart
     */
    public static BufferedImage compareChart(Map<String, GradientFlowReport> reports, Quantity quantity) {
        return compareChart(reports, quantity, Charts.WIDTH, Charts.HEIGHT);
    }

    /**
     * Several reports on one log plot against distance T − t, each with its bound q^(T−t) as a dashed line of the
     * same colour (bounds: the factor q of each report by its key, e.g. γ·σ_max(W_hh); a report without one has no
     * bound). The y axis reaches three decades above the largest plotted value: a bound that grows beyond runs to
     * the top edge of the plot. {@code state} is the symbol of the
     * state in the labels ("h" for an RNN: ‖∂L/∂h_t‖).
     *
     * @param reports the reports by label
     * @param quantity the quantity plotted
     * @param bounds the factor q of each report's bound, by label
     * @param state the symbol of the state, e.g. "h"
     * @return the chart
     */
    public static BufferedImage compareChart(Map<String, GradientFlowReport> reports, Quantity quantity,
                                             Map<String, Double> bounds, String state) {
        if (reports.isEmpty()) throw new IllegalArgumentException("compare chart: no reports");
        String label = quantity.label(state);
        LineChart chart = logYChart(label + " against T − t; dashed: the bound (γ·σ_max)^(T−t)",
                "distance T − t", label, Charts.WIDTH, Charts.HEIGHT);
        double top = 0, bottom = Double.POSITIVE_INFINITY;
        for (GradientFlowReport r : reports.values()) {
            for (double v : r.values(quantity)) {
                if (Double.isFinite(v) && v > 0) {
                    top = Math.max(top, v);
                    bottom = Math.min(bottom, v);
                }
            }
        }
        // the axis holds the data and three decades above it: a growing bound runs to the top edge and leaves
        // the plot there, instead of setting the scale (3^40 would squash the data into a strip)
        if (bottom < top) chart.yRange(bottom, 1e3 * top);
        int i = 0;
        for (Map.Entry<String, GradientFlowReport> e : reports.entrySet()) {
            Color c = Charts.PALETTE[i++ % Charts.PALETTE.length];
            GradientFlowReport r = e.getValue();
            chart.add(e.getKey(), r.distances(), byDistance(r.values(quantity))).color(c);
            Double q = bounds.get(e.getKey());
            if (q == null) continue;
            double[] bound = new double[r.T + 1];
            for (int k = 0; k <= r.T; k++) bound[k] = Math.pow(q, k);
            chart.add("bound " + e.getKey(), r.distances(), bound).color(c).dashed().width(1.5f).hideInLegend();
        }
        return chart.image();
    }

    private double[] values(Quantity quantity) {
        return switch (quantity) {
            case LOSS_GRADIENT -> lossGradientNorms();
            case JACOBIAN_PRODUCT -> jacobianProductNorms();
            case STEP_SIGMA_MAX -> stepMaxSingularValues();
        };
    }

    /**
     * The mean over the steps t = 1..T of how many singular values of J_t are below v (e.g. 0.01: lost directions).
     *
     * @param v the threshold
     * @return the mean count
     */
    public double meanStepSingularValuesBelow(double v) {
        return meanCount(v, true);
    }

    /**
     * The mean over the steps t = 1..T of how many singular values of J_t are above v (e.g. 1: stretched directions).
     *
     * @param v the threshold
     * @return the mean count
     */
    public double meanStepSingularValuesAbove(double v) {
        return meanCount(v, false);
    }

    private double meanCount(double v, boolean below) {
        double sum = 0;
        int steps = 0;
        for (int t = 1; t <= T; t++) {
            if (Double.isNaN(stepSigma[t][0])) continue;
            for (double s : stepSigma[t]) if (below ? s < v : s > v) sum++;
            steps++;
        }
        return steps == 0 ? Double.NaN : sum / steps;
    }

    /**
     * Several reports on one log plot against distance T − t, at a given size.
     *
     * @param reports the reports by label, plotted in the map's order
     * @param quantity the quantity plotted
     * @param width the chart's width in pixels
     * @param height the chart's height in pixels
     * @return the chart
     */
    public static BufferedImage compareChart(Map<String, GradientFlowReport> reports, Quantity quantity, int width, int height) {
        if (reports.isEmpty()) throw new IllegalArgumentException("compare chart: no reports");
        LineChart chart = logYChart(quantity.label + " against distance", "distance T − t", quantity.label, width, height);
        for (Map.Entry<String, GradientFlowReport> e : reports.entrySet()) {
            GradientFlowReport r = e.getValue();
            chart.add(e.getKey(), r.distances(), byDistance(r.values(quantity)));
        }
        return chart.image();
    }

    /**
     * A log-y line chart; points that are NaN (steps without a spectrum) or 0 (an underflow) are left out, since a log
     * axis cannot show them. Legend inside, bottom left, where the decaying curves leave room.
     */
    private static LineChart logYChart(String title, String xTitle, String yTitle, int width, int height) {
        return Charts.lines(title, xTitle, yTitle).logY().size(width, height).legend(Styler.LegendPosition.InsideSW);
    }

    private double[] distances() {
        double[] k = new double[T + 1];
        for (int i = 0; i <= T; i++) k[i] = i;
        return k;
    }

    private static double[] column(double[][] a, int j) {
        return column(a, j, 0);
    }

    /** a[from..][j] as an array. */
    private static double[] column(double[][] a, int j, int from) {
        double[] c = new double[a.length - from];
        for (int i = from; i < a.length; i++) c[i - from] = a[i][j];
        return c;
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
