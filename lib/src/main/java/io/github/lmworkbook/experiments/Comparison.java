package io.github.lmworkbook.experiments;

import io.github.lmworkbook.analysis.DecayFit;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.charts.Charts;
import io.github.lmworkbook.charts.LineChart;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.CountingLanguage;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Splits;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.layers.Softmax;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.SequenceRegressor;
import io.github.lmworkbook.models.Transformer;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Sampler;
import io.github.lmworkbook.train.Trainer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The workbook's contenders side by side (issue 14): each model at about the same parameter count, trained alike
 * on names and on Tiny Shakespeare over several seeds, and the long-range measurements of the earlier notebooks
 * taken on each.
 *
 * <p>Per contender and seed:
 * <ul>
 *   <li>on each corpus: AdamW at a constant learning rate with clipping, the same steps and batch for everyone; the
 *       loss on held-out text every {@code evalEvery} steps against the step and against the CPU seconds of training
 *       (evaluation excluded); the test loss <em>at equal steps</em> (after the last step), the test loss <em>at equal
 *       time</em> (each run's curve read at the CPU time τ the fastest contender needs for all its steps, linearly
 *       between evaluations), the milliseconds of CPU per step, and samples;</li>
 *   <li>the decay: on the model trained on Tiny Shakespeare, ‖∂L/∂x_t‖ for the loss L of the last position of a
 *       held-out chunk against the distance T − 1 − t (x_t is what the model reads at position t), the mean over
 *       chunks, and its fitted per-step factor ({@link DecayFit}) over the distances where it is not zero;</li>
 *   <li>for a recurrent contender, through the tasks' own sweeps and at a small matched parameter count of their
 *       own ({@link Tasks}): the longest T of the adding problem solved ({@link AddingProblemSweep}), the longest lag
 *       of the delayed copy solved ({@link DelayedCopySweep}), and how far beyond its training range a model
 *       trained on aⁿbⁿ accepts every word ({@link CountingSweep}). A model that is not a cell runs the delayed copy
 *       too (sized the same way), and gets NaN for the adding problem (a regression over a cell) and counting.</li>
 * </ul>
 * Everything is a function of the budget and the seed, except what is timed (milliseconds per step, the loss at equal
 * time, the time axis of the curves): those depend on the machine and its load. Times are CPU seconds of the thread
 * that ran the training (two runs go at once, {@link Seeds}).
 */
public final class Comparison {

