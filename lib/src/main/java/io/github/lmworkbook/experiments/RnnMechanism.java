package io.github.lmworkbook.experiments;

import io.github.lmworkbook.analysis.GradientFlow;
import io.github.lmworkbook.analysis.GradientFlowReport;
import io.github.lmworkbook.analysis.Spectra;
import io.github.lmworkbook.analysis.StateLoss;
import io.github.lmworkbook.cells.RnnCell;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.models.RecurrentLM;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why the gradient of a trained RNN decays, measured over several trained models and several passages: for each
 * model, variants of its recurrence (W_hh rescaled to several σ_max, the trained W_hh itself, and W_hh ≈ 0 — no
 * recurrence, the control that shows what the inputs alone do), run from h_0 = 0 over each passage, with the loss
 * L = u·h_T (u a fixed random unit vector) sent back through time ({@link GradientFlow}). Per variant:
 * <pre>
 *   σ_max, ρ, ρ/σ_max          of W_hh (properties of the weights, not of the passage)
 *   mean 1 − h², share &lt; 0.01  the tanh derivatives along the passage, and the saturated share (%)
 *   σ(J_t) &lt; 0.01, σ(J_t) &gt; 1  how many singular values of a step Jacobian J_t = diag(1 − h_t²)·W_hhᵀ are
 *                            below 0.01 (directions a step wipes out) and above 1 (directions it stretches),
 *                            mean over t; counted as the eigenvalues of J_tᵀJ_t below 10⁻⁴ and above 1 (a
 *                            symmetric eigen-decomposition, several times faster than an SVD)
 *   fitted factor             the per-step factor of ‖∂L/∂h_t‖ against T − t (in {@link #run}, NaN for the
 *                            control W_hh ≈ 0, whose gradient does not travel back at all)
 * </pre>
 * The per-model numbers go through {@link Seeds} (one condition per variant, the seeds are the models'), so every
 * variant gets a progress line; the passage-dependent numbers keep one value per passage, so that their spread is
 * over models × passages ({@link Result#pooled}).
 */
public final class RnnMechanism {
    private RnnMechanism() {}

    /** Metric names. */
    public static final String SIGMA = "σ_max", RHO = "ρ", RHO_RATIO = "ρ / σ_max", SLOPE = "mean 1 − h²",
            SATURATED = "1 − h² < 0.01 (%)", BELOW = "σ(J_t) < 0.01", ABOVE = "σ(J_t) > 1",
            FACTOR = "fitted factor";

    /** The metrics in the order of the table; the first three are properties of W_hh, the others of a passage. */
    public static final List<String> METRICS = List.of(SIGMA, RHO, RHO_RATIO, SLOPE, SATURATED, BELOW, ABOVE,
            FACTOR);

    /** The names of the two variants that are not rescalings. */
    public static final String TRAINED = "trained", NO_RECURRENCE = "W_hh ≈ 0";

    /** The σ_max of the no-recurrence control: W_hh scaled down to nothing, the input weights kept. */
    public static final double NEAR_ZERO = 1e-9;

    /**
     * The label of a rescaled variant, e.g. "σ_max = 1.5".
     *
     * @param sigmaMax σ_max
     * @return the label
     */
    public static String rescaled(double sigmaMax) {
        return "σ_max = " + sigmaMax;
    }

    /**
     * The variants of a trained cell, in table order: each rescaling, the trained cell, the control.
     *
     * @param trained the trained cell
     * @param sigmaMax the rescalings of W_hh
     * @return the variants by label
     */
    public static Map<String, RnnCell> variants(RnnCell trained, double... sigmaMax) {
        Map<String, RnnCell> out = new LinkedHashMap<>();
        for (double s : sigmaMax) out.put(rescaled(s), Spectra.withSigmaMax(trained, s));
        out.put(TRAINED, trained);
        out.put(NO_RECURRENCE, Spectra.withSigmaMax(trained, NEAR_ZERO));
        return out;
    }

    /**
     * The numbers of one cell along one passage: x (T × m) its inputs, h_0 = 0, L = u·h_T with u the random unit
     * vector of seed 1. Every metric of {@link #METRICS}.
     *
     * @param cell the cell
     * @param x the inputs (T × m)
     * @return the metrics by name
     */
    public static Map<String, Double> measure(RnnCell cell, Matrix x) {
        Map<String, Double> m = weights(cell);
        m.putAll(alongPassage(cell, x));
        return m;
    }

    /** σ_max, ρ and ρ/σ_max of the cell's W_hh. */
    static Map<String, Double> weights(RnnCell cell) {
        Matrix W = cell.Whh.value;
        double sigma = Spectra.sigmaMax(W);
        double rho = Spectra.spectralRadius(W);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(SIGMA, sigma);
        m.put(RHO, rho);
        m.put(RHO_RATIO, rho / sigma);
        return m;
    }

    /** The tanh derivatives, the step Jacobians' singular values and the fitted factor along one passage. */
    static Map<String, Double> alongPassage(RnnCell cell, Matrix x) {
        int H = cell.stateSize();
        GradientFlowReport rep = GradientFlow.analyze(cell, new Matrix(1, H), x, StateLoss.randomUnitAtEnd(H, 1),
                x.rows + 1);                                          // gradients and states, no spectra
        double[][] h = rep.states().data;                             // row t = h_t, t = 0 … T
        double sum = 0, low = 0, below = 0, above = 0;
        int count = 0;
        Matrix[] J = GradientFlow.stepJacobians(cell, new Matrix(1, H), x);   // J_t = diag(1−h_t²)·W_hhᵀ,
        Matrix JtJ = new Matrix(H, H);                                // by the cell's own backward
        for (int t = 1; t < h.length; t++) {
            for (int i = 0; i < H; i++) {
                double d = 1 - h[t][i] * h[t][i];                     // tanh'(z) = 1 − h²
                sum += d;
                if (d < 0.01) low++;
                count++;
            }
            JtJ.zero();
            JtJ.addMatmulTransA(J[t], J[t]);                          // JᵀJ (H × H): its eigenvalues are σ_i(J)²
            EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(JtJ.data, false));
            for (double e : eig.getRealEigenvalues()) {
                if (e < 0.01 * 0.01) below++;
                if (e > 1) above++;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(SLOPE, sum / count);
        m.put(SATURATED, 100 * low / count);
        m.put(BELOW, below / (h.length - 1));
        m.put(ABOVE, above / (h.length - 1));
        m.put(FACTOR, rep.lossGradientFit().factor());
        return m;
    }

    /** The measurements: {@link SeedResults} per variant (metrics: means over the passages) and the pooled spread. */
    public record Result(SeedResults<String> results, int passages) {
        /**
         * The spread of a metric of a variant over models × passages (over the models only for σ_max, ρ and
         * ρ/σ_max, which do not depend on the passage). NaN values (the fitted factor of the control) give NaN.
         *
         * @param variant the variant
         * @param metric the metric
         * @return the spread
         */
        public Summary pooled(String variant, String metric) {
            if (!METRICS.contains(metric)) throw new IllegalArgumentException("no metric '" + metric + "'");
            if (METRICS.indexOf(metric) < 3) return results.summary(variant, metric);
            List<Double> v = new ArrayList<>();
            for (long seed : results.seeds()) {
                for (double y : results.outcome(variant, seed).curve(metric)[1]) v.add(y);
            }
            return Summary.of(v.stream().mapToDouble(Double::doubleValue).toArray());
        }

        /**
         * The variants, in table order.
         *
         * @return the labels
         */
        public List<String> variants() {
            return results.conditions();
        }

        /**
         * "0.204 ± 0.012": the mean at the precision the spread allows; a value without spread (σ_max of a
         * rescaling) as "1.500"; a tiny one (the control's ρ) in scientific notation; NaN as "—".
         *
         * @param s the spread
         * @return the text
         */
        public static String format(Summary s) {
            double m = s.mean(), sd = s.std();
            if (!Double.isFinite(m)) return "—";
            if (m != 0 && Math.abs(m) < 1e-4) return String.format(Locale.ROOT, "%.2g ± %.2g", m, sd);
            if (!(sd > 1e-9 * Math.abs(m))) return String.format(Locale.ROOT, "%.4g", m);
            return s.meanPlusMinus();
        }

        /**
         * One row per variant; per metric its pooled mean ± standard deviation as text ({@link #format}).
         *
         * @param title the table's title
         * @return the table
         */
        public Table table(String title) {
            Table t = Table.create(title, StringColumn.create("W_hh", variants()));
            for (String metric : METRICS) {
                StringColumn col = StringColumn.create(metric);
                for (String v : variants()) {
                    Summary s = pooled(v, metric);
                    col.append(format(s));
                }
                t.addColumns(col);
            }
            return t;
        }

        /**
         * "trained: σ_max 4.05 ± 0.12, ρ …, mean 1 − h² 0.204 ± 0.010, …": a variant's pooled numbers.
         *
         * @param variant the variant
         * @return the line
         */
        public String line(String variant) {
            StringBuilder sb = new StringBuilder(variant).append(':');
            for (String metric : METRICS) {
                Summary s = pooled(variant, metric);
                sb.append(' ').append(metric).append(' ').append(format(s)).append(',');
            }
            sb.setLength(sb.length() - 1);
            return sb.toString();
        }
    }

    /**
     * Measures every variant of every model along every passage.
     *
     * @param models   the trained models (RNN cells), by seed
     * @param passages token sequences (each ≥ 3 tokens), embedded by each model
     * @param sigmaMax the rescalings of W_hh
     * @return the measures
     */
    public static Result run(Map<Long, RecurrentLM> models, int[][] passages, double... sigmaMax) {
        if (models.isEmpty()) throw new IllegalArgumentException("mechanism: no models");
        if (passages.length == 0) throw new IllegalArgumentException("mechanism: no passages");
        for (int[] p : passages) {
            if (p.length < 3) throw new IllegalArgumentException("mechanism: a passage of " + p.length
                    + " tokens, need ≥ 3");
        }
        long[] seeds = models.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        Map<Long, Map<String, RnnCell>> cells = new LinkedHashMap<>();
        for (long seed : seeds) {
            RecurrentLM m = models.get(seed);
            if (!(m.cell instanceof RnnCell rnn)) {
                throw new IllegalArgumentException("mechanism: model of seed " + seed + " has a " + m.cell
                        .getClass().getSimpleName() + ", not an RnnCell");
            }
            cells.put(seed, variants(rnn, sigmaMax));
        }
        List<String> names = new ArrayList<>(cells.get(seeds[0]).keySet());
        double[] at = new double[passages.length];
        for (int p = 0; p < at.length; p++) at[p] = p;
        SeedResults<String> r = Seeds.run(names, v -> v, seeds, (variant, seed) -> {
            RecurrentLM m = models.get(seed);
            RnnCell cell = cells.get(seed).get(variant).copy();       // runs go in parallel: each its own cell
            Map<String, double[]> perPassage = new LinkedHashMap<>();
            for (String metric : METRICS) perPassage.put(metric, new double[passages.length]);
            Map<String, Double> w = weights(cell);
            for (int p = 0; p < passages.length; p++) {
                Map<String, Double> v = new LinkedHashMap<>(w);
                v.putAll(alongPassage(cell, m.embed(passages[p])));   // embed only reads the model
                if (variant.equals(NO_RECURRENCE)) v.put(FACTOR, Double.NaN);
                for (String metric : METRICS) perPassage.get(metric)[p] = v.get(metric);
            }
            Outcome o = new Outcome();
            List<String> order = new ArrayList<>(METRICS);            // the progress line shows the first one:
            order.remove(SATURATED);                                  // the saturated share
            order.add(0, SATURATED);
            for (String metric : order) {
                double[] y = perPassage.get(metric);
                double mean = 0;
                for (double v : y) mean += v / y.length;
                o.metric(metric, mean);
                if (METRICS.indexOf(metric) >= 3) o.curve(metric, at, y);
            }
            return o;
        });
        return new Result(r, passages.length);
    }
}
