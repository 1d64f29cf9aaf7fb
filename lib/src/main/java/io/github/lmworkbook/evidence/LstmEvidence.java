package io.github.lmworkbook.evidence;

import io.github.lmworkbook.analysis.DecayFit;
import io.github.lmworkbook.analysis.LstmTrace;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.cells.Step;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.CountingLanguage;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.DelayedCopyTask;
import io.github.lmworkbook.data.RecallTask;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.experiments.CountingSweep;
import io.github.lmworkbook.experiments.DelayedCopySweep;
import io.github.lmworkbook.experiments.GradientFlowSweep;
import io.github.lmworkbook.experiments.Outcome;
import io.github.lmworkbook.experiments.RecallSweep;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Trainer;
import io.github.lmworkbook.train.TrainingDivergedException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Notebook 04's evidence (the LSTM). Four experiments, each with the control its claim needs:
 * <ul>
 *   <li>{@code lstm-flow}: the gradient through c and through h of language models trained on Tiny Shakespeare (the
 *       RNN and the GRU beside the LSTM), each measured on the same model before training (the untrained control),
 *       and the trained forget gates (units that keep, memory times), at three learning rates;</li>
 *   <li>{@code lstm-copy}: the delayed copy at k = 15 — the LSTM with forget-gate bias 0 and 1, the RNN and the GRU,
 *       each at four learning rates (the best chosen on a dev set of its own, the test set apart);</li>
 *   <li>{@code lstm-counting}: aⁿbⁿ trained on n ≤ 10 and read to n = 60 — whether a unit counts (its value after
 *       aⁿ against n, trained and untrained), and where acceptance ends: the first wrong prediction against n, and
 *       the counting unit's forget gate while it counts the a's and while the b's are read back;</li>
 *   <li>{@code lstm-recall}: recalling a string through the state, at the budget and 4× it (the control that tells a
 *       budget from a capacity).</li>
 * </ul>
 */
final class LstmEvidence implements Catalog.Topic {

    static final String DIVERGED = "diverged", DEV = "dev loss", TEST = "test loss";

    /** The outcome of a run whose training diverged: NaN for every metric a claim reads, and the mark. */
    static Outcome diverged(String... metrics) {
        Outcome o = new Outcome();
        for (String m : metrics) o.metric(m, Double.NaN);
        return o.metric(DIVERGED, 1);
    }

    // ------------------------------------------------------------------------------------------ lstm-flow

    static final List<String> FLOW_CELLS = List.of("RNN", "GRU", "LSTM");
    static final List<String> FLOW_LRS = List.of("3e-3", "1e-2", "3e-2");
    static final int FLOW_STEPS = 200, FLOW_T = 32, FLOW_B = 32, FLOW_H = 32, PASSAGES = 16, PASSAGE = 40;

    static final String FACTOR_H = "factor of ‖∂L/∂h_t‖", FACTOR_C = "factor of ‖∂L/∂c_t‖",
            FACTOR_H0 = "untrained factor of ‖∂L/∂h_t‖", FACTOR_C0 = "untrained factor of ‖∂L/∂c_t‖",
            KEEPING = "units with mean f ≥ 0.9", KEEPING0 = "untrained units with mean f ≥ 0.9",
            TAU_MEDIAN = "median memory time", TAU_MAX = "longest memory time",
            TAU_MEDIAN0 = "untrained median memory time", TAU_MAX0 = "untrained longest memory time",
            GRAD_H = "‖∂L/∂h_t‖", GRAD_C = "‖∂L/∂c_t‖", GRAD_H0 = "untrained ‖∂L/∂h_t‖",
            GRAD_C0 = "untrained ‖∂L/∂c_t‖";

    /** Tiny Shakespeare as the flow runs use it. */
    record Text(int V, TextDataset train, List<Batch> dev, List<Batch> test, List<int[]> passages) {}

    private static volatile Text text;

    /**
     * Tiny Shakespeare: the first 90 % to train on (random chunks of 32), the rest held out — its first 6,400
     * characters the dev set, the next 6,400 the test set (chunks of 32), then 16 passages of 40 characters, 100 apart,
     * for the gradient.
     */
    static Text text() {
        if (text == null) {
            synchronized (LstmEvidence.class) {
                if (text == null) {
                    String s = Datasets.text("tinyshakespeare");
                    Vocabulary chars = Vocabulary.ofText(s);
                    TextDataset[] parts = new TextDataset(s, chars).splitAt(0.9);
                    int n = 200 * FLOW_T;
                    List<Batch> dev = new ArrayList<>(), test = new ArrayList<>();
                    parts[1].slice(0, n + 1).inOrder(100, FLOW_T).forEach(dev::add);
                    parts[1].slice(n, 2 * n + 1).inOrder(100, FLOW_T).forEach(test::add);
                    int[] ids = parts[1].tokens();
                    List<int[]> passages = new ArrayList<>();
                    for (int p = 0; p < PASSAGES; p++) {
                        int from = 2 * n + 100 * p;
                        passages.add(Arrays.copyOfRange(ids, from, from + PASSAGE));
                    }
                    text = new Text(chars.size(), parts[0], List.copyOf(dev), List.copyOf(test), List.copyOf(passages));
                }
            }
        }
        return text;
    }

