package io.github.lmworkbook.experiments;

import io.github.lmworkbook.analysis.DecayFit;
import io.github.lmworkbook.analysis.GradientFlow;
import io.github.lmworkbook.analysis.GradientFlowReport;
import io.github.lmworkbook.analysis.StateLoss;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Trainer;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Language models of several cells trained alike on running text, and the gradient that flows back through each
 * trained recurrence. One {@link RecurrentLM} per (cell, seed): random chunks of the training text, AdamW at a fixed
 * learning rate, global-norm clipping, the held-out loss every {@code evalEvery} steps. Then, on a fixed passage,
 * the loss L = u · h_T (u a fixed random unit vector: what a head reading h_T sends back) is back-propagated through
 * the trained cell ({@link GradientFlow}) and the norms of ∂L/∂h_t and, for a cell with a memory cell, ∂L/∂c_t are
 * recorded against the distance T − t, with their fitted per-step factors ({@link DecayFit}, distances 1 … T).
 *
 * <p>Metrics: {@link #DEV}, {@link #FIT_H}, {@link #FIT_C} (NaN for a cell without c). Curves: {@link #DEV} against
 * the step, {@link #GRAD_H} and {@link #GRAD_C} against the distance. The trained models are kept
 * ({@link Result#model}).
 */
public final class GradientFlowSweep {
    private GradientFlowSweep() {}

    /**
     * The models and the budget.
     *
     * @param embed     m, the size of a token's vector
     * @param hidden    H, the hidden size
     * @param batch     chunks per step
     * @param length    T, characters per chunk
     * @param steps     training steps of every run
     * @param lr        the AdamW learning rate (weight decay 0)
     * @param clip      the global-norm clipping threshold
     * @param evalEvery steps between two evaluations of the held-out loss
     */
    public record Config(int embed, int hidden, int batch, int length, int steps, double lr, double clip,
                         int evalEvery) {
        /**
         * Checks that the sizes, steps, evalEvery and learning rate are positive.
         *
         * @param embed m, the size of a token's vector
         * @param hidden H, the hidden size
         * @param batch chunks per step
         * @param length T, characters per chunk
         * @param steps training steps of every run
         * @param lr the AdamW learning rate (weight decay 0)
         * @param clip the global-norm clipping threshold
         * @param evalEvery steps between two evaluations of the held-out loss
         */
        public Config {
            if (embed < 1 || hidden < 1 || batch < 1 || length < 1 || steps < 1 || evalEvery < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("gradient-flow sweep: sizes, steps, evalEvery and lr must be"
                        + " positive, got m " + embed + ", H " + hidden + ", B " + batch + ", T " + length + ", steps "
                        + steps + ", every " + evalEvery + ", lr " + lr);
            }
        }
    }

    /** Metric and curve names. */
    public static final String DEV = "dev loss", FIT_H = "factor of ‖∂L/∂h_t‖", FIT_C = "factor of ‖∂L/∂c_t‖",
            GRAD_H = "‖∂L/∂h_t‖", GRAD_C = "‖∂L/∂c_t‖";

    /** The outcomes, and the trained models. */
    public record Result(SeedResults<CellType> results, Map<String, RecurrentLM> models) {
        /**
         * The model of a cell trained with a seed.
         *
         * @param cell the recurrent cell
         * @param seed the seed of the initialisation
         * @return the model, untrained
         */
        public RecurrentLM model(CellType cell, long seed) {
            RecurrentLM m = models.get(cell + "/" + seed);
            if (m == null) throw new IllegalArgumentException("no model " + cell + " with seed " + seed);
            return m;
        }
    }

    /**
     * Trains every cell at every seed and measures the gradient flow of each trained model.
     *
     * @param cells   the cells
     * @param seeds   the seeds
     * @param train   the training text
     * @param dev     the held-out batches (the same for every run)
     * @param passage the tokens the gradient flow is measured on
     * @param c       the settings
     * @return the outcomes and the trained models
     */
    public static Result run(List<CellType> cells, long[] seeds, TextDataset train, List<Batch> dev, int[] passage,
                             Config c) {
        if (passage.length < 3) throw new IllegalArgumentException("gradient-flow sweep: the passage needs ≥ 3 tokens");
        int V = train.vocabulary().size();
        Map<String, RecurrentLM> models = new ConcurrentHashMap<>();
        SeedResults<CellType> r = Seeds.run(cells, CellType::toString, seeds, (cell, seed) -> {
            RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(V, cell, c.embed(), c.hidden(), false, seed));
            var h = Trainer.of(m, new AdamW(m, c.lr(), 0.0)).data(train.randomChunks(c.batch(), c.length(), seed))
                    .clipGradNorm(c.clip()).steps(c.steps()).eval(dev, c.evalEvery()).quiet().run();
            models.put(cell + "/" + seed, m);
            double[][] norms = flow(m, passage);                   // [0] ‖∂L/∂h_t‖, [1] ‖∂L/∂c_t‖, by distance
            int T = passage.length;
            double[] k = new double[T + 1];
            for (int i = 0; i <= T; i++) k[i] = i;
            double[] evalAt = new double[h.evalSteps().length];
            for (int i = 0; i < evalAt.length; i++) evalAt[i] = h.evalSteps()[i];
            Outcome o = new Outcome().metric(DEV, h.lastDevLoss())
                    .metric(FIT_H, DecayFit.of(norms[0], 1, T).factor())
                    .metric(FIT_C, norms[1] == null ? Double.NaN : DecayFit.of(norms[1], 1, T).factor())
                    .curve(DEV, evalAt, h.devLosses()).curve(GRAD_H, k, norms[0]);
            if (norms[1] != null) o.curve(GRAD_C, k, norms[1]);
            return o;
        });
        return new Result(r, Map.copyOf(models));
    }

    /**
     * {@link #flow} over several passages of one length: the geometric mean over the passages of ‖∂L/∂h_t‖ and
     * ‖∂L/∂c_t‖ (null without a cell state) against the distance k = T − t — one curve per model, less dependent on
     * the text of one passage.
     *
     * @param m the model
     * @param passages the passages, all of one length T
     * @return {‖∂L/∂h‖, ‖∂L/∂c‖ or null} by distance
     */
    public static double[][] meanFlow(RecurrentLM m, List<int[]> passages) {
        if (passages.isEmpty()) throw new IllegalArgumentException("gradient flow: no passages");
        int T = passages.get(0).length;
        double[] lh = new double[T + 1], lc = m.cell.hasCellState() ? new double[T + 1] : null;
        for (int[] p : passages) {
            if (p.length != T) {
                throw new IllegalArgumentException("gradient flow: passages of " + T + " and " + p.length + " tokens");
            }
            double[][] g = flow(m, p);
            for (int k = 0; k <= T; k++) {
                lh[k] += Math.log(g[0][k]) / passages.size();
                if (lc != null) lc[k] += Math.log(g[1][k]) / passages.size();
            }
        }
        for (int k = 0; k <= T; k++) {
            lh[k] = Math.exp(lh[k]);
            if (lc != null) lc[k] = Math.exp(lc[k]);
        }
        return new double[][] {lh, lc};
    }

    /**
     * ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ (null without a cell state) against the distance k = T − t, for L = u · h_T with u a
     * fixed random unit vector (seed 0), the recurrence of m started from zeros on the passage.
     *
     * @param m the model
     * @param passage the tokens
     * @return {‖∂L/∂h‖, ‖∂L/∂c‖ or null} by distance
     */
    public static double[][] flow(RecurrentLM m, int[] passage) {
        int H = m.H, S = m.cell.stateSize(), T = passage.length;
        double[] u = new double[S];
        Random rng = new Random(0);
        double n = 0;
        for (int j = 0; j < H; j++) n += (u[j] = rng.nextGaussian()) * u[j];
        for (int j = 0; j < H; j++) u[j] /= Math.sqrt(n);
        GradientFlowReport rep = GradientFlow.analyze(m.cell, new Matrix(1, S), m.embed(passage),
                StateLoss.projectionAtEnd(u), T + 1);              // svdEvery > T: no spectra, only the gradients
        Matrix ds = rep.lossGradients();                           // row t = [∂L/∂h_t; ∂L/∂c_t]
        double[] gh = new double[T + 1], gc = S > H ? new double[T + 1] : null;
        for (int t = 0; t <= T; t++) {
            double sh = 0, sc = 0;
            for (int j = 0; j < H; j++) sh += ds.data[t][j] * ds.data[t][j];
            for (int j = H; j < S; j++) sc += ds.data[t][j] * ds.data[t][j];
            gh[T - t] = Math.sqrt(sh);
            if (gc != null) gc[T - t] = Math.sqrt(sc);
        }
        return new double[][] {gh, gc};
    }
}
