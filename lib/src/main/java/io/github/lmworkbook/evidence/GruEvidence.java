package io.github.lmworkbook.evidence;

import io.github.lmworkbook.analysis.DecayFit;
import io.github.lmworkbook.analysis.GradientFlow;
import io.github.lmworkbook.analysis.GradientFlowReport;
import io.github.lmworkbook.analysis.Spectra;
import io.github.lmworkbook.analysis.StateLoss;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.GruCell;
import io.github.lmworkbook.cells.GruCell.GruStep;
import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.cells.LstmCell.LstmStep;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.cells.Step;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Objective;
import io.github.lmworkbook.data.AddingProblem;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.CountingLanguage;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.SequenceBatch;
import io.github.lmworkbook.data.SignFlipTask;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.evidence.Checks.Op;
import io.github.lmworkbook.experiments.CountingSweep;
import io.github.lmworkbook.experiments.Outcome;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.SequenceRegressor;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Trainer;
import io.github.lmworkbook.train.TrainingDivergedException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Notebook 03's evidence (the GRU): every claim its prose makes about training, over five seeds at the notebook's
 * budget and at four times it, with the control each needs.
 * <ul>
 *   <li>{@code gru-shakespeare}: the GRU and the RNN on Tiny Shakespeare at three learning rates; the dev and test
 *       loss, and the per-step factor of ‖∂L/∂h_t‖ against distance measured on the <em>same</em> model before
 *       training (the untrained control) and after; how often the trained GRU keeps (z &lt; 0.1).</li>
 *   <li>{@code gru-adding}: the adding problem at T = 200: the GRU with makemore's initialisation and with the update
 *       gate's bias at −3 (start by carrying), the RNN as the control, four learning rates; when each first solves
 *       it; in the trained GRUs the carry path ∏(1 − z) against the measured gradient, unit by unit, and whether the
 *       lower bound of §2 says anything (it is vacuous at a step where (1 + c)·max z ≥ 1).</li>
 *   <li>{@code gru-reset}: the sign-flip task with and without the reset gate (r ≡ 1), four learning rates: when
 *       each first gets below an MSE of 0.01, and where it ends.</li>
 *   <li>{@code gru-counting}: aⁿbⁿ beyond the training range, the GRU against the LSTM (the control that counts) at
 *       four learning rates, three training ranges and two hidden sizes; the mechanism measured on the states after
 *       aⁿ, n = 1 … 100: the gap between aⁿ and aⁿ⁺¹, where it collapses, how linear the most linear unit is, how
 *       saturated the gates are.</li>
 * </ul>
 * Every run trains at a constant learning rate (as the notebook's live cells do), so the 4× run's first quarter is
 * the 1× run: "first step below a threshold" is read on one curve.
 */
final class GruEvidence implements Catalog.Topic {

    /** The learning rates of each experiment's sweep (each brackets the best rate found in a pilot). */
    static final List<String> LRS = List.of("3e-3", "1e-2", "3e-2"), TASK_LRS = List.of("3e-3", "1e-2", "3e-2", "1e-1"),
            COUNT_LRS = List.of("1e-3", "3e-3", "1e-2", "3e-2");

    /** A training curve: the held-out loss after 0, every, 2·every, … steps (NaN from a divergence on). */
    record Curve(double[] at, double[] loss, boolean diverged) {
        double last() {
            return loss[loss.length - 1];
        }

        /** The first step at which the loss is below the threshold, NaN if never. */
        double firstBelow(double threshold) {
            for (int i = 0; i < loss.length; i++) if (loss[i] < threshold) return at[i];
            return Double.NaN;
        }
    }

    /** AdamW at a constant lr (weight decay 0), clipped at 1: the loss on held after every {@code every} steps. */
    static <D> Curve train(Objective<D> m, Supplier<D> data, Iterable<D> held, int steps, int every, double lr) {
        Trainer<D> t = Trainer.of(m, new AdamW(m, lr, 0.0)).data(data).clipGradNorm(1.0).steps(every).quiet();
        int points = steps / every + 1;
        double[] at = new double[points], loss = new double[points];
        boolean diverged = false;
        for (int i = 0; i < points; i++) {
            if (i > 0 && !diverged) {
                try {
                    t.run();
                } catch (TrainingDivergedException e) {
                    diverged = true;
                }
            }
            at[i] = (double) i * every;
            loss[i] = diverged ? Double.NaN : Trainer.evaluate(m, held);
        }
        return new Curve(at, loss, diverged);
    }

    // ============================================================================ gru-shakespeare (§3, §4.1, §4.3)

    static final int BARD_STEPS = 200, BARD_T = 64, BARD_B = 16, PASSAGE = 80, PASSAGES = 8;
    static final String DEV = "dev loss", TEST = "test loss", UNTRAINED = "untrained dev loss",
            FACTOR = "per-step factor", FACTOR0 = "untrained per-step factor", R2 = "R² of the fit",
            GRAD = "‖∂L/∂h_t‖", GRAD0 = "untrained ‖∂L/∂h_t‖", KEEP = "z below 0.1 (%)",
            KEEP0 = "untrained z below 0.1 (%)", DIVERGED = "diverged";

    /** Tiny Shakespeare as these runs use it. */
    record Bard(Vocabulary chars, TextDataset train, List<Batch> dev, List<Batch> test, List<int[]> passages,
                int[] gates) {}

    private static volatile Bard bard;

    /**
     * The first 90 % to train on (random chunks of 64); of the rest, characters 0 … 16,384 the dev set, 16,384 …
     * 32,768 the test set, eight passages of 80 characters from 40,000 on (100 apart) for the gradient, and
     * 1,000 characters from 50,000 on for the gates.
     */
    static Bard bard() {
        if (bard == null) {
            synchronized (GruEvidence.class) {
                if (bard == null) {
                    String text = Datasets.text("tinyshakespeare");
                    Vocabulary chars = Vocabulary.ofText(text);
                    TextDataset[] parts = new TextDataset(text, chars).splitAt(0.9);
                    List<Batch> dev = new ArrayList<>(), test = new ArrayList<>();
                    parts[1].slice(0, 16384 + 1).inOrder(64, BARD_T).forEach(dev::add);
                    parts[1].slice(16384, 32768 + 1).inOrder(64, BARD_T).forEach(test::add);
                    int[] ids = parts[1].tokens();
                    List<int[]> passages = new ArrayList<>();
                    for (int p = 0; p < PASSAGES; p++) {
                        passages.add(Arrays.copyOfRange(ids, 40000 + 100 * p, 40000 + 100 * p + PASSAGE));
                    }
                    bard = new Bard(chars, parts[0], List.copyOf(dev), List.copyOf(test), List.copyOf(passages),
                            Arrays.copyOfRange(ids, 50000, 51000));
                }
            }
        }
        return bard;
    }

    /**
     * ‖∂L/∂h_t‖ against the distance T − t (index 0 … 80), L = g·h_T with a fixed random unit g, the cell run from a
     * zero state over each passage: the geometric mean over the passages.
     */
    static double[] gradientByDistance(RecurrentLM m, List<int[]> passages) {
        double[] logSum = new double[PASSAGE + 1];
        int[] n = new int[PASSAGE + 1];
        for (int[] p : passages) {
            GradientFlowReport r = GradientFlow.analyze(m.cell, new Matrix(1, m.H), m.embed(p),
                    StateLoss.randomUnitAtEnd(m.H, 1), 1000);
            double[] g = GradientFlowReport.byDistance(r.lossGradientNorms());
            for (int k = 0; k < g.length; k++) {
                if (g[k] > 0 && Double.isFinite(g[k])) {
                    logSum[k] += Math.log(g[k]);
                    n[k]++;
                }
            }
        }
        double[] gm = new double[PASSAGE + 1];
        for (int k = 0; k < gm.length; k++) gm[k] = n[k] == 0 ? 0 : Math.exp(logSum[k] / n[k]);
        return gm;
    }

    /** z_t of every step of a GRU over x (T × D) from a zero state: (T × H). */
    static Matrix updateGates(GruCell cell, Matrix x) {
        Recurrence<GruStep> rec = new Recurrence<>(cell, false);
        rec.forward(cell.input.forward(x), x.rows, new Matrix(1, cell.hiddenSize()));
        Matrix z = new Matrix(x.rows, cell.hiddenSize());
        for (int t = 1; t <= x.rows; t++) for (int j = 0; j < z.cols; j++) z.data[t - 1][j] = rec.step(t).z(0, j);
        return z;
    }

    /** The share (%) of the entries of the matrices below a value. */
    static double shareBelow(List<Matrix> ms, double v) {
        long below = 0, all = 0;
        for (Matrix m : ms) {
            for (double[] row : m.data) {
                for (double x : row) if (x < v) below++;
                all += row.length;
            }
        }
        return 100.0 * below / all;
    }

    static Outcome shakespeare(Condition c, long seed, int scale) {
        Bard k = bard();
        CellType cell = CellType.of(c.get("cell"));
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(k.chars().size(), cell, 32, 64, false, seed));
        Outcome o = new Outcome();
        double[] dist = new double[PASSAGE + 1];
        for (int d = 0; d < dist.length; d++) dist[d] = d;
        double[] g0 = gradientByDistance(m, k.passages());
        double keep0 = cell == CellType.GRU ? shareBelow(List.of(updateGates((GruCell) m.cell, m.embed(k.gates()))),
                0.1) : Double.NaN;
        int steps = BARD_STEPS * scale;
        Curve curve = train(m, k.train().randomChunks(BARD_B, BARD_T, seed), k.dev(), steps, steps / 4,
                c.number("lr"));
        o.metric(DEV, curve.last()).metric(TEST, curve.diverged() ? Double.NaN : Trainer.evaluate(m, k.test()))
                .metric(UNTRAINED, curve.loss()[0]).metric(DIVERGED, curve.diverged() ? 1 : 0);
        DecayFit fit0 = DecayFit.of(g0, 1, PASSAGE);
        o.metric(FACTOR0, fit0.factor()).curve(GRAD0, dist, g0).curve(DEV, curve.at(), curve.loss());
        if (curve.diverged()) return o.metric(FACTOR, Double.NaN).metric(R2, Double.NaN);
        double[] g = gradientByDistance(m, k.passages());
        DecayFit fit = DecayFit.of(g, 1, PASSAGE);
        o.metric(FACTOR, fit.factor()).metric(R2, fit.rSquared()).curve(GRAD, dist, g);
        if (cell == CellType.GRU) {
            o.metric(KEEP, shareBelow(List.of(updateGates((GruCell) m.cell, m.embed(k.gates()))), 0.1))
                    .metric(KEEP0, keep0);
        }
        return o;
    }

    // ============================================================================ gru-adding (§4.2, §4.3, §4.4)

    static final int ADD_T = 200, ADD_H = 16, ADD_B = 16, ADD_STEPS = 500, ADD_EVERY = 25, PROBES = 4;
    static final double SOLVED = 0.01;
    static final String MSE = "dev MSE", RATIO = "MSE / baseline", SOLVED_AT = "solved at step",
            KEEPERS = "keepers (units of 16)", KEEPERS0 = "untrained keepers (units of 16)",
            CARRY_MIN = "measured / carry, smallest", CARRY_MAX = "measured / carry, largest",
            ONE_PLUS_C = "1 + c", NOT_VACUOUS = "steps where the bound is not vacuous (%)",
            NOT_VACUOUS0 = "untrained steps where the bound is not vacuous (%)",
            BOUND = "the bound over 100 steps", SIGMA_MIN = "σ_min(∂h_200/∂h_100)";

    private static volatile SequenceBatch addDev;

    /** 128 held-out sequences of length 200 (the notebook's test set: seed 99). */
    static SequenceBatch addDev() {
        if (addDev == null) {
            synchronized (GruEvidence.class) {
                if (addDev == null) addDev = new AddingProblem(ADD_T, 99).sample(128);
            }
        }
        return addDev;
    }

    static Outcome adding(Condition c, long seed, int scale) {
        CellType cell = CellType.of(c.get("cell"));
        SequenceRegressor m = new SequenceRegressor(new SequenceRegressor.Config(cell, 2, ADD_H, seed));
        if (c.get("b_z").equals("-3")) ((GruCell) m.cell).setUpdateGateBias(-3.0);
        SequenceBatch dev = addDev();
        List<Matrix> probes = new ArrayList<>();
        for (int b = 0; b < PROBES; b++) probes.add(dev.x().rowRange(b * ADD_T, (b + 1) * ADD_T));
        Outcome o = new Outcome();
        Carry before = cell == CellType.GRU ? carry((GruCell) m.cell, probes) : null;
        AddingProblem task = new AddingProblem(ADD_T, seed);
        Curve curve = train(m, () -> task.sample(ADD_B), List.of(dev), ADD_STEPS * scale, ADD_EVERY,
                c.number("lr"));
        o.metric(MSE, curve.last()).metric(RATIO, curve.last() / AddingProblem.BASELINE_MSE)
                .metric(SOLVED_AT, curve.firstBelow(SOLVED)).metric(DIVERGED, curve.diverged() ? 1 : 0)
                .curve(MSE, curve.at(), curve.loss());
        if (before != null) {
            o.metric(KEEP0, before.keep()).metric(KEEPERS0, before.keepers())
                    .metric(NOT_VACUOUS0, before.notVacuous());
            Carry after = curve.diverged() ? Carry.NONE : carry((GruCell) m.cell, probes);
            o.metric(KEEP, after.keep()).metric(KEEPERS, after.keepers()).metric(CARRY_MIN, after.ratioMin())
                    .metric(CARRY_MAX, after.ratioMax()).metric(ONE_PLUS_C, after.onePlusC())
                    .metric(NOT_VACUOUS, after.notVacuous()).metric(BOUND, after.bound())
                    .metric(SIGMA_MIN, after.sigmaMin());
        }
        return o;
    }

    /**
     * The gates at work in a GRU over the probe sequences (each from a zero state): the share of z below 0.1; the
     * units whose carry path over steps 101 … 200, ∏(1 − z), is above 0.1 (the keepers, mean per sequence) and for
     * them the measured |[∂h_200/∂h_100]_ii| over the carry path (smallest and largest); §2's lower bound
     * ∏_u (1 − (1 + c)·max_i z_{u,i}) over the same steps — the share of steps where its factor is positive (not
     * vacuous), and its value (0 when a factor is not) — and the measured σ_min of ∂h_200/∂h_100 (the median over
     * the sequences).
     */
    record Carry(double keep, double keepers, double ratioMin, double ratioMax, double onePlusC, double notVacuous,
                 double bound, double sigmaMin) {
        static final Carry NONE = new Carry(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN);
    }

    static Carry carry(GruCell cell, List<Matrix> probes) {
        int H = cell.hiddenSize(), half = ADD_T / 2;
        Matrix Wz = new Matrix(H, H), Wr = new Matrix(H, H);
        for (int i = 0; i < H; i++) {
            System.arraycopy(cell.Whzr.value.data[i], 0, Wz.data[i], 0, H);
            System.arraycopy(cell.Whzr.value.data[i], H, Wr.data[i], 0, H);
        }
        double c = 2 * Spectra.sigmaMax(Wz) + Spectra.sigmaMax(cell.Whh.value) * (1 + 0.25 * Spectra.sigmaMax(Wr));
        List<Matrix> zs = new ArrayList<>();
        double keepers = 0, rMin = Double.POSITIVE_INFINITY, rMax = Double.NEGATIVE_INFINITY, open = 0, bound = 0;
        double[] sMin = new double[probes.size()];
        for (int p = 0; p < probes.size(); p++) {
            Matrix x = probes.get(p), z = updateGates(cell, x);
            zs.add(z);
            Matrix P = GradientFlow.jacobianProduct(cell, new Matrix(1, H), x, half);    // ∂h_200/∂h_100
            for (int j = 0; j < H; j++) {
                double carry = 1;
                for (int t = half; t < ADD_T; t++) carry *= 1 - z.data[t][j];             // z of steps 101 … 200
                if (carry > 0.1) {
                    keepers++;
                    double ratio = Math.abs(P.data[j][j]) / carry;
                    rMin = Math.min(rMin, ratio);
                    rMax = Math.max(rMax, ratio);
                }
            }
            double b = 1;
            for (int t = half; t < ADD_T; t++) {
                double zMax = 0;
                for (int j = 0; j < H; j++) zMax = Math.max(zMax, z.data[t][j]);
                double f = 1 - (1 + c) * zMax;
                if (f > 0) open++;
                b *= Math.max(0, f);
            }
            bound = Math.max(bound, b);
            double[] sv = Spectra.singularValues(P);
            sMin[p] = sv[sv.length - 1];
        }
        Arrays.sort(sMin);
        int n = sMin.length;
        double median = n % 2 == 1 ? sMin[n / 2] : 0.5 * (sMin[n / 2 - 1] + sMin[n / 2]);
        boolean none = keepers == 0;
        return new Carry(shareBelow(zs, 0.1), keepers / probes.size(), none ? Double.NaN : rMin,
                none ? Double.NaN : rMax, 1 + c, 100.0 * open / (probes.size() * (ADD_T - half)), bound, median);
    }

    // ============================================================================ gru-reset (§4.5)

    static final int FLIP_T = 20, FLIP_H = 4, FLIP_B = 32, FLIP_STEPS = 1000, FLIP_EVERY = 50;
    static final String BELOW_1 = "below 0.01 at step", BELOW_2 = "below 0.02 at step";

    private static volatile SequenceBatch flipDev;

    static SequenceBatch flipDev() {
        if (flipDev == null) {
            synchronized (GruEvidence.class) {
                if (flipDev == null) flipDev = new SignFlipTask(FLIP_T, 0.2, 0.3, 99).sample(1000);
            }
        }
        return flipDev;
    }

    static Outcome reset(Condition c, long seed, int scale) {
        SequenceRegressor m = new SequenceRegressor(new SequenceRegressor.Config(CellType.GRU, 3, FLIP_H, seed));
        if (c.get("arm").equals("GRU r≡1")) ((GruCell) m.cell).openResetGate();
        SignFlipTask task = new SignFlipTask(FLIP_T, 0.2, 0.3, seed);
        Curve curve = train(m, () -> task.sample(FLIP_B), List.of(flipDev()), FLIP_STEPS * scale, FLIP_EVERY,
                c.number("lr"));
        return new Outcome().metric(MSE, curve.last()).metric(BELOW_1, curve.firstBelow(0.01))
                .metric(BELOW_2, curve.firstBelow(0.02)).metric(DIVERGED, curve.diverged() ? 1 : 0)
                .curve(MSE, curve.at(), curve.loss());
    }

    // ============================================================================ gru-counting (§5)

    static final int COUNT_STEPS = 1500, COUNT_TEST = 100, COUNT_B = 32, FAR = 50;
    static final String ACCEPTS = CountingSweep.ACCEPTS, BEYOND = "beyond the training range",
            LARGEST = "largest n accepted",
            GAP_IN = "smallest gap in the training range", GAP_FAR = "largest gap at n ≥ 50",
            GAP_RATIO = "gap at n ≥ 50 / gap in the training range", COLLAPSE = "the gap collapses at n",
            COUNTER = "counter R²", COUNTER0 = "untrained counter R²", COUNTER_F = "counting unit's f",
            SATURATED = "saturated gates beyond the training range (%)", H_SATURATED = "|h| > 0.99 at n = 100 (%)",
            GAP = "gap between aⁿ and aⁿ⁺¹", H_GAP = "gap between aⁿ and aⁿ⁺¹ in h";

    static Outcome counting(Condition c, long seed, int scale) {
        String name = c.get("cell");
        int nTrain = c.integer("nTrain"), H = c.integer("H");
        CountingLanguage lang = new CountingLanguage(2);
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(lang.vocabSize(), CellType.of(name), 4, H, false,
                seed));
        int[] inRange = new int[nTrain];
        for (int n = 1; n <= nTrain; n++) inRange[n - 1] = n;
        Batch devWords = lang.batch(inRange);
        Outcome o = new Outcome();
        double r0 = mechanism(m, lang, nTrain, new Outcome()).metric(COUNTER);
        Curve curve = train(m, lang.randomBatches(COUNT_B, 1, nTrain, seed), List.of(devWords), COUNT_STEPS * scale,
                COUNT_STEPS * scale, c.number("lr"));
        if (curve.diverged()) {
            return o.metric(ACCEPTS, Double.NaN).metric(DIVERGED, 1).metric(COUNTER0, r0);
        }
        double[] acc = CountingSweep.accuracy(m, lang, COUNT_TEST);
        double[] ns = new double[COUNT_TEST];
        for (int i = 0; i < ns.length; i++) ns[i] = i + 1;
        int accepts = CountingSweep.acceptsUpTo(m, lang, COUNT_TEST), largest = 0;
        int[][] pred = CountingSweep.predictions(m, lang, COUNT_TEST);
        for (int n = 1; n <= COUNT_TEST; n++) if (lang.accepts(n, pred[n - 1])) largest = n;
        o.metric(ACCEPTS, accepts).metric(BEYOND, accepts - nTrain).metric(LARGEST, largest)
                .metric(DEV, curve.last())
                .metric("accuracy at n = 100", acc[COUNT_TEST - 1]).metric(DIVERGED, 0).metric(COUNTER0, r0)
                .curve(CountingSweep.ACCURACY, ns, acc);
        mechanism(m, lang, nTrain, o);
        return o;
    }

    /**
     * The states after the start and aⁿ, n = 1 … 100 (c for an LSTM, h otherwise), read from one word: the gap
     * between aⁿ and aⁿ⁺¹ (the largest difference over the units), the smallest gap within the training range, the
     * largest at n ≥ 50, where the gap collapses (the first n from which on every gap is below a tenth of the
     * smallest gap in the training range; 100 if never), the most linear unit's R² over n = 1 … 100 (a counter that
     * keeps counting is a line) and, for an LSTM, that unit's mean forget gate; the share of the gates within 0.01 of
     * 0 or 1 while the a's beyond the training range are read (z and r; i, f and o), and of |h| above 0.99 after a¹⁰⁰.
     */
    static Outcome mechanism(RecurrentLM m, CountingLanguage lang, int nTrain, Outcome o) {
        int N = COUNT_TEST, H = m.H;
        m.loss(lang.batch(N));                                       // x = [start, a × N, b × N]
        boolean lstm = m.cell instanceof LstmCell;
        double[][] s = new double[N + 1][H], h = new double[N + 1][H];      // row n: after the start and n a's
        for (int n = 1; n <= N; n++) {
            Step st = m.recurrence.step(n + 1);
            System.arraycopy((lstm ? st.c : st.h).data[0], 0, s[n], 0, H);
            System.arraycopy(st.h.data[0], 0, h[n], 0, H);
        }
        double best = -1;
        int unit = 0;
        for (int j = 0; j < H; j++) {
            double[] v = new double[N];
            for (int n = 1; n <= N; n++) v[n - 1] = s[n][j];
            double r2 = CompareEvidence.r2(v);
            if (r2 > best) {
                best = r2;
                unit = j;
            }
        }
        o.metric(COUNTER, best);
        double[] ns = new double[N - 1], gap = new double[N - 1], hGap = new double[N - 1];
        double in = Double.POSITIVE_INFINITY, far = 0;
        for (int n = 1; n < N; n++) {
            double g = 0, gh = 0;
            for (int j = 0; j < H; j++) {
                g = Math.max(g, Math.abs(s[n + 1][j] - s[n][j]));
                gh = Math.max(gh, Math.abs(h[n + 1][j] - h[n][j]));
            }
            ns[n - 1] = n;
            gap[n - 1] = g;
            hGap[n - 1] = gh;
            if (n < nTrain) in = Math.min(in, g);
            if (n >= FAR) far = Math.max(far, g);
        }
        int collapse = N;
        for (int n = N - 1; n >= 1 && gap[n - 1] < 0.1 * in; n--) collapse = n;
        o.metric(GAP_IN, in).metric(GAP_FAR, far).metric(GAP_RATIO, far / in).metric(COLLAPSE, collapse)
                .curve(GAP, ns, gap);
        if (lstm) o.curve(H_GAP, ns, hGap);
        long sat = 0, all = 0;
        for (int n = nTrain + 1; n <= N; n++) {
            Step st = m.recurrence.step(n + 1);
            for (int j = 0; j < H; j++) {
                double[] gates = lstm
                        ? new double[] {((LstmStep) st).gate(LstmCell.I, 0, j), ((LstmStep) st).gate(LstmCell.F, 0, j),
                                ((LstmStep) st).gate(LstmCell.O, 0, j)}
                        : new double[] {((GruStep) st).z(0, j), ((GruStep) st).r(0, j)};
                for (double g : gates) {
                    if (g < 0.01 || g > 0.99) sat++;
                    all++;
                }
            }
        }
        long hs = 0;
        for (int j = 0; j < H; j++) if (Math.abs(h[N][j]) > 0.99) hs++;
        o.metric(SATURATED, 100.0 * sat / Math.max(1, all)).metric(H_SATURATED, 100.0 * hs / H);
        if (lstm) {
            double f = 0;
            for (int n = 1; n <= N; n++) f += ((LstmStep) m.recurrence.step(n + 1)).gate(LstmCell.F, 0, unit) / N;
            o.metric(COUNTER_F, f);
        }
        return o;
    }

    /** The counting conditions: 03's configuration at four learning rates, then the controls at lr 1e-2. */
    static List<Condition> countingConditions() {
        List<Condition> out = new ArrayList<>(Experiment.grid("cell", List.of("GRU", "LSTM"), "H", 8, "nTrain", 16,
                "lr", COUNT_LRS));
        out.addAll(Experiment.grid("cell", List.of("GRU", "LSTM"), "H", 8, "nTrain", List.of(10, 32), "lr", "1e-2"));
        out.add(Condition.of("cell", "GRU", "H", 32, "nTrain", 16, "lr", "1e-2"));
        return out;
    }

    // ============================================================================ the topic

    @Override
    public List<Experiment> experiments() {
        return List.of(
                new Experiment("gru-shakespeare", "the GRU and the RNN on Tiny Shakespeare: loss and the gradient's"
                        + " decay, untrained and trained, at three learning rates", "03",
                        Experiment.grid("cell", List.of("GRU", "RNN"), "lr", LRS), Experiment.FIVE,
                        Experiment.BUDGETS, BARD_STEPS + " steps of " + BARD_B + " chunks of " + BARD_T,
                        "RecurrentLM(V, cell, m = 32, H = 64, zero start); tinyshakespeare, first 90 % to train"
                                + " (random chunks of 64, batch 16); held out: dev = characters 0-16384, test ="
                                + " 16384-32768 (chunks of 64); AdamW(lr, wd 0) constant, clip 1.0; dev loss at"
                                + " steps/4 intervals; ‖∂L/∂h_t‖: L = g·h_80 (g random unit, seed 1), zero state,"
                                + " geometric mean over 8 passages of 80 characters at 40000 + 100p, fit over"
                                + " distances 1-80 (DecayFit); z from a zero state over characters 50000-51000",
                        GruEvidence::shakespeare),
                new Experiment("gru-adding", "the adding problem at T = 200: the update gate's bias, the RNN as the"
                        + " control, four learning rates; the carry path in the trained GRUs", "03",
                        addingConditions(), Experiment.FIVE, Experiment.BUDGETS,
                        ADD_STEPS + " steps of " + ADD_B + " sequences",
                        "SequenceRegressor(cell, 2 inputs, H = 16, zero start); AddingProblem(T = 200, seed) batches of"
                                + " 16; b_z = -3 sets the GRU's update-gate bias; AdamW(lr, wd 0) constant, clip 1.0;"
                                + " dev MSE every 25 steps on AddingProblem(200, 99).sample(128); solved = first"
                                + " dev MSE < 0.01; carry path: the first 4 dev sequences, steps 101-200, keepers ="
                                + " units with prod(1 - z) > 0.1, measured = |diag(dh_200/dh_100)|; bound of §2 with"
                                + " c = 2|W_hz| + |W_hh|(1 + |W_hr|/4), spectral norms",
                        GruEvidence::adding),
                new Experiment("gru-reset", "the sign-flip task with and without the reset gate, four learning"
                        + " rates", "03",
                        Experiment.grid("arm", List.of("GRU", "GRU r≡1"), "lr", TASK_LRS), Experiment.FIVE,
                        Experiment.BUDGETS, FLIP_STEPS + " steps of " + FLIP_B + " sequences",
                        "SequenceRegressor(GRU, 3 inputs, H = 4, zero start); SignFlipTask(T = 20, marker 0.2, flip"
                                + " 0.3, seed) batches of 32; r≡1 = GruCell.openResetGate(); AdamW(lr, wd 0) constant,"
                                + " clip 1.0; dev MSE every 50 steps on SignFlipTask(20, 0.2, 0.3, 99).sample(1000)",
                        GruEvidence::reset),
                new Experiment("gru-counting", "counting aⁿbⁿ beyond the training range: the GRU against the LSTM,"
                        + " four learning rates, three training ranges, two sizes; the mechanism", "03",
                        countingConditions(), Experiment.FIVE, Experiment.BUDGETS,
                        COUNT_STEPS + " steps of " + COUNT_B + " words",
                        "RecurrentLM(V = 3, cell, m = 4, H, zero start), every parameter U(±1/sqrt(m+H)) (the LSTM's"
                                + " forget bias too); n drawn from 1 - nTrain; AdamW(lr, wd 0) constant, clip 1.0;"
                                + " dev loss on the words n = 1 - nTrain; scored on n = 1 - 100 (CountingSweep);"
                                + " mechanism: the states after a^n, n = 1 - 100 (c for the LSTM)",
                        GruEvidence::counting));
    }

    static List<Condition> addingConditions() {
        List<Condition> out = new ArrayList<>(Experiment.grid("cell", "GRU", "b_z", List.of("default", "-3"), "lr",
                TASK_LRS));
        out.addAll(Experiment.grid("cell", "RNN", "b_z", "none", "lr", TASK_LRS));
        return out;
    }

    // ============================================================================ the claims

    static Condition cond(Object... nameValue) {
        return Condition.of(nameValue);
    }

    @Override
    public List<Claim> claims() {
        return List.of(
                // ---------------------------------------------------------------- §3, §4.1, §4.3: Tiny Shakespeare
                new Claim("03.bard-loss", "On Tiny Shakespeare at the same hidden size (H = 64), the GRU ends with a"
                        + " lower test loss than the RNN at every seed, each at its learning rate chosen on dev, at 200"
                        + " steps and at 800.", List.of("gru-shakespeare"), src -> {
                            Evidence ev = src.get("gru-shakespeare");
                            return Verdict.all(Checks.chosen(ev, DEV, "cell", "GRU"),
                                    Checks.chosen(ev, DEV, "cell", "RNN"),
                                    Checks.pairs(ev, Checks.bestOn(ev, DEV, "cell", "GRU"),
                                            Checks.bestOn(ev, DEV, "cell", "RNN"), TEST, Op.LT));
                        }),
                new Claim("03.signature-untrained", "Before any training, the GRU's gradient already decays more"
                        + " slowly with distance than the RNN's: its fitted per-step factor is larger at every seed.",
                        List.of("gru-shakespeare"), src -> {
                            Evidence ev = src.get("gru-shakespeare");
                            return Checks.pairs(ev, cond("cell", "GRU", "lr", "1e-2"),
                                    cond("cell", "RNN", "lr", "1e-2"), FACTOR0, Op.GT);
                        }),
                new Claim("03.signature", "After training, each at its learning rate chosen on dev, the GRU's"
                        + " per-step factor is larger than the RNN's at every seed and both budgets.",
                        List.of("gru-shakespeare"), src -> {
                            Evidence ev = src.get("gru-shakespeare");
                            return Checks.pairs(ev, Checks.bestOn(ev, DEV, "cell", "GRU"),
                                    Checks.bestOn(ev, DEV, "cell", "RNN"), FACTOR, Op.GT);
                        }),
                new Claim("03.signature-training", "Training slows the GRU's decay (its factor rises above its"
                        + " untrained value at every seed, at its chosen learning rate, both budgets) and leaves the"
                        + " RNN's within 0.15 of its untrained value.", List.of("gru-shakespeare"), src -> {
                            Evidence ev = src.get("gru-shakespeare");
                            List<Verdict> parts = new ArrayList<>();
                            for (int s : ev.scales()) {
                                Condition g = ev.best(s, DEV, "cell", "GRU"), r = ev.best(s, DEV, "cell", "RNN");
                                parts.add(differenceAt(ev, s, g, FACTOR, FACTOR0, 0, Double.POSITIVE_INFINITY));
                                parts.add(differenceAt(ev, s, r, FACTOR, FACTOR0, -0.15, 0.15));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("03.bard-writes", "The Shakespeare GRU mostly writes: at its chosen learning rate fewer"
                        + " than a third of its update-gate values are below 0.1, at every seed and both budgets.",
                        List.of("gru-shakespeare"), src -> {
                            Evidence ev = src.get("gru-shakespeare");
                            return Checks.every(ev, Checks.bestOn(ev, DEV, "cell", "GRU"), KEEP, Op.LT, 100.0 / 3);
                        }),

                // ---------------------------------------------------------------- §4.2–§4.4: the adding problem
                new Claim("03.adding-rnn", "At T = 200 the RNN stays at the baseline: at every learning rate, every"
                        + " seed and both budgets its dev MSE is above 0.8 of predicting 1.", List.of("gru-adding"),
                        src -> {
                            Evidence ev = src.get("gru-adding");
                            List<Verdict> parts = new ArrayList<>();
                            for (Condition c : ev.where("cell", "RNN")) {
                                parts.add(Checks.every(ev, c, RATIO, Op.GT, 0.8));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("03.adding-gru", "At T = 200 the GRU with makemore's initialisation, at its learning rate"
                        + " chosen on dev, ends below a tenth of the baseline at every seed and both budgets.",
                        List.of("gru-adding"), src -> {
                            Evidence ev = src.get("gru-adding");
                            return Verdict.all(Checks.chosen(ev, MSE, "cell", "GRU", "b_z", "default"),
                                    Checks.every(ev, Checks.bestOn(ev, MSE, "cell", "GRU", "b_z", "default"), RATIO,
                                            Op.LT, 0.1));
                        }),
                new Claim("03.bias-solves", "With b_z = −3 the GRU solves T = 200 (dev MSE below 0.01) within 500"
                        + " steps at every seed, at lr 1e-2 and at 3e-2.", List.of("gru-adding"), src -> {
                            Evidence ev = src.get("gru-adding");
                            return Verdict.all(
                                    Checks.every(ev, cond("cell", "GRU", "b_z", "-3", "lr", "1e-2"), SOLVED_AT,
                                            Op.LE, 500),
                                    Checks.every(ev, cond("cell", "GRU", "b_z", "-3", "lr", "3e-2"), SOLVED_AT,
                                            Op.LE, 500));
                        }),
                new Claim("03.bias-neutral", "With makemore's initialisation the GRU solves T = 200 too, later: at lr"
                        + " 1e-2 within 2,000 steps at every seed.", List.of("gru-adding"), src -> {
                            Evidence ev = src.get("gru-adding");
                            return Checks.everyAt(ev, 4, cond("cell", "GRU", "b_z", "default", "lr", "1e-2"), SOLVED_AT,
                                    Op.LE, 2000);
                        }),
                new Claim("03.bias-speedup", "b_z = −3 speeds learning up by a modest factor, not by an order of"
                        + " magnitude: at lr 1e-2 the neutral GRU needs between 1.05 and 3 times the steps of the"
                        + " carrying one to solve T = 200, at every seed (within 2,000 steps); at lr 3e-2, where both"
                        + " have their lowest dev MSE, the two are within a factor of 3 of each other at every seed.",
                        List.of("gru-adding"), src -> {
                            Evidence ev = src.get("gru-adding");
                            return Verdict.all(Checks.chosen(ev, MSE, "cell", "GRU", "b_z", "default"),
                                    Checks.chosen(ev, MSE, "cell", "GRU", "b_z", "-3"),
                                    ratioAt(ev, 4, cond("cell", "GRU", "b_z", "default", "lr", "1e-2"),
                                            cond("cell", "GRU", "b_z", "-3", "lr", "1e-2"), SOLVED_AT, 1.05, 3),
                                    ratioAt(ev, 4, cond("cell", "GRU", "b_z", "default", "lr", "3e-2"),
                                            cond("cell", "GRU", "b_z", "-3", "lr", "3e-2"), SOLVED_AT, 1.0 / 3, 3));
                        }),
                new Claim("03.adding-keeps", "Training on the adding problem teaches the GRU to keep: with makemore's"
                        + " initialisation none of its update-gate values starts below 0.1, and after training at its"
                        + " learning rate chosen on dev at least a third are, at every seed and both budgets; with"
                        + " b_z = −3 (all below 0.1 at the start) more than two thirds still are after training at lr"
                        + " 1e-2 and 3e-2.", List.of("gru-adding"), src -> {
                            Evidence ev = src.get("gru-adding");
                            List<Verdict> parts = new ArrayList<>();
                            parts.add(Checks.chosen(ev, MSE, "cell", "GRU", "b_z", "default"));
                            parts.add(Checks.every(ev, cond("cell", "GRU", "b_z", "default", "lr", "3e-2"), KEEP0,
                                    Op.LE, 0));
                            parts.add(Checks.every(ev, Checks.bestOn(ev, MSE, "cell", "GRU", "b_z", "default"), KEEP,
                                    Op.GE, 100.0 / 3));
                            for (String lr : List.of("1e-2", "3e-2")) {
                                parts.add(Checks.every(ev, cond("cell", "GRU", "b_z", "-3", "lr", lr), KEEP, Op.GT,
                                        200.0 / 3));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("03.carry-not-floor", "The carry path ∏(1 − z) is an estimate of a keeper's own gradient,"
                        + " not a floor: in every trained GRU at lr 1e-2 and 3e-2, with either initialisation, some"
                        + " keeper passes less than its carry path (smallest measured / carry below 1) and none more"
                        + " than 20 times it, at every seed and both budgets; at 1× every keeper is within a factor of"
                        + " 10 of it either way.", List.of("gru-adding"), src -> {
                            Evidence ev = src.get("gru-adding");
                            List<Verdict> parts = new ArrayList<>();
                            for (String bz : List.of("default", "-3")) {
                                for (String lr : List.of("1e-2", "3e-2")) {
                                    Condition c = cond("cell", "GRU", "b_z", bz, "lr", lr);
                                    parts.add(Checks.every(ev, c, CARRY_MIN, Op.LT, 1));
                                    parts.add(Checks.every(ev, c, CARRY_MAX, Op.LT, 20));
                                    parts.add(Checks.everyAt(ev, 1, c, CARRY_MIN, Op.GT, 0.1));
                                    parts.add(Checks.everyAt(ev, 1, c, CARRY_MAX, Op.LT, 10));
                                }
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("03.bound-vacuous", "The lower bound of §2 holds at initialisation with b_z = −3 (not"
                        + " vacuous at any step) and says nothing after training: in every GRU trained at lr 1e-2 or"
                        + " 3e-2 its value over steps 101–200 is 0 (some step has (1 + c)·max z ≥ 1).",
                        List.of("gru-adding"), src -> {
                            Evidence ev = src.get("gru-adding");
                            List<Verdict> parts = new ArrayList<>();
                            parts.add(Checks.every(ev, cond("cell", "GRU", "b_z", "-3", "lr", "1e-2"), NOT_VACUOUS0,
                                    Op.GE, 100));
                            for (String bz : List.of("default", "-3")) {
                                for (String lr : List.of("1e-2", "3e-2")) {
                                    parts.add(Checks.every(ev, cond("cell", "GRU", "b_z", bz, "lr", lr), BOUND, Op.LE,
                                            0));
                                }
                            }
                            return Verdict.all(parts);
                        }),

                // ---------------------------------------------------------------- §4.5: the reset gate
                new Claim("03.reset-speed", "The reset gate speeds learning: at lr 1e-2 the GRU gets below an MSE of"
                        + " 0.01 sooner than the GRU with r ≡ 1 at every seed (within 4,000 steps); at 3e-2 sooner"
                        + " on average over the seeds.",
                        List.of("gru-reset"), src -> {
                            Evidence ev = src.get("gru-reset");
                            return Verdict.all(Checks.pairsAt(ev, 4, cond("arm", "GRU", "lr", "1e-2"),
                                            cond("arm", "GRU r≡1", "lr", "1e-2"), BELOW_1, Op.LT),
                                    Checks.means(ev, cond("arm", "GRU", "lr", "3e-2"),
                                            cond("arm", "GRU r≡1", "lr", "3e-2"), BELOW_1, Op.LT));
                        }),
                new Claim("03.reset-final", "Without the reset gate the GRU learns the task as well, given time: at"
                        + " 4,000 steps both arms end below an MSE of 0.01 at every seed, at lr 1e-2 and 3e-2.",
                        List.of("gru-reset"), src -> {
                            Evidence ev = src.get("gru-reset");
                            List<Verdict> parts = new ArrayList<>();
                            for (String arm : List.of("GRU", "GRU r≡1")) {
                                for (String lr : List.of("1e-2", "3e-2")) {
                                    parts.add(Checks.everyAt(ev, 4, cond("arm", arm, "lr", lr), MSE, Op.LT, 0.01));
                                }
                            }
                            return Verdict.all(parts);
                        }),

                // ---------------------------------------------------------------- §5: counting
                new Claim("03.gru-stops", "The GRU stops near its training range: for every training range (n ≤ 10,"
                        + " 16, 32), both sizes (H = 8, 32) and every learning rate, it accepts no word longer than"
                        + " 1.5 × the longest it was trained on, at every seed and both budgets.",
                        List.of("gru-counting"), src -> {
                            Evidence ev = src.get("gru-counting");
                            List<Verdict> parts = new ArrayList<>();
                            for (Condition c : ev.where("cell", "GRU")) {
                                parts.add(Checks.every(ev, c, LARGEST, Op.LE, 1.5 * c.integer("nTrain")));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("03.gru-collapse", "Where the GRU's state stops moving is set by the training range: at 1×"
                        + " (lr 1e-2, every range and size, every seed) the gap between aⁿ and aⁿ⁺¹ collapses beyond"
                        + " the training range and before 3 × its end, and later the longer the training words, seed by"
                        + " seed (n ≤ 10, then 16, then 32; H = 8); at 4× it never collapses within the training range."
                        + " The LSTM's gap never collapses up to n = 100 (both budgets).", List.of("gru-counting"),
                        src -> {
                            Evidence ev = src.get("gru-counting");
                            List<Verdict> parts = new ArrayList<>();
                            for (Condition c : ev.where("lr", "1e-2")) {
                                int n = c.integer("nTrain");
                                if (c.get("cell").equals("LSTM")) {
                                    parts.add(Checks.every(ev, c, COLLAPSE, Op.GE, COUNT_TEST));
                                } else {
                                    parts.add(Checks.every(ev, c, COLLAPSE, Op.GT, n));
                                    parts.add(Checks.everyAt(ev, 1, c, COLLAPSE, Op.LE, 3 * n));
                                }
                            }
                            Condition n10 = cond("cell", "GRU", "H", "8", "nTrain", "10", "lr", "1e-2"),
                                    n16 = cond("cell", "GRU", "H", "8", "nTrain", "16", "lr", "1e-2"),
                                    n32 = cond("cell", "GRU", "H", "8", "nTrain", "32", "lr", "1e-2");
                            parts.add(Checks.pairsAt(ev, 1, n10, n16, COLLAPSE, Op.LT));
                            parts.add(Checks.pairsAt(ev, 1, n16, n32, COLLAPSE, Op.LT));
                            return Verdict.all(parts);
                        }),
                new Claim("03.gru-fixed-point", "At 1×, trained on n ≤ 10 or n ≤ 16 (H = 8, lr 1e-2), the GRU's state"
                        + " has stopped by n = 50: its largest step there is below a tenth of its smallest step within"
                        + " the training range, at every seed. The LSTM's cell still moves by more than half of it at"
                        + " every range, seed and both budgets.", List.of("gru-counting"), src -> {
                            Evidence ev = src.get("gru-counting");
                            List<Verdict> parts = new ArrayList<>();
                            for (Condition c : ev.where("lr", "1e-2", "H", "8")) {
                                if (c.get("cell").equals("LSTM")) {
                                    parts.add(Checks.every(ev, c, GAP_RATIO, Op.GT, 0.5));
                                } else if (c.integer("nTrain") <= 16) {
                                    parts.add(Checks.everyAt(ev, 1, c, GAP_RATIO, Op.LT, 0.1));
                                }
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("03.lstm-counter", "The LSTM's cell learns a linear counter: trained on n ≤ 16 at lr 3e-3"
                        + " or 3e-2, at every seed and both budgets, its most linear unit's c after aⁿ is a line in"
                        + " n = 1 … 100 (R² above 0.99) with a mean forget gate above 0.97; at lr 1e-2 so at every"
                        + " range and seed at 1×; at lr 1e-3 R² above 0.95 and f above 0.97. Untrained, the most linear unit's R² is below 0.5. The GRU's most"
                        + " linear unit (H = 8, lr 1e-2) is no line: R² below 0.95.", List.of("gru-counting"),
                        src -> {
                            Evidence ev = src.get("gru-counting");
                            List<Verdict> parts = new ArrayList<>();
                            for (Condition c : ev.where("cell", "LSTM")) {
                                boolean all = !c.get("lr").equals("1e-2");
                                double line = c.get("lr").equals("1e-3") ? 0.95 : 0.99;
                                parts.add(all ? Checks.every(ev, c, COUNTER, Op.GT, line)
                                        : Checks.everyAt(ev, 1, c, COUNTER, Op.GT, 0.99));
                                parts.add(all ? Checks.every(ev, c, COUNTER_F, Op.GT, 0.97)
                                        : Checks.everyAt(ev, 1, c, COUNTER_F, Op.GT, 0.97));
                                parts.add(Checks.every(ev, c, COUNTER0, Op.LT, 0.5));
                            }
                            for (Condition c : ev.where("cell", "GRU", "H", "8", "lr", "1e-2")) {
                                parts.add(Checks.every(ev, c, COUNTER, Op.LT, 0.95));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("03.lstm-beyond", "Same data, same budget, the LSTM accepts longer words than the GRU: on"
                        + " average over the seeds, at lr 3e-3, 1e-2 and 3e-2 (n ≤ 16) and at every training range"
                        + " (lr 1e-2), at both budgets (H = 8).", List.of("gru-counting"), src -> {
                            Evidence ev = src.get("gru-counting");
                            List<Verdict> parts = new ArrayList<>();
                            for (Condition c : ev.where("cell", "LSTM")) {
                                if (c.get("lr").equals("1e-3")) continue;
                                parts.add(Checks.means(ev, c, cond("cell", "GRU", "H", "8", "nTrain",
                                        c.get("nTrain"), "lr", c.get("lr")), ACCEPTS, Op.GT));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("03.lstm-readout", "A counter is not enough: trained on n ≤ 16 at lr 1e-3, the LSTM's cell"
                        + " holds a line in n (R² above 0.95) at every seed and both budgets, and still accepts no word"
                        + " longer than 32 (twice the training range).", List.of("gru-counting"), src -> {
                            Evidence ev = src.get("gru-counting");
                            Condition c = cond("cell", "LSTM", "H", "8", "nTrain", "16", "lr", "1e-3");
                            return Verdict.all(Checks.every(ev, c, COUNTER, Op.GT, 0.95),
                                    Checks.every(ev, c, LARGEST, Op.LE, 32));
                        }),
                new Claim("03.saturation", "Saturation does not tell the two apart: while they read the a's beyond"
                        + " the training range, more of the LSTM's gates are within 0.01 of 0 or 1 than of the GRU's,"
                        + " on average over the seeds (n ≤ 16, H = 8, lr 1e-2, both budgets).", List.of("gru-counting"),
                        src -> {
                            Evidence ev = src.get("gru-counting");
                            return Checks.means(ev, cond("cell", "LSTM", "H", "8", "nTrain", "16", "lr", "1e-2"),
                                    cond("cell", "GRU", "H", "8", "nTrain", "16", "lr", "1e-2"), SATURATED, Op.GT);
                        }));
    }

    // ============================================================================ checks of one budget

    /** metric(a) / metric(b) seed by seed at one budget within [lo, hi], with the mean ratio. */
    static Verdict ratioAt(Evidence ev, int scale, Condition a, Condition b, String metric, double lo, double hi) {
        long[] seeds = ev.seeds(a, scale);
        double[] r = new double[seeds.length];
        int ok = 0;
        double sum = 0;
        for (int j = 0; j < seeds.length; j++) {
            r[j] = ev.run(a, scale, seeds[j]).metric(metric) / ev.run(b, scale, seeds[j]).metric(metric);
            if (r[j] >= lo && r[j] <= hi) ok++;
            sum += r[j];
        }
        return Verdict.of(ok == seeds.length && seeds.length > 0, String.format(Locale.ROOT,
                "%d×: %s: %s / %s per seed in [%s, %s] at %d of %d seeds (%s; mean %s)", scale, metric, a.label(),
                b.label(), Checks.fmt(lo), Checks.fmt(hi), ok, seeds.length, Checks.list(r),
                Checks.fmt(sum / seeds.length)));
    }

    /** metric a − metric b of one condition, seed by seed at one budget, within [lo, hi]. */
    static Verdict differenceAt(Evidence ev, int scale, Condition c, String a, String b, double lo, double hi) {
        double[] va = ev.values(c, scale, a), vb = ev.values(c, scale, b), d = new double[va.length];
        int ok = 0;
        for (int j = 0; j < d.length; j++) {
            d[j] = va[j] - vb[j];
            if (d[j] >= lo && d[j] <= hi) ok++;
        }
        return Verdict.of(ok == d.length && d.length > 0, String.format(Locale.ROOT,
                "%d×: %s: %s − %s in [%s, %s] at %d of %d seeds (%s)", scale, c.label(), a, b, Checks.fmt(lo),
                Checks.fmt(hi), ok, d.length, Checks.list(d)));
    }
}