    /** {units with mean f ≥ 0.9, median memory time, longest memory time} of an LSTM model on the passages. */
    static double[] forgetGates(RecurrentLM m, List<int[]> passages) {
        List<LstmTrace> traces = new ArrayList<>();
        for (int[] p : passages) traces.add(LstmTrace.of((LstmCell) m.cell, new Matrix(1, 2 * m.H), m.embed(p)));
        double keeping = Arrays.stream(LstmTrace.meanForget(traces)).filter(f -> f >= 0.9).count();
        double[] tau = LstmTrace.memoryTimes(traces);
        Arrays.sort(tau);
        double median = tau.length % 2 == 1 ? tau[tau.length / 2] : (tau[tau.length / 2 - 1] + tau[tau.length / 2]) / 2;
        return new double[] {keeping, median, tau[tau.length - 1]};
    }

    /** The flow measurements of a model into the outcome, with a prefix for the untrained ones. */
    static void measureFlow(RecurrentLM m, Text k, Outcome o, boolean trained) {
        double[][] g = GradientFlowSweep.meanFlow(m, k.passages());
        int T = g[0].length - 1;
        double[] dist = new double[T + 1];
        for (int i = 0; i <= T; i++) dist[i] = i;
        o.metric(trained ? FACTOR_H : FACTOR_H0, DecayFit.of(g[0], 1, T).factor())
                .curve(trained ? GRAD_H : GRAD_H0, dist, g[0]);
        if (g[1] != null) {
            o.metric(trained ? FACTOR_C : FACTOR_C0, DecayFit.of(g[1], 1, T).factor())
                    .curve(trained ? GRAD_C : GRAD_C0, dist, g[1]);
            double[] f = forgetGates(m, k.passages());
            o.metric(trained ? KEEPING : KEEPING0, f[0]).metric(trained ? TAU_MEDIAN : TAU_MEDIAN0, f[1])
                    .metric(trained ? TAU_MAX : TAU_MAX0, f[2]);
        }
    }