    /**
     * The budget of the language-model part.
     *
     * @param seeds          the seeds (≥ 3 for a claim)
     * @param params         the parameter count every contender is sized to (on each corpus's vocabulary)
     * @param steps          training steps on each corpus
     * @param evalEvery      steps between two evaluations of the held-out loss (steps is a multiple)
     * @param batch          sequences per step
     * @param block          T, characters per Tiny Shakespeare chunk (training, test and the decay)
     * @param lr             AdamW's learning rate (constant; weight decay 0)
     * @param clip           the global-norm clipping threshold
     * @param testNames      held-out names the loss is measured on (the first of the test split)
     * @param testChunks     held-out Tiny Shakespeare chunks the loss is measured on
     * @param decayChunks    held-out chunks the decay is averaged over
     * @param samples        names sampled per contender (and 4 × samples characters of Shakespeare)
     * @param tasks          the synthetic tasks, or null for none
     */
    public record Budget(long[] seeds, long params, int steps, int evalEvery, int batch, int block, double lr,
                         double clip, int testNames, int testChunks, int decayChunks, int samples, Tasks tasks) {
        public Budget {
            if (seeds.length < 1 || params < 1 || steps < 1 || evalEvery < 1 || steps % evalEvery != 0 || batch < 1
                    || block < 2 || !(lr > 0) || !(clip > 0) || testNames < 1 || testChunks < 1 || decayChunks < 1
                    || samples < 0) {
                throw new IllegalArgumentException("comparison budget: need seeds, positive sizes, steps a multiple"
                        + " of evalEvery and block ≥ 2, got " + Arrays.toString(seeds) + ", params " + params
                        + ", steps " + steps + ", every " + evalEvery + ", B " + batch + ", T " + block);
            }
            seeds = seeds.clone();
        }

        /** The notebook's budget: ~8,000 parameters, 250 steps of 32, T = 32, three seeds; small tasks. */
        public static Budget notebook() {
            return new Budget(Seeds.THREE, 8_000, 250, 50, 32, 32, 1e-2, 1.0, 300, 24, 16, 6, Tasks.notebook());
        }

        /** The command line's default: ~50,000 parameters, 3,000 steps, T = 64, three seeds, longer tasks. */
        public static Budget standard() {
            return new Budget(Seeds.THREE, 50_000, 3000, 250, 32, 64, 3e-3, 1.0, 3000, 400, 32, 10,
                    Tasks.standard());
        }

        /** A budget that only checks that everything runs (tests): tiny models, a few steps, two seeds. */
        public static Budget smoke() {
            return new Budget(new long[] {1, 2}, 3_000, 20, 10, 8, 12, 1e-2, 1.0, 40, 4, 2, 2, Tasks.smoke());
        }

        public Budget withSeeds(long[] s) {
            return new Budget(s, params, steps, evalEvery, batch, block, lr, clip, testNames, testChunks, decayChunks,
                    samples, tasks);
        }

        public Budget withParams(long p) {
            return new Budget(seeds, p, steps, evalEvery, batch, block, lr, clip, testNames, testChunks, decayChunks,
                    samples, tasks);
        }

        public Budget withSteps(int s, int every) {
            return new Budget(seeds, params, s, every, batch, block, lr, clip, testNames, testChunks, decayChunks,
                    samples, tasks);
        }

        public Budget withTasks(Tasks t) {
            return new Budget(seeds, params, steps, evalEvery, batch, block, lr, clip, testNames, testChunks,
                    decayChunks, samples, t);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d seeds, ~%,d parameters, %,d steps of %d (T = %d for text), lr %s,"
                    + " clip %s; %s", seeds.length, params, steps, batch, block, lr, clip,
                    tasks == null ? "no tasks" : tasks.toString());
        }
    }

    /**
     * The synthetic tasks' budget (recurrent contenders, through the tasks' own sweeps; every task model is sized to
     * the same parameter count). A run solves a task when its loss ends at most {@code solved} times the loss of
     * knowing nothing (the adding problem: the MSE of predicting 1; the delayed copy: log A).
     *
     * @param params        the parameter count of every task model
     * @param addingLengths the adding problem's sequence lengths T ({@link AddingProblemSweep})
     * @param addingSteps   training steps per adding-problem run
     * @param addingBatch   sequences per adding-problem step
     * @param lags          the delayed copy's lags k ({@link DelayedCopySweep}: A = 4 symbols, T = k + 8, m = 4)
     * @param copySteps     training steps per delayed-copy run (batches of 32)
     * @param countTrain    counting ({@link CountingSweep}, aⁿbⁿ, m = 4): trained on n = 1 … countTrain
     * @param countTest     scored on n = 1 … countTest
     * @param countSteps    training steps per counting run (batches of 32)
     * @param solved        the share of the know-nothing loss at or below which a task counts as solved
     */
    public record Tasks(long params, int[] addingLengths, int addingSteps, int addingBatch, int[] lags, int copySteps,
                        int countTrain, int countTest, int countSteps, double solved) {
        public Tasks {
            if (params < 1 || addingLengths.length == 0 || addingSteps < 1 || addingBatch < 1 || lags.length == 0
                    || copySteps < 1 || countTrain < 1 || countTest < countTrain || countSteps < 1 || !(solved > 0)) {
                throw new IllegalArgumentException("comparison tasks: need a parameter count, lengths, lags, steps,"
                        + " a batch size and 1 ≤ countTrain ≤ countTest");
            }
            addingLengths = addingLengths.clone();
            lags = lags.clone();
        }

        /**
         * The notebook's: ~900 parameters, T = 25 and 50 (800 steps), lags 4, 8, 12 (the MLP's window is 8; 500 steps),
         * aⁿbⁿ up to 8 (500 steps).
         */
        public static Tasks notebook() {
            return new Tasks(900, new int[] {25, 50}, 800, 16, new int[] {4, 8, 12}, 500, 8, 24, 500, 0.1);
        }

        /** The command line's: ~3,000 parameters, T = 25 … 200, lags 4 … 64, counting trained up to 16. */
        public static Tasks standard() {
            return new Tasks(3_000, new int[] {25, 50, 100, 200}, 1500, 32, new int[] {4, 16, 32, 64}, 1500, 16, 64,
                    1500, 0.1);
        }

        public static Tasks smoke() {
            return new Tasks(200, new int[] {5}, 10, 8, new int[] {2}, 10, 2, 4, 10, 0.1);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "~%,d parameters per task model; adding problem T ∈ %s (%d steps of %d);"
                    + " delayed copy k ∈ %s (%d steps); aⁿbⁿ trained on n ≤ %d, tested to %d (%d steps); solved at ≤"
                    + " %s × the know-nothing loss", params, Arrays.toString(addingLengths), addingSteps, addingBatch,
                    Arrays.toString(lags), copySteps, countTrain, countTest, countSteps, solved);
        }
    }

    /** A contender sized for a corpus: its width and parameter count. */
    public record Sized(Contender contender, int width, long params) {
        public String sizes() {
            return contender.sizes(width);
        }
    }

    /** Corpus keys. */
    public static final String NAMES = "names", SHAKESPEARE = "tinyshakespeare";

    /** Metric names of the table (per corpus: prefixed with the corpus's key and ": "). */
    public static final String PARAMS = "params", LOSS_STEPS = "test loss, equal steps",
            LOSS_TIME = "test loss, equal time", MS = "ms per step", SECONDS = "CPU seconds", LOSS = "test loss",
            DECAY = "‖∂L/∂x_t‖", FACTOR = "per-step factor", REACH = "reach", ADDING = "adding problem: longest T",
            COPY = "delayed copy: longest lag", COUNTING = "aⁿbⁿ: accepted beyond the training n";

    // ---------------------------------------------------------------------------------------------------------------

    private final Budget budget;
    private final List<Contender> contenders;
    private final Map<String, List<Sized>> sized;                 // corpus → sized contenders, in order
    private final SeedResults<Contender> lm;
    private final Map<String, Double> tau;                        // corpus → the equal time τ (CPU seconds)
    private final Map<String, Map<String, double[]>> tasks;       // contender → task metric → per seed
    private final Map<String, String> samples;                    // contender/corpus/seed → text

    private Comparison(Budget budget, List<Contender> contenders, Map<String, List<Sized>> sized,
                       SeedResults<Contender> lm, Map<String, Double> tau, Map<String, Map<String, double[]>> tasks,
                       Map<String, String> samples) {
        this.budget = budget;
        this.contenders = contenders;
        this.sized = sized;
        this.lm = lm;
        this.tau = tau;
        this.tasks = tasks;
        this.samples = samples;
    }

    /** The width whose parameter count is closest to target (the widths are searched from minWidth up). */
    public static Sized match(Contender c, int V, int block, long target) {
        int best = c.minWidth();
        long bestDiff = Long.MAX_VALUE;
        for (int w = c.minWidth(); w <= 4096; w += c.widthStep()) {
            long p = c.numParams(V, block, w);
            long diff = Math.abs(p - target);
            if (diff < bestDiff) {
                best = w;
                bestDiff = diff;
            }
            if (p > target) break;
        }
        return new Sized(c, best, c.numParams(V, block, best));
    }

    /** Runs the comparison, progress to System.out. */
    public static Comparison run(List<Contender> contenders, Budget b) {
        return run(contenders, b, System.out);
    }

    /**
     * Runs the comparison: sizes every contender, trains each on both corpora at every seed (two runs at a time),
     * measures the decay, then runs the tasks. Progress: one line per phase and per contender (null: none).
     */
    public static Comparison run(List<Contender> contenders, Budget b, PrintStream progress) {
        if (contenders.isEmpty()) throw new IllegalArgumentException("comparison: no contenders");
        List<String> names = new ArrayList<>();
        for (Contender c : contenders) {
            if (names.contains(c.name())) throw new IllegalArgumentException("comparison: " + c.name() + " twice");
            names.add(c.name());
        }
        // the corpora
        List<String> words = Datasets.lines("names");
        Vocabulary vocab = Vocabulary.of(words);
        Splits splits = Splits.of(words, 42);
        int maxLen = NamesDataset.maxLength(words);
        NamesDataset trainNames = new NamesDataset(splits.train(), vocab, maxLen);
        List<String> testWords = splits.test().subList(0, Math.min(b.testNames(), splits.test().size()));
        NamesDataset testNames = new NamesDataset(testWords, vocab, maxLen);
        String text = Datasets.text("tinyshakespeare");
        Vocabulary chars = Vocabulary.ofText(text);
        TextDataset[] parts = new TextDataset(text, chars).splitAt(0.9);
        TextDataset trainText = parts[0];
        int T = b.block();
        int held = Math.max(b.testChunks(), b.decayChunks()) * T + 1;
        if (held > parts[1].length()) {
            throw new IllegalArgumentException("comparison: " + Math.max(b.testChunks(), b.decayChunks())
                    + " held-out chunks of " + T + " characters need " + held + " characters, the held-out text has "
                    + parts[1].length());
        }
        TextDataset testText = parts[1].slice(0, b.testChunks() * T + 1);
        List<int[]> decayX = new ArrayList<>(), decayY = new ArrayList<>();
        int[] heldIds = parts[1].tokens();
        for (int s = 0; s < b.decayChunks(); s++) {
            decayX.add(Arrays.copyOfRange(heldIds, s * T, s * T + T));
            decayY.add(Arrays.copyOfRange(heldIds, s * T + 1, s * T + T + 1));
        }

        // the sizes
        Map<String, List<Sized>> sized = new LinkedHashMap<>();
        List<Sized> sn = new ArrayList<>(), st = new ArrayList<>();
        for (Contender c : contenders) {
            sn.add(match(c, vocab.size(), trainNames.blockSize(), b.params()));
            st.add(match(c, chars.size(), T, b.params()));
        }
        sized.put(NAMES, List.copyOf(sn));
        sized.put(SHAKESPEARE, List.copyOf(st));
        if (progress != null) {
            progress.println("budget: " + b);
            for (int i = 0; i < contenders.size(); i++) {
                progress.printf(Locale.ROOT, "%-12s names: %-24s %,7d parameters · Tiny Shakespeare: %-24s %,7d"
                        + " parameters%n", contenders.get(i).name(), sn.get(i).sizes(), sn.get(i).params(),
                        st.get(i).sizes(), st.get(i).params());
            }
        }

        // the language models
        Map<String, String> samples = new ConcurrentHashMap<>();
        SeedResults<Contender> lm = Seeds.run(contenders, Contender::name, b.seeds(), (c, seed) -> {
            int i = contenders.indexOf(c);
            Outcome o = new Outcome();
            LanguageModel mn = train(o, NAMES, sn.get(i), vocab.size(), trainNames.blockSize(),
                    trainNames.randomBatches(b.batch(), seed), testNames.inOrder(256), b, seed);
            LanguageModel mt = train(o, SHAKESPEARE, st.get(i), chars.size(), T,
                    trainText.randomChunks(b.batch(), T, seed), testText.inOrder(64, T), b, seed);
            double[] g = inputGradients(mt, decayX, decayY);
            int reach = 0;
            for (int k = 0; k < g.length; k++) if (g[k] > 0) reach = k;
            double[] k = new double[g.length];
            for (int j = 0; j < k.length; j++) k[j] = j;
            o.metric(FACTOR, reach >= 2 ? DecayFit.of(g, 1, reach).factor() : Double.NaN)
                    .metric(REACH, reach).curve(DECAY, k, g);
            if (b.samples() > 0) {
                samples.put(key(c, NAMES, seed), String.join(", ",
                        new Sampler(mn, vocab, seed).names(b.samples())));
                samples.put(key(c, SHAKESPEARE, seed), new Sampler(mt, chars, seed).text("\n", 20 * b.samples())
                        .substring(1));
            }
            return o;
        }, progress);

        // equal time: the CPU time the fastest contender takes for all its steps
        Map<String, Double> tau = new LinkedHashMap<>();
        for (String corpus : List.of(NAMES, SHAKESPEARE)) {
            double t = Double.POSITIVE_INFINITY;
            for (Contender c : contenders) t = Math.min(t, lm.summary(c, corpus + ": " + SECONDS).mean());
            tau.put(corpus, t);
            for (Contender c : contenders) {
                for (long seed : b.seeds()) {
                    Outcome o = lm.outcome(c, seed);
                    double[][] time = o.curve(corpus + ": " + SECONDS), loss = o.curve(corpus + ": " + LOSS);
                    o.metric(corpus + ": " + LOSS_TIME, interpolate(time[1], loss[1], t));
                }
            }
            if (progress != null) {
                progress.printf(Locale.ROOT, "%s: equal time τ = %.2f s of CPU (the fastest contender's %d steps)%n",
                        corpus, t, b.steps());
            }
        }

        // the tasks
        Map<String, Map<String, double[]>> tasks = new LinkedHashMap<>();
        for (Contender c : contenders) tasks.put(c.name(), new LinkedHashMap<>());
        if (b.tasks() != null) {
            for (Contender c : contenders) {
                Map<String, double[]> m = tasks.get(c.name());
                if (c.cell() == null) {
                    for (String k : List.of(ADDING, COUNTING)) {
                        double[] none = new double[b.seeds().length];
                        Arrays.fill(none, Double.NaN);
                        m.put(k, none);
                    }
                    m.put(COPY, longestLag(c, b.seeds(), b.tasks(), progress));
                } else {
                    m.putAll(tasks(c.cell(), b.seeds(), b.tasks(), progress));
                }
            }
        }
        return new Comparison(b, List.copyOf(contenders), sized, lm, tau, tasks, samples);
    }

    /** The three tasks for one cell: per seed, the longest T and lag solved and how far counting goes beyond n. */
    private static Map<String, double[]> tasks(CellType cell, long[] seeds, Tasks tk, PrintStream progress) {
        Map<String, double[]> out = new LinkedHashMap<>();
        int ns = seeds.length;
        int Ha = hiddenFor(H -> regressorParams(cell, 2, H), tk.params());
        int Hc = hiddenFor(H -> new RecurrentLM.Config(4, cell, 4, H, false, 0).numParams(), tk.params());
        CountingLanguage lang = new CountingLanguage(2);
        int Hn = hiddenFor(H -> new RecurrentLM.Config(lang.vocabSize(), cell, 4, H, false, 0).numParams(),
                tk.params());
        if (progress != null) {
            progress.printf(Locale.ROOT, "tasks, %s: adding problem H = %d (%,d parameters), delayed copy H = %d"
                    + " (%,d), counting H = %d (%,d)%n", cell.name(), Ha, regressorParams(cell, 2, Ha), Hc,
                    new RecurrentLM.Config(4, cell, 4, Hc, false, 0).numParams(), Hn,
                    new RecurrentLM.Config(lang.vocabSize(), cell, 4, Hn, false, 0).numParams());
        }
        SeedResults<Integer> adding = AddingProblemSweep.run(cell, tk.addingLengths(), seeds,
                new AddingProblemSweep.Config(Ha, tk.addingBatch(), tk.addingSteps(), tk.addingSteps(), 1e-2, 1.0, 256));
        double[] longest = new double[ns];
        for (int j = 0; j < ns; j++) {
            for (int T : tk.addingLengths()) {
                if (adding.outcome(T, seeds[j]).metric(AddingProblemSweep.RATIO) <= tk.solved()) {
                    longest[j] = Math.max(longest[j], T);
                }
            }
        }
        out.put(ADDING, longest);
        double[] lag = new double[ns];
        DelayedCopySweep.Arm arm = DelayedCopySweep.Arm.of(cell);
        for (int k : tk.lags()) {
            SeedResults<DelayedCopySweep.Arm> r = DelayedCopySweep.run(List.of(arm), seeds, copyConfig(k, Hc, tk));
            for (int j = 0; j < ns; j++) {
                if (r.outcome(arm, seeds[j]).metric(DelayedCopySweep.RATIO) <= tk.solved()) lag[j] = Math.max(lag[j], k);
            }
        }
        out.put(COPY, lag);
        SeedResults<CellType> counting = CountingSweep.run(List.of(cell), seeds, new CountingSweep.Config(2,
                tk.countTrain(), tk.countTest(), 4, Hn, 32, tk.countSteps(), 1e-2, 1.0)).results();
        double[] beyond = new double[ns];
        for (int j = 0; j < ns; j++) {
            beyond[j] = counting.outcome(cell, seeds[j]).metric(CountingSweep.ACCEPTS) - tk.countTrain();
        }
        out.put(COUNTING, beyond);
        return out;
    }

    /** The delayed copy's task and budget at lag k: A = 4, T = k + 8, m = 4, H (for a cell), batches of 32. */
    private static DelayedCopySweep.Config copyConfig(int k, int H, Tasks tk) {
        return new DelayedCopySweep.Config(4, k, k + 8, 4, H, 32, tk.copySteps(), tk.copySteps(), 1e-2, 1.0, 128);
    }

    /**
     * The delayed copy for a contender that is not a cell (its sweep's models from the contender, sized to the
     * tasks' parameter count at each lag's sequence length): per seed, the longest lag solved.
     */
    private static double[] longestLag(Contender c, long[] seeds, Tasks tk, PrintStream progress) {
        double[] lag = new double[seeds.length];
        for (int k : tk.lags()) {
            Sized s = match(c, 4, k + 8, tk.params());
            if (progress != null) {
                progress.printf(Locale.ROOT, "delayed copy, %s, k = %d: %s, %,d parameters%n", c.name(), k, s.sizes(),
                        s.params());
            }
            SeedResults<Contender> r = DelayedCopySweep.run(List.of(c), Contender::name, seeds, copyConfig(k, 1, tk),
                    (cond, seed) -> cond.create(4, k + 8, s.width(), seed));
            for (int j = 0; j < seeds.length; j++) {
                if (r.outcome(c, seeds[j]).metric(DelayedCopySweep.RATIO) <= tk.solved()) lag[j] = Math.max(lag[j], k);
            }
        }
        return lag;
    }

    /** Trains one model on one corpus and records its curves and metrics under the corpus's key. */
    private static LanguageModel train(Outcome o, String corpus, Sized s, int V, int block, Supplier<Batch> data,
                                       Iterable<Batch> test, Budget b, long seed) {
        LanguageModel m = s.contender().create(V, block, s.width(), seed);
        Trainer<Batch> trainer = Trainer.of(m, new AdamW(m, b.lr(), 0.0)).data(data).clipGradNorm(b.clip())
                .steps(b.evalEvery()).quiet();
        int points = b.steps() / b.evalEvery() + 1;
        double[] at = new double[points], loss = new double[points], secs = new double[points];
        double cpu = 0;
        for (int k = 0; k < points; k++) {
            if (k > 0) {
                long c0 = cpuNanos();
                trainer.run();
                cpu += (cpuNanos() - c0) / 1e9;
            }
            at[k] = (double) k * b.evalEvery();
            secs[k] = cpu;
            loss[k] = Trainer.evaluate(m, test);
        }
        String p = corpus + ": ";
        o.metric(p + LOSS_STEPS, loss[points - 1]).metric(p + MS, 1000 * cpu / b.steps()).metric(p + SECONDS, cpu)
                .metric(p + PARAMS, m.numParams()).curve(p + LOSS, at, loss).curve(p + SECONDS, at, secs);
        return m;
    }

    /** The mean over the sequences of ‖∂L/∂x_t‖ by distance k = T − 1 − t, L the loss at the last position. */
    public static double[] inputGradients(LanguageModel m, List<int[]> xs, List<int[]> ys) {
        if (m instanceof Mlp mlp) return mlpInputGradients(mlp, xs, ys);
        if (m instanceof RecurrentLM r) return InputGradients.recurrent(r, xs, ys);
        if (m instanceof Transformer t) return InputGradients.transformer(t, xs, ys);
        throw new IllegalArgumentException("comparison: no input-gradient measurement for " + m);
    }

    /**
     * For the MLP: the window of the last position holds x_{T−1−k} at block k of its input, so ∂L/∂x_{T−1−k} is
     * block k of the hidden layer's dx for k &lt; n, and exactly 0 beyond the window.
     */
    static double[] mlpInputGradients(Mlp m, List<int[]> xs, List<int[]> ys) {
        int T = xs.get(0).length, n = m.n, mm = m.m;
        double[] mean = new double[T];
        int[][] window = new int[1][n];
        Matrix dy = new Matrix(1, m.V);
        for (int s = 0; s < xs.size(); s++) {
            int[] x = xs.get(s);
            for (int k = 0; k < n; k++) window[0][k] = T - 1 - k >= 0 ? x[T - 1 - k] : m.BLANK;
            m.zeroGrad();
            Matrix e = m.embedding.forward(window, 1);                        // (1 × n·m)
            Matrix z = m.output.forward(m.tanh.forward(m.hidden.forward(e)));  // (1 × V)
            Softmax.row(z.data[0], dy.data[0], m.V);
            dy.data[0][ys.get(s)[T - 1]] -= 1;                                 // p − onehot(y)
            Matrix dx = m.hidden.backward(m.tanh.backward(m.output.backward(dy)));   // (1 × n·m)
            for (int k = 0; k < Math.min(n, T); k++) {
                double q = 0;
                for (int j = k * mm; j < (k + 1) * mm; j++) q += dx.data[0][j] * dx.data[0][j];
                mean[k] += Math.sqrt(q) / xs.size();
            }
        }
        m.zeroGrad();
        return mean;
    }

    /** The hidden size H ≥ 1 whose model (count(H) parameters) is closest to params. */
    static int hiddenFor(java.util.function.IntToLongFunction count, long params) {
        int best = 1;
        for (int H = 1; H <= 4096; H++) {
            long p = count.applyAsLong(H);
            if (Math.abs(p - params) < Math.abs(count.applyAsLong(best) - params)) best = H;
            if (p > params) break;
        }
        return best;
    }

    /** The parameter count of a sequence regressor over the cell with D inputs and H units. */
    static long regressorParams(CellType cell, int D, int H) {
        return new SequenceRegressor(new SequenceRegressor.Config(cell, D, H, 0)).numParams();
    }

    /** y(x) read off a curve linearly (x increasing); the last y beyond the last x. */
    static double interpolate(double[] x, double[] y, double at) {
        if (at <= x[0]) return y[0];
        for (int i = 1; i < x.length; i++) {
            if (at <= x[i]) {
                double w = x[i] > x[i - 1] ? (at - x[i - 1]) / (x[i] - x[i - 1]) : 1.0;
                return y[i - 1] + w * (y[i] - y[i - 1]);
            }
        }
        return y[y.length - 1];
    }

    private static String key(Contender c, String corpus, long seed) {
        return c.name() + "/" + corpus + "/" + seed;
    }

    private static long cpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : System.nanoTime();
    }

    // ---------------------------------------------------------------------------------------------------------------

    public Budget budget() {
        return budget;
    }

    public List<Contender> contenders() {
        return contenders;
    }

    /** The contenders as sized for a corpus ({@link #NAMES} or {@link #SHAKESPEARE}). */
    public List<Sized> sized(String corpus) {
        List<Sized> s = sized.get(corpus);
        if (s == null) throw new IllegalArgumentException("no corpus '" + corpus + "'; expected " + sized.keySet());
        return s;
    }

    /** Every language-model run's outcome (metrics and curves, per contender and seed). */
    public SeedResults<Contender> results() {
        return lm;
    }

    /** The equal time τ of a corpus, CPU seconds. */
    public double tau(String corpus) {
        Double t = tau.get(corpus);
        if (t == null) throw new IllegalArgumentException("no corpus '" + corpus + "'; expected " + tau.keySet());
        return t;
    }

    /** A metric of every seed of a contender: a language-model metric or a task's. */
    public double[] values(Contender c, String metric) {
        Map<String, double[]> t = tasks.get(c.name());
        if (t != null && t.containsKey(metric)) return t.get(metric).clone();
        return lm.values(c, metric);
    }

    /** The spread of a metric over the seeds of a contender. */
    public Summary summary(Contender c, String metric) {
        return Summary.of(values(c, metric));
    }

    /** The metrics of the table, in order (the tasks' only when they ran). */
    public List<String> metrics() {
        List<String> m = new ArrayList<>();
        for (String corpus : List.of(NAMES, SHAKESPEARE)) {
            m.add(corpus + ": " + MS);
            m.add(corpus + ": " + LOSS_STEPS);
            m.add(corpus + ": " + LOSS_TIME);
        }
        m.add(FACTOR);
        m.add(REACH);
        if (budget.tasks() != null) m.addAll(List.of(ADDING, COPY, COUNTING));
        return m;
    }

    /**
     * The table: one row per contender, its sizes and parameter counts on each corpus, then for every metric the
     * mean over seeds and the standard deviation (a task a contender has no run for is empty: NaN).
     */
    public Table table() {
        Table t = Table.create("the contenders at ~" + String.format(Locale.ROOT, "%,d", budget.params())
                + " parameters, " + budget.seeds().length + " seeds");
        t.addColumns(StringColumn.create("model", contenders.stream().map(Contender::name).toList()));
        for (String corpus : List.of(NAMES, SHAKESPEARE)) {
            t.addColumns(StringColumn.create(corpus + ": sizes", sized.get(corpus).stream().map(Sized::sizes).toList()),
                    LongColumn.create(corpus + ": " + PARAMS,
                            sized.get(corpus).stream().mapToLong(Sized::params).toArray()));
        }
        for (String m : metrics()) {
            List<Summary> s = new ArrayList<>();
            for (Contender c : contenders) s.add(summary(c, m));
            int d = s.stream().filter(x -> Double.isFinite(x.mean())).mapToInt(Summary::decimals).max().orElse(2);
            t.addColumns(DoubleColumn.create(m, s.stream().mapToDouble(x -> Summary.round(x.mean(), d)).toArray()),
                    DoubleColumn.create(m + " ± std", s.stream().mapToDouble(x -> Summary.round(x.std(), d))
                            .toArray()));
        }
        return t;
    }

    /**
     * The same table for reading: the parameter counts, then every metric as "mean ± std" over the seeds ("—" where a
     * contender has no run, e.g. the adding problem for a model that is not a recurrent cell).
     */
    public Table compactTable() {
        Table t = Table.create(table().name());
        t.addColumns(StringColumn.create("model", contenders.stream().map(Contender::name).toList()));
        for (String corpus : List.of(NAMES, SHAKESPEARE)) {
            t.addColumns(LongColumn.create(corpus + ": " + PARAMS,
                    sized.get(corpus).stream().mapToLong(Sized::params).toArray()));
        }
        for (String m : metrics()) {
            List<String> cells = new ArrayList<>();
            for (Contender c : contenders) cells.add(cell(values(c, m)));
            t.addColumns(StringColumn.create(m, cells));
        }
        return t;
    }

    /** A metric of a contender as the compact table shows it ({@link #cell}). */
    public String format(Contender c, String metric) {
        return cell(values(c, metric));
    }

    /**
     * A table cell for the values of the seeds: "mean ± std"; for whole numbers (a length, a lag) the number when the
     * seeds agree, else "mean ± std (each seed's)"; "—" for NaN (no run).
     */
    public static String cell(double[] v) {
        Summary s = Summary.of(v);
        if (Double.isNaN(s.mean())) return "—";
        boolean whole = Arrays.stream(v).allMatch(x -> x == Math.rint(x) && Math.abs(x) < 1e15);
        if (!whole) return s.meanPlusMinus();
        if (s.std() == 0) return String.valueOf((long) v[0]);
        StringBuilder each = new StringBuilder();
        for (double x : v) each.append(each.length() == 0 ? "" : ", ").append((long) x);
        return String.format(Locale.ROOT, "%.1f ± %.1f (%s)", s.mean(), s.std(), each);
    }

    /**
     * The decay chart: ‖∂L/∂x_t‖ against the distance for every contender, log scale, the mean over seeds with the
     * band from the smallest to the largest value, the fitted per-step factor in the legend. Distances where a
     * contender's gradient is exactly 0 (beyond the MLP's window) are left out (they cannot be drawn on a log axis).
     */
    public LineChart decayChart() {
        LineChart chart = Charts.lines("‖∂L/∂x_t‖ by distance (Tiny Shakespeare, T = " + budget.block()
                + "; band: min–max of " + budget.seeds().length + " seeds)", "distance T − 1 − t", "‖∂L/∂x_t‖")
                .logY();
        for (Contender c : contenders) {
            SeedResults.Band band = lm.band(c, DECAY);
            int n = 0;
            while (n < band.x().length && band.min()[n] > 0) n++;
            chart.band(String.format(Locale.ROOT, "%s (factor %.3f per step)", c.name(),
                    summary(c, FACTOR).mean()), Arrays.copyOf(band.x(), n), Arrays.copyOf(band.mean(), n),
                    Arrays.copyOf(band.min(), n), Arrays.copyOf(band.max(), n));
        }
        return chart;
    }

    /**
     * Held-out loss against the CPU seconds of training on a corpus, every contender: the mean over seeds of the loss
     * (band: min–max) at the mean time of each evaluation; the equal time τ as a marker line.
     */
    public LineChart timeChart(String corpus) {
        tau(corpus);
        LineChart chart = Charts.lines((corpus.equals(NAMES) ? "names" : "Tiny Shakespeare")
                + ": held-out loss against CPU time (band: min–max of " + budget.seeds().length + " seeds)",
                "CPU seconds of training (one thread)", "test loss (nats per character)");
        double top = Double.NEGATIVE_INFINITY, bottom = Double.POSITIVE_INFINITY;
        for (Contender c : contenders) {
            SeedResults.Band loss = lm.band(c, corpus + ": " + LOSS), secs = lm.band(c, corpus + ": " + SECONDS);
            int from = 1;                                           // the untrained point (t = 0) is the same for all
            double[] x = Arrays.copyOfRange(secs.mean(), from, secs.x().length);
            chart.band(c.name(), x, Arrays.copyOfRange(loss.mean(), from, x.length + from),
                    Arrays.copyOfRange(loss.min(), from, x.length + from),
                    Arrays.copyOfRange(loss.max(), from, x.length + from));
            for (int i = from; i < loss.x().length; i++) {
                top = Math.max(top, loss.max()[i]);
                bottom = Math.min(bottom, loss.min()[i]);
            }
        }
        double t = tau(corpus);
        chart.add("equal time τ = " + String.format(Locale.ROOT, "%.2f s", t), new double[] {t, t},
                new double[] {bottom, top}).dashed().color(java.awt.Color.GRAY).width(2f);
        return chart;
    }

    /** The samples of the first seed, one column per contender, one row per corpus. */
    public Table samples() {
        long seed = budget.seeds()[0];
        Table t = Table.create("samples (seed " + seed + ")");
        t.addColumns(StringColumn.create("corpus", List.of(NAMES, SHAKESPEARE)));
        for (Contender c : contenders) {
            t.addColumns(StringColumn.create(c.name(), List.of(sample(c, NAMES, seed), sample(c, SHAKESPEARE, seed))));
        }
        return t;
    }

    /** The sample of a contender on a corpus at a seed ("" when none were drawn). */
    public String sample(Contender c, String corpus, long seed) {
        return samples.getOrDefault(key(c, corpus, seed), "");
    }

    @Override
    public String toString() {
        return "Comparison(" + contenders.stream().map(Contender::name).toList() + "; " + budget + ")";
    }
}