    /** One flow run: a cell at a learning rate, its untrained measurements, 200 × scale steps, the trained ones. */
    static Outcome flow(Condition c, long seed, int scale) {
        Text k = text();
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(k.V(), CellType.of(c.get("cell")), FLOW_H, FLOW_H,
                false, seed));
        double lr = c.number("lr");
        Outcome untrained = new Outcome();
        measureFlow(m, k, untrained, false);
        double dev0 = Trainer.evaluate(m, k.dev());
        Outcome o = new Outcome();
        try {
            Trainer.of(m, new AdamW(m, lr, 0.0)).data(k.train().randomChunks(FLOW_B, FLOW_T, seed)).clipGradNorm(1.0)
                    .steps((long) FLOW_STEPS * scale).quiet().run();
        } catch (TrainingDivergedException e) {
            return diverged(DEV, TEST, FACTOR_H, FACTOR_C, FACTOR_H0, FACTOR_C0, KEEPING, TAU_MEDIAN, TAU_MAX);
        }
        o.metric(DEV, Trainer.evaluate(m, k.dev())).metric(TEST, Trainer.evaluate(m, k.test()))
                .metric("untrained dev loss", dev0).metric(DIVERGED, 0);
        measureFlow(m, k, o, true);
        untrained.metrics().forEach(o::metric);
        untrained.curves().forEach((name, xy) -> o.curve(name, xy[0], xy[1]));
        return o;
    }

    // ------------------------------------------------------------------------------------------ lstm-copy

    static final List<String> COPY_MODELS = List.of("RNN", "GRU", "LSTM b_f=0", "LSTM b_f=1");
    static final List<String> COPY_LRS = List.of("3e-3", "1e-2", "3e-2", "1e-1");
    static final int COPY_LAG = 15, COPY_T = 25, COPY_STEPS = 600, COPY_H = 32;
    static final String COPY_DEV = "dev loss / chance";

    /** A recurrent language model of the copy: embedding 4, H = 32; the LSTM with its forget-gate bias set. */
    static RecurrentLM copyModel(String name, long seed) {
        CellType cell = name.startsWith("LSTM") ? CellType.LSTM : CellType.of(name);
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(4, cell, 4, COPY_H, false, seed));
        if (name.equals("LSTM b_f=0")) ((LstmCell) m.cell).setForgetBias(0.0);
        else if (name.equals("LSTM b_f=1")) ((LstmCell) m.cell).setForgetBias(1.0);
        else if (cell == CellType.LSTM) throw new IllegalArgumentException("copy: unknown model '" + name + "'");
        return m;
    }

    static Outcome copy(Condition c, long seed, int scale) {
        RecurrentLM m = copyModel(c.get("model"), seed);
        int steps = COPY_STEPS * scale;
        DelayedCopySweep.Config cfg = new DelayedCopySweep.Config(4, COPY_LAG, COPY_T, 4, COPY_H, 32, steps,
                steps / 10, c.number("lr"), 1.0, 256);
        DelayedCopyTask task = new DelayedCopyTask(4, COPY_T, COPY_LAG);
        Outcome o;
        try {
            o = DelayedCopySweep.one(m, seed, cfg);
        } catch (TrainingDivergedException e) {
            return diverged(DelayedCopySweep.LOSS, DelayedCopySweep.RATIO, COPY_DEV, DelayedCopySweep.KEEPING,
                    DelayedCopySweep.TAU);
        }
        double dev = Trainer.evaluate(m, task.fixedSet(1, 256, 2_000_000L + COPY_LAG));
        return o.metric(COPY_DEV, dev / task.chanceLoss()).metric(DIVERGED, 0);
    }

    // ------------------------------------------------------------------------------------------ lstm-counting

    static final List<String> COUNT_CELLS = List.of("RNN", "GRU", "LSTM");
    static final List<String> COUNT_LRS = List.of("3e-3", "1e-2", "3e-2");
    static final int COUNT_TRAIN = 10, COUNT_TEST = 60, COUNT_STEPS = 600, COUNT_H = 16;

    static final String ACCEPTS = CountingSweep.ACCEPTS, TRAIN_LOSS = "loss on n ≤ nTrain",
            R2 = "counter R²", R2_0 = "untrained counter R²", SLOPE = "counter step per a",
            GAP = "smallest counter gap (steps)",
            EARLY = "first rejected word: b's left at the first error", OTHER = "words with another error",
            END60 = "b's read when the end is predicted, n = 60", F_A = "counter's f over the a's, n = 60",
            F_B = "counter's f over the first 10 b's, n = 60", END = "end predicted at (b's read − n)",
            AFTER_A = "counter after aⁿ", AFTER_A0 = "untrained counter after aⁿ",
            TRACE = "counter in steps, reading a⁶⁰b⁶⁰";

    /**
     * The states of a counting model on the words aⁿbⁿ, n = 1 … N (c for an LSTM, h otherwise): s[n − 1][k] is the
     * state after the start, n a's and k b's (k = 0 … n), one row of H numbers.
     */
    static double[][][] states(RecurrentLM m, CountingLanguage lang, int N) {
        int[] ns = new int[N];
        for (int n = 1; n <= N; n++) ns[n - 1] = n;
        m.forward(lang.batch(ns), null);                 // row n − 1 = [start, a × n, b × n, padding]; one
                                                         // pass: loss(…) evaluates in chunks of whole rows
        double[][][] s = new double[N][][];
        for (int n = 1; n <= N; n++) {
            s[n - 1] = new double[n + 1][];
            for (int k = 0; k <= n; k++) {
                Step st = m.recurrence.step(1 + n + k);   // after x[0 … n + k]
                Matrix state = st.c != null ? st.c : st.h;
                s[n - 1][k] = state.data[n - 1].clone();
            }
        }
        return s;
    }

    /** The counting unit: the one whose value after the a's moves most over the training range. */
    static int counterUnit(double[][][] s, int nTrain) {
        int H = s[0][0].length, best = 0;
        double most = -1;
        for (int j = 0; j < H; j++) {
            double d = Math.abs(s[nTrain - 1][0][j] - s[0][0][j]);
            if (d > most) {
                most = d;
                best = j;
            }
        }
        return best;
    }

    /** The counting unit's value after aⁿ, n = 1 … N, and its R² against n. */
    static double[] afterA(double[][][] s, int j) {
        double[] v = new double[s.length];
        for (int n = 1; n <= s.length; n++) v[n - 1] = s[n - 1][0][j];
        return v;
    }

    static double[] ns(int N) {
        double[] x = new double[N];
        for (int n = 1; n <= N; n++) x[n - 1] = n;
        return x;
    }

    /** The slope of the least-squares line through (1, v₀), …, (n, v_{n−1}). */
    static double slope(double[] v, int n) {
        double mx = (n + 1) / 2.0, my = 0;
        for (int i = 0; i < n; i++) my += v[i] / n;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (i + 1 - mx) * (v[i] - my);
            sxx += (i + 1 - mx) * (i + 1 - mx);
        }
        return sxy / sxx;
    }

    /** The forget gate of unit j in row r at step t of an LSTM model's recurrence (as its last forward left it). */
    static double forget(RecurrentLM m, int t, int r, int j) {
        return ((LstmCell.LstmStep) m.recurrence.step(t)).gate(LstmCell.F, r, j);
    }

    /** One counting run: the untrained counter, training (CountingSweep.one), the trained counter and the readout. */
    static Outcome counting(Condition c, long seed, int scale) {
        CountingLanguage lang = new CountingLanguage(2);
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(lang.vocabSize(), CellType.of(c.get("cell")), 4,
                COUNT_H, false, seed));
        int N = COUNT_TEST, nTrain = COUNT_TRAIN;
        double[][][] s0 = states(m, lang, N);
        double[] a0 = afterA(s0, counterUnit(s0, nTrain));
        CountingSweep.Config cfg = new CountingSweep.Config(2, nTrain, N, 4, COUNT_H, 32, COUNT_STEPS * scale,
                c.number("lr"), 1.0);
        Outcome o;
        try {
            o = CountingSweep.one(m, seed, cfg);
        } catch (TrainingDivergedException e) {
            return diverged(ACCEPTS, TRAIN_LOSS, R2, R2_0, SLOPE, GAP, EARLY, OTHER, END60, F_A, F_B);
        }
        int[] inRange = new int[nTrain];
        for (int n = 1; n <= nTrain; n++) inRange[n - 1] = n;
        o.metric(TRAIN_LOSS, m.loss(lang.batch(inRange))).metric(DIVERGED, 0);

        double[][][] s = states(m, lang, N);
        int j = counterUnit(s, nTrain);
        double[] a = afterA(s, j);
        double step = slope(a, nTrain), gap = Double.POSITIVE_INFINITY;
        for (int n = 1; n < N; n++) gap = Math.min(gap, Math.abs(a[n] - a[n - 1]) / Math.abs(step));
        o.metric(R2, CompareEvidence.r2(a)).metric(R2_0, CompareEvidence.r2(a0)).metric(SLOPE, step)
                .metric(GAP, gap);

        // the counter through the longest word, in units of its step (1, 2, … while it counts the a's)
        double[] t = new double[2 * N], trace = new double[2 * N];
        for (int k = 0; k < 2 * N; k++) {
            t[k] = k + 1;
            trace[k] = (k < N ? s[k][0][j] : s[N - 1][k + 1 - N][j]) / step;
        }
        if (m.cell instanceof LstmCell) {          // the recurrence still holds the words of states(): row N − 1
            double fa = 0, fb = 0;
            for (int k = 1; k <= N; k++) fa += forget(m, 1 + k, N - 1, j);          // the k-th a
            for (int k = 1; k <= 10; k++) fb += forget(m, 1 + N + k, N - 1, j);     // the k-th b
            o.metric(F_A, fa / N).metric(F_B, fb / 10);
        }

        // where the model ends the word: the first k (b's read) at which its most probable next symbol is the end
        int[][] pred = CountingSweep.predictions(m, lang, N);
        double[] end = new double[N];
        int other = 0;
        for (int n = 1; n <= N; n++) {
            int[] p = pred[n - 1];
            int k = 1;
            while (k <= n && p[n + k] != 0) k++;     // p[n + k]: after the start, n a's and k b's
            end[n - 1] = k - n;                      // 0: right; < 0: too early; +1: missed the end
            boolean wrongElsewhere = p[0] != 1;      // the first symbol is an a
            for (int i = 1; i < Math.min(k, n); i++) if (p[n + i] != 2) wrongElsewhere = true;   // an a for a b
            if (wrongElsewhere) other++;
        }
        int first = (int) o.metric(ACCEPTS) + 1;      // the first rejected word
        o.metric(EARLY, first > N ? Double.NaN : -end[first - 1]).metric(OTHER, other).metric(END60, end[N - 1] + N);
        o.curve(END, ns(N), end).curve(AFTER_A, ns(N), a).curve(AFTER_A0, ns(N), a0).curve(TRACE, t, trace);
        return o;
    }

    // ------------------------------------------------------------------------------------------ lstm-recall

    static final List<String> RECALL_LRS = List.of("3e-3", "1e-2", "3e-2", "1e-1");
    static final List<Integer> RECALL_LS = List.of(4, 8, 12);
    static final int RECALL_STEPS = 600;
    static final String RECALL_DEV = "dev error", RECALL_ACC = RecallSweep.ACCURACY;

    static List<Condition> recallConditions() {
        List<Condition> out = new ArrayList<>();
        for (Object[] ch : new Object[][] {{"LSTM", 8}, {"LSTM", 16}, {"RNN", 16}, {"RNN", 34}}) {
            out.addAll(Experiment.grid("cell", ch[0], "H", ch[1], "L", RECALL_LS, "lr", RECALL_LRS));
        }
        return out;
    }

    static Outcome recall(Condition c, long seed, int scale) {
        int L = c.integer("L");
        RecallTask task = new RecallTask(4, L);
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(task.vocabSize(), CellType.of(c.get("cell")), 8,
                c.integer("H"), false, seed));
        RecallSweep.Config cfg = new RecallSweep.Config(4, 8, RECALL_STEPS * scale, 32, c.number("lr"), 1.0, 512);
        Outcome o;
        try {
            o = RecallSweep.one(m, task, seed, cfg);
        } catch (TrainingDivergedException e) {
            return diverged(RECALL_ACC, RECALL_DEV);
        }
        double dev = RecallSweep.accuracy(m, task.fixedSet(1, 512, 2_000_000L + L));
        return o.metric(RECALL_DEV, 1 - dev).metric("parameters", m.numParams()).metric(DIVERGED, 0);
    }

    // ------------------------------------------------------------------------------------------ the topic

    @Override
    public List<Experiment> experiments() {
        return List.of(
                new Experiment("lstm-flow", "the gradient through c and h on Tiny Shakespeare, trained and untrained:"
                        + " RNN, GRU, LSTM at three learning rates", "04",
                        Experiment.grid("cell", FLOW_CELLS, "lr", FLOW_LRS), Experiment.FIVE, Experiment.BUDGETS,
                        FLOW_STEPS + " steps of " + FLOW_B + " chunks of " + FLOW_T,
                        "tinyshakespeare, first 90 % to train (random chunks of 32, batch 32), held out: dev = its"
                                + " first 200 chunks of 32, test = the next 200, then 16 passages of 40 characters"
                                + " 100 apart; RecurrentLM m = H = 32, no learned start, the cell's own init;"
                                + " AdamW(lr, wd 0) constant, clip 1.0; L = u·h_T (GradientFlowSweep.flow) on each"
                                + " passage, the norms' geometric mean over the passages, factor = DecayFit over"
                                + " distances 1 … 40; forget gates (LSTM) over the 16 passages (LstmTrace); the same"
                                + " measurements before training",
                        LstmEvidence::flow),
                new Experiment("lstm-copy", "the delayed copy at k = 15: LSTM b_f = 0 and 1, RNN, GRU at four"
                        + " learning rates", "04",
                        Experiment.grid("model", COPY_MODELS, "lr", COPY_LRS), Experiment.FIVE, Experiment.BUDGETS,
                        COPY_STEPS + " steps of 32 sequences",
                        "DelayedCopySweep.one: A = 4, T = 25, k = 15; RecurrentLM m = 4, H = 32, no learned start"
                                + " (LSTM b_f set to 0 or 1, the other weights as initialised); AdamW(lr, wd 0)"
                                + " warm-up 5 % + cosine to lr/10, clip 1.0, batch 32; test = 256 sequences (seed"
                                + " 1,000,015), dev = 256 others (seed 2,000,015)",
                        LstmEvidence::copy),
                new Experiment("lstm-counting", "counting aⁿbⁿ: trained on n ≤ 10, read to n = 60; the counter and"
                        + " the readout", "04",
                        Experiment.grid("cell", COUNT_CELLS, "lr", COUNT_LRS), Experiment.FIVE, Experiment.BUDGETS,
                        COUNT_STEPS + " steps of 32 words",
                        "CountingSweep.one: aⁿbⁿ, n drawn from 1 … 10, scored on n = 1 … 60; RecurrentLM m = 4,"
                                + " H = 16, no learned start, the cell's own init; AdamW(lr, wd 0) constant, clip"
                                + " 1.0, batch 32; counter = the unit (c for the LSTM, h otherwise) whose value after"
                                + " aⁿ moves most over n = 1 … 10, before and after training; the one-unit threshold"
                                + " fit on n ≤ 10; the model's end prediction for n = 1 … 60",
                        LstmEvidence::counting),
                new Experiment("lstm-recall", "recalling L symbols through the state: LSTM H = 8, 16, RNN H = 16"
                        + " and 34 (as many parameters as the LSTM of 16) at four learning rates", "04",
                        recallConditions(), Experiment.FIVE, Experiment.BUDGETS, RECALL_STEPS + " steps of 32 strings",
                        "RecallSweep.one: A = 4, m = 8; AdamW(lr, wd 0) warm-up 5 % + cosine to lr/10, clip 1.0,"
                                + " batch 32; test accuracy on 512 strings (seed 1,000,000 + L), dev on 512 others"
                                + " (seed 2,000,000 + L)",
                        LstmEvidence::recall));
    }

    // ------------------------------------------------------------------------------------------ the claims' checks

    /** metric op bound at every seed and budget, for each condition matching the partial condition. */
    static Verdict everyWhere(Evidence ev, String metric, Checks.Op op, double bound, Object... partial) {
        List<Verdict> v = new ArrayList<>();
        for (Condition c : ev.where(partial)) v.add(Checks.every(ev, c, metric, op, bound));
        return Verdict.all(v);
    }

    /**
     * Where a counting run stops accepting, its first error is a premature end (b's still to come at the first word it
     * rejects), and no word up to 60 has an error of another kind — for each condition matching, every seed and budget.
     */
    static Verdict earlyEnd(Evidence ev, Object... partial) {
        List<Verdict> v = new ArrayList<>();
        for (Condition c : ev.where(partial)) {
            for (int s : ev.scales()) {
                double[] acc = ev.values(c, s, ACCEPTS), early = ev.values(c, s, EARLY), other = ev.values(c, s, OTHER);
                int ok = 0;
                for (int j = 0; j < acc.length; j++) {
                    if (other[j] == 0 && (acc[j] >= COUNT_TEST || early[j] >= 1)) ok++;
                }
                v.add(Verdict.of(ok == acc.length, String.format(Locale.ROOT, "%d×: %s: accepts up to [%s]; b's left at"
                        + " the first error [%s] (NaN: accepts every word); words with another error [%s]; %d of %d"
                        + " seeds", s, c.label(), Checks.list(acc), Checks.list(early), Checks.list(other), ok,
                        acc.length)));
            }
        }
        return Verdict.all(v);
    }

    /**
     * Seed by seed at every budget: metric a of condition a op metric b of condition b (two metrics of the same runs, e.g.
     * a trained and an untrained factor; conditions chosen per budget).
     */
    static Verdict pairs(Evidence ev, IntFunction<Condition> a, String ma, IntFunction<Condition> b, String mb,
                         Checks.Op op) {
        List<Verdict> parts = new ArrayList<>();
        for (int s : ev.scales()) {
            Condition ca = a.apply(s), cb = b.apply(s);
            long[] seeds = ev.seeds(ca, s);
            double[] va = new double[seeds.length], vb = new double[seeds.length];
            int ok = 0;
            for (int j = 0; j < seeds.length; j++) {
                va[j] = ev.run(ca, s, seeds[j]).metric(ma);
                vb[j] = ev.run(cb, s, seeds[j]).metric(mb);
                if (op.test(va[j], vb[j])) ok++;
            }
            parts.add(Verdict.of(ok == seeds.length && seeds.length > 0, String.format(Locale.ROOT,
                    "%d×: %s, %s [%s] %s %s, %s [%s] at %d of %d seeds", s, ca.label(), ma, Checks.list(va),
                    op.symbol, cb.label(), mb, Checks.list(vb), ok, seeds.length)));
        }
        return Verdict.all(parts);
    }

    /** The condition with the lowest mean of a metric among those matching, per budget, as a function. */
    static IntFunction<Condition> best(Evidence ev, String metric, Object... partial) {
        return Checks.bestOn(ev, metric, partial);
    }

    /** The recall condition chosen on dev for a cell, a state size and a length, per budget. */
    static IntFunction<Condition> recallBest(Evidence ev, String cell, int H, int L) {
        return best(ev, RECALL_DEV, "cell", cell, "H", H, "L", L);
    }

    @Override
    public List<Claim> claims() {
        return List.of(
                // ---- 4.1 the gradient through c and h (lstm-flow)
                new Claim("04.flow-c-beats-rnn", "Trained on Tiny Shakespeare, the LSTM's gradient through c decays"
                        + " more slowly per step than the RNN's through h, at every seed and both budgets (each cell at"
                        + " its learning rate chosen on dev).", List.of("lstm-flow"), src -> {
                    Evidence ev = src.get("lstm-flow");
                    return Verdict.all(Checks.chosen(ev, DEV, "cell", "LSTM"), Checks.chosen(ev, DEV, "cell", "RNN"),
                            pairs(ev, best(ev, DEV, "cell", "LSTM"), FACTOR_C, best(ev, DEV, "cell", "RNN"), FACTOR_H,
                                    Checks.Op.GT));
                }),
                new Claim("04.flow-untrained", "The order is there before training: untrained, the LSTM's factor"
                        + " through c is above the RNN's through h, seed by seed, and so is the GRU's through h.",
                        List.of("lstm-flow"), src -> {
                    Evidence ev = src.get("lstm-flow");
                    return Verdict.all(
                            pairs(ev, best(ev, DEV, "cell", "LSTM"), FACTOR_C0, best(ev, DEV, "cell", "RNN"), FACTOR_H0,
                                    Checks.Op.GT),
                            pairs(ev, best(ev, DEV, "cell", "GRU"), FACTOR_H0, best(ev, DEV, "cell", "RNN"), FACTOR_H0,
                                    Checks.Op.GT));
                }),
                new Claim("04.flow-trained-c", "Training raises the LSTM's factor through c above its untrained"
                        + " value, at every seed and both budgets (at the learning rate chosen on dev).",
                        List.of("lstm-flow"), src -> {
                    Evidence ev = src.get("lstm-flow");
                    IntFunction<Condition> at = best(ev, DEV, "cell", "LSTM");
                    return pairs(ev, at, FACTOR_C, at, FACTOR_C0, Checks.Op.GT);
                }),
                new Claim("04.flow-gru", "The GRU's factor through h after training is above the RNN's at every"
                        + " seed and both budgets (each at its learning rate chosen on dev).", List.of("lstm-flow"),
                        src -> {
                    Evidence ev = src.get("lstm-flow");
                    return Verdict.all(Checks.chosen(ev, DEV, "cell", "GRU"),
                            pairs(ev, best(ev, DEV, "cell", "GRU"), FACTOR_H, best(ev, DEV, "cell", "RNN"), FACTOR_H,
                                    Checks.Op.GT));
                }),
                new Claim("04.flow-memory", "The trained LSTMs keep little of Shakespeare for long: at most 8 of"
                        + " the 32 units have a mean forget gate of 0.9 or more and the longest memory time is under 30"
                        + " characters; training lengthens the longest memory time and shortens the median one, against"
                        + " the same model before training — at every seed and both budgets (at the learning rate"
                        + " chosen on dev).", List.of("lstm-flow"), src -> {
                    Evidence ev = src.get("lstm-flow");
                    IntFunction<Condition> at = best(ev, DEV, "cell", "LSTM");
                    return Verdict.all(Checks.every(ev, at, KEEPING, Checks.Op.LE, 8),
                            Checks.every(ev, at, TAU_MAX, Checks.Op.LT, 30),
                            Checks.metrics(ev, at, TAU_MAX, Checks.Op.GT, TAU_MAX0),
                            Checks.metrics(ev, at, TAU_MEDIAN, Checks.Op.LT, TAU_MEDIAN0));
                }),

                // ---- 4.3 the delayed copy (lstm-copy)
                new Claim("04.copy-bf0", "With b_f = 0 the LSTM stays at the chance loss at learning rates 3e-2"
                        + " and 1e-1 (loss/chance ≥ 0.99 at every seed and both budgets); only the smaller rates move"
                        + " it.", List.of("lstm-copy"),
                        src -> {
                    Evidence ev = src.get("lstm-copy");
                    List<Verdict> v = new ArrayList<>();
                    for (String lr : List.of("3e-2", "1e-1")) {
                        v.add(Checks.every(ev, Condition.of("model", "LSTM b_f=0", "lr", lr), DelayedCopySweep.RATIO,
                                Checks.Op.GE, 0.99));
                    }
                    return Verdict.all(v);
                }),
                new Claim("04.copy-bf1", "With b_f = 1 the LSTM ends below b_f = 0 at every learning rate, seed"
                        + " and budget.", List.of("lstm-copy"), src -> {
                    Evidence ev = src.get("lstm-copy");
                    List<Verdict> v = new ArrayList<>();
                    for (String lr : COPY_LRS) {
                        v.add(Checks.pairs(ev, Condition.of("model", "LSTM b_f=1", "lr", lr), Condition.of("model",
                                "LSTM b_f=0", "lr", lr), DelayedCopySweep.RATIO, Checks.Op.LT));
                    }
                    return Verdict.all(v);
                }),
                new Claim("04.copy-lstm-gru", "Each model at its learning rate chosen on dev, the LSTM with b_f = 1"
                        + " ends below the GRU at every seed and both budgets.", List.of("lstm-copy"), src -> {
                    Evidence ev = src.get("lstm-copy");
                    return Verdict.all(Checks.chosen(ev, COPY_DEV, "model", "LSTM b_f=1"),
                            Checks.chosen(ev, COPY_DEV, "model", "GRU"),
                            Checks.pairs(ev, best(ev, COPY_DEV, "model", "LSTM b_f=1"), best(ev, COPY_DEV, "model",
                                    "GRU"), DelayedCopySweep.RATIO, Checks.Op.LT));
                }),
                new Claim("04.copy-rnn-4x", "At 2,400 steps the plain RNN is the only model that solves the copy:"
                        + " loss below 5 % of chance at every seed, where the LSTM (b_f = 1) and the GRU stay above"
                        + " 15 % (each at its learning rate chosen on dev).", List.of("lstm-copy"), src -> {
                    Evidence ev = src.get("lstm-copy");
                    return Verdict.all(Checks.chosen(ev, COPY_DEV, "model", "RNN"),
                            Checks.everyAt(ev, 4, best(ev, COPY_DEV, "model", "RNN"), DelayedCopySweep.RATIO,
                                    Checks.Op.LT, 0.05),
                            Checks.everyAt(ev, 4, best(ev, COPY_DEV, "model", "LSTM b_f=1"), DelayedCopySweep.RATIO,
                                    Checks.Op.GT, 0.15),
                            Checks.everyAt(ev, 4, best(ev, COPY_DEV, "model", "GRU"), DelayedCopySweep.RATIO,
                                    Checks.Op.GT, 0.15));
                }),

                // ---- 4.4 counting (lstm-counting)
                new Claim("04.counting-counter", "The LSTM's cell counts: at learning rate 1e-2 (every seed, both"
                        + " budgets; at 3e-2 with 4× the steps a seed can lose its counter), the unit of c that moves"
                        + " most over the training range is a line in n up to n = 60 (R² ≥ 0.99 of its value after"
                        + " aⁿ, n = 1 … 60), while it counts its forget gate stays near 1 (mean over the 60 a's ≥ 0.97),"
                        + " and the same unit before training is no line (R² ≤ 0.5).", List.of("lstm-counting"),
                        src -> {
                    Evidence ev = src.get("lstm-counting");
                    return Verdict.all(everyWhere(ev, R2, Checks.Op.GE, 0.99, "cell", "LSTM", "lr", "1e-2"),
                            everyWhere(ev, F_A, Checks.Op.GE, 0.97, "cell", "LSTM", "lr", "1e-2"),
                            everyWhere(ev, R2_0, Checks.Op.LE, 0.5, "cell", "LSTM"));
                }),
                new Claim("04.counting-apart", "The LSTM keeps the counts apart and the GRU and the RNN do not: the"
                        + " smallest difference between the counter after aⁿ and after aⁿ⁺¹ (n < 60), in units of"
                        + " its step per a, is at least 0.5 for the LSTM at learning rate 1e-2, and below 0.01 for the GRU's and the RNN's most-moving"
                        + " unit in every run (every rate, seed and budget).", List.of("lstm-counting"), src -> {
                    Evidence ev = src.get("lstm-counting");
                    return Verdict.all(everyWhere(ev, GAP, Checks.Op.GE, 0.5, "cell", "LSTM", "lr", "1e-2"),
                            everyWhere(ev, GAP, Checks.Op.LT, 0.01, "cell", "GRU"),
                            everyWhere(ev, GAP, Checks.Op.LT, 0.01, "cell", "RNN"));
                }),
                new Claim("04.counting-gru-rnn", "No unit of the GRU's or the RNN's h is such a line: the unit that"
                        + " moves most over the training range has R² ≤ 0.6 in every run.", List.of("lstm-counting"),
                        src -> {
                    Evidence ev = src.get("lstm-counting");
                    return Verdict.all(everyWhere(ev, R2, Checks.Op.LE, 0.6, "cell", "GRU"),
                            everyWhere(ev, R2, Checks.Op.LE, 0.6, "cell", "RNN"));
                }),
                new Claim("04.counting-beyond", "At each cell's learning rate chosen on the training words, every"
                        + " LSTM seed accepts beyond the training range (every word up to n = 12 at least), and further"
                        + " than the GRU and the RNN, seed by seed, at both budgets.", List.of("lstm-counting"),
                        src -> {
                    Evidence ev = src.get("lstm-counting");
                    IntFunction<Condition> lstm = best(ev, TRAIN_LOSS, "cell", "LSTM");
                    return Verdict.all(Checks.chosen(ev, TRAIN_LOSS, "cell", "GRU"),
                            Checks.chosen(ev, TRAIN_LOSS, "cell", "RNN"),
                            Checks.every(ev, lstm, ACCEPTS, Checks.Op.GE, 12),
                            Checks.pairs(ev, lstm, best(ev, TRAIN_LOSS, "cell", "GRU"), ACCEPTS, Checks.Op.GT),
                            Checks.pairs(ev, lstm, best(ev, TRAIN_LOSS, "cell", "RNN"), ACCEPTS, Checks.Op.GT));
                }),
                new Claim("04.counting-early-end", "Acceptance ends with a premature end: in every LSTM run that stops"
                        + " before n = 60, the first word it rejects is rejected because it predicts the end while b's"
                        + " remain, and no word up to 60 has an error of another kind; at the learning rate chosen on"
                        + " the training words, every seed predicts the end of a⁶⁰b⁶⁰ before its 60th b.",
                        List.of("lstm-counting"), src -> {
                    Evidence ev = src.get("lstm-counting");
                    return Verdict.all(earlyEnd(ev, "cell", "LSTM"),
                            Checks.every(ev, best(ev, TRAIN_LOSS, "cell", "LSTM"), END60, Checks.Op.LT, 60));
                }),

                // ---- 5 the fixed-size state (lstm-recall)
                new Claim("04.recall-length", "At a fixed budget and state, a longer string is recalled worse: for"
                        + " the LSTM with H = 16, each L at its learning rate chosen on dev, L = 4 above L = 12 at"
                        + " every seed and both budgets.", List.of("lstm-recall"), src -> {
                    Evidence ev = src.get("lstm-recall");
                    return Checks.pairs(ev, recallBest(ev, "LSTM", 16, 4), recallBest(ev, "LSTM", 16, 12), RECALL_ACC,
                            Checks.Op.GT);
                }),
                new Claim("04.recall-budget", "The budget moves the break: at L = 8 and at L = 12, 4× the steps"
                        + " raises the recall accuracy of the LSTM (H = 16) at every seed (each budget at its learning"
                        + " rate chosen on dev) — the fall with L at one budget is not a capacity.",
                        List.of("lstm-recall"), src -> {
                    Evidence ev = src.get("lstm-recall");
                    return Verdict.all(Checks.acrossBudgets(ev, recallBest(ev, "LSTM", 16, 8), RECALL_ACC, Checks.Op.GT),
                            Checks.acrossBudgets(ev, recallBest(ev, "LSTM", 16, 12), RECALL_ACC, Checks.Op.GT));
                }),
                new Claim("04.recall-parameters", "Equal H is not equal parameters: the LSTM with H = 16 has more than"
                        + " three times the parameters of the RNN with H = 16, and the RNN with H = 34 has within 5 %"
                        + " of the LSTM's.", List.of("lstm-recall"), src -> {
                    Evidence ev = src.get("lstm-recall");
                    double lstm = ev.values(ev.where("cell", "LSTM", "H", 16).get(0), 1, "parameters")[0];
                    double rnn = ev.values(ev.where("cell", "RNN", "H", 16).get(0), 1, "parameters")[0];
                    double rnn34 = ev.values(ev.where("cell", "RNN", "H", 34).get(0), 1, "parameters")[0];
                    return Verdict.all(
                            Verdict.of(lstm > 3 * rnn, String.format(Locale.ROOT, "parameters: LSTM, H = 16: %s > 3 ×"
                                    + " RNN, H = 16: %s", Checks.fmt(lstm), Checks.fmt(rnn))),
                            Verdict.of(Math.abs(rnn34 - lstm) < 0.05 * lstm, String.format(Locale.ROOT, "parameters:"
                                    + " RNN, H = 34: %s within 5 %% of %s", Checks.fmt(rnn34), Checks.fmt(lstm))));
                }));
    }
}
