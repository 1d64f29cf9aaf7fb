package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.Transformer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * nanoGPT's CPU recipe: the character-level Tiny Shakespeare run of nanoGPT's README ("I only have a macbook"),
 * <pre>
 * python train.py config/train_shakespeare_char.py --device=cpu --compile=False --eval_iters=20 --log_interval=1
 *        --block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --max_iters=2000
 *        --lr_decay_iters=2000 --dropout=0.0
 * </pre>
 * as the library runs it ({@link #cpu()}), every setting a component of this record:
 * <ul>
 *   <li>the model: nanoGPT's GPT ({@link Transformer.Config#nanoGpt}: 4 layers, 4 heads, n_embd 128, block 64, no
 *       biases, the head tied to the token embedding, nanoGPT's initialisation; dropout 0);</li>
 *   <li>the data: the sorted characters of the whole text as the vocabulary (65), the first 90 % of the text for
 *       training and the last 10 % for validation, contiguous (nanoGPT's {@code prepare.py}); batches of 12 chunks of
 *       64 characters at uniformly random offsets;</li>
 *   <li>the optimisation: AdamW (β₁ 0.9, β₂ 0.99, ε 1e-8) with weight decay 0.1 on the weight matrices and embeddings
 *       only ({@link AdamW#MATRICES}: nanoGPT's two parameter groups), the learning rate warmed up linearly for 100
 *       iterations to 1e-3 and decayed by a cosine to 1e-4 at iteration 2,000 ({@link LrSchedule#warmupCosine}, nanoGPT's
 *       {@code get_lr}), gradients clipped to global norm 1;</li>
 *   <li>the estimate: every 250 iterations (and at the end), the mean loss over 20 fresh random batches of each split
 *       (nanoGPT's {@code estimate_loss} with {@code eval_iters = 20}).</li>
 * </ul>
 * What differs from nanoGPT: the random numbers (java.util.Random seeded from {@link #seed}, not torch's), the GELU
 * (the library's is the tanh approximation; nanoGPT's nn.GELU is the exact x·Φ(x), at most 5e-4 apart), gradient
 * clipping to exactly the threshold (PyTorch divides by the norm + 1e-6), no iteration after the last evaluation
 * (nanoGPT updates once more after evaluating at max_iters), and the precision: the library's products run in
 * float64 unless {@link Kernels#setPrecision} says float32 (nanoGPT: float32 throughout).
 *
 * @param layers       n_layer
 * @param heads        n_head
 * @param embed        n_embd
 * @param blockSize    block_size: the context, and the length of every training chunk
 * @param batchSize    batch_size
 * @param maxIters     max_iters: updates in all
 * @param learningRate learning_rate, the peak
 * @param minLr        min_lr, where the cosine ends
 * @param warmupIters  warmup_iters
 * @param lrDecayIters lr_decay_iters: the iteration where the cosine reaches min_lr
 * @param beta1        AdamW's β₁
 * @param beta2        AdamW's β₂
 * @param weightDecay  weight_decay, on the matrices only
 * @param gradClip     grad_clip: the global gradient norm is clipped to it (0: off)
 * @param evalInterval eval_interval: iterations between estimates
 * @param evalIters    eval_iters: batches per estimate and split
 * @param seed         every random choice: initialisation (seed), training batches (seed + 1), the estimates'
 *                     batches (seed + 2 for train, seed + 3 for val)
 */
public record NanoGptRecipe(int layers, int heads, int embed, int blockSize, int batchSize, int maxIters,
                            double learningRate, double minLr, int warmupIters, int lrDecayIters, double beta1,
                            double beta2, double weightDecay, double gradClip, int evalInterval, int evalIters,
                            long seed) {

    /** The fraction of the text that is training data (nanoGPT's prepare.py: the first 90 %). */
    public static final double TRAIN_FRACTION = 0.9;

    /** nanoGPT's sample.py: temperature 0.8, top-k 200 (more than the 65 characters: no effect here). */
    public static final double SAMPLE_TEMPERATURE = 0.8;
    /** nanoGPT's sample.py: top-k 200 (more than the 65 characters of Tiny Shakespeare: no effect here). */
    public static final int SAMPLE_TOP_K = 200;

    /**
     * Checks the recipe.
     *
     * @param layers n_layer
     * @param heads n_head
     * @param embed n_embd
     * @param blockSize block_size: the context, and the length of every training chunk
     * @param batchSize batch_size
     * @param maxIters max_iters: updates in all
     * @param learningRate learning_rate, the peak
     * @param minLr min_lr, where the cosine ends
     * @param warmupIters warmup_iters
     * @param lrDecayIters lr_decay_iters: the iteration where the cosine reaches min_lr
     * @param beta1 AdamW's β₁
     * @param beta2 AdamW's β₂
     * @param weightDecay weight_decay, on the matrices only
     * @param gradClip grad_clip: the global gradient norm is clipped to it (0: off)
     * @param evalInterval eval_interval: iterations between estimates
     * @param evalIters eval_iters: batches per estimate and split
     * @param seed every random choice: initialisation (seed), training batches (seed + 1), the estimates' batches
     *     (seed + 2 for train, seed + 3 for val)
     * @throws IllegalArgumentException naming the first setting out of range (sizes &lt; 1, n_head not dividing
     *     n_embd, learning rates, warmup, betas, weight decay, clipping or estimate settings)
     */
    public NanoGptRecipe {
        if (layers < 1 || heads < 1 || embed < 1 || blockSize < 1 || batchSize < 1 || maxIters < 0) {
            throw new IllegalArgumentException("nanoGPT recipe: sizes must be ≥ 1 (max_iters ≥ 0), got n_layer " + layers
                    + ", n_head " + heads + ", n_embd " + embed + ", block_size " + blockSize + ", batch_size "
                    + batchSize + ", max_iters " + maxIters);
        }
        if (embed % heads != 0) {
            throw new IllegalArgumentException("nanoGPT recipe: n_head " + heads + " must divide n_embd " + embed);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate) || !(minLr >= 0) || minLr > learningRate) {
            throw new IllegalArgumentException("nanoGPT recipe: learning_rate " + learningRate + " must be finite and "
                    + "> 0, and min_lr " + minLr + " in [0, learning_rate]");
        }
        if (warmupIters < 0 || lrDecayIters <= warmupIters) {
            throw new IllegalArgumentException("nanoGPT recipe: warmup_iters " + warmupIters + " must be ≥ 0 and "
                    + "below lr_decay_iters " + lrDecayIters);
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("nanoGPT recipe: betas (" + beta1 + ", " + beta2 + ") must be in [0, 1)");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay) || !(gradClip >= 0) || Double.isInfinite(gradClip)) {
            throw new IllegalArgumentException("nanoGPT recipe: weight_decay " + weightDecay + " and grad_clip "
                    + gradClip + " must be finite and ≥ 0");
        }
        if (evalInterval < 1 || evalIters < 1) {
            throw new IllegalArgumentException("nanoGPT recipe: eval_interval " + evalInterval + " and eval_iters "
                    + evalIters + " must be ≥ 1");
        }
    }

    /**
     * nanoGPT README's CPU recipe (config/train_shakespeare_char.py with its README's overrides), seed 1337.
     *
     * @return the recipe nanoGPT's README gives for a CPU: 4 layers, 4 heads, n_embd 128, block 64, batch 12, 2,000
     *     iterations
     */
    public static NanoGptRecipe cpu() {
        return new NanoGptRecipe(4, 4, 128, 64, 12, 2000, 1e-3, 1e-4, 100, 2000, 0.9, 0.99, 0.1, 1.0, 250, 20, 1337);
    }

    /**
     * max_iters = lr_decay_iters = n (nanoGPT's advice: decay over the whole run), warmup cut to n/10 if longer.
     *
     * @param n the number of iterations
     * @return this recipe with max_iters = lr_decay_iters = n
     */
    public NanoGptRecipe withMaxIters(int n) {
        int warm = Math.min(warmupIters, Math.max(0, n / 10));
        return new NanoGptRecipe(layers, heads, embed, blockSize, batchSize, n, learningRate, minLr, warm,
                Math.max(n, warm + 1), beta1, beta2, weightDecay, gradClip, evalInterval, evalIters, seed);
    }

    /**
     * This recipe with another estimate schedule.
     *
     * @param interval eval_interval: iterations between estimates (≥ 1)
     * @param iters eval_iters: batches per estimate and split (≥ 1)
     * @return the new recipe
     */
    public NanoGptRecipe withEval(int interval, int iters) {
        return new NanoGptRecipe(layers, heads, embed, blockSize, batchSize, maxIters, learningRate, minLr, warmupIters,
                lrDecayIters, beta1, beta2, weightDecay, gradClip, interval, iters, seed);
    }

    /**
     * This recipe with another seed (every random choice follows it).
     *
     * @param s the seed
     * @return the new recipe
     */
    public NanoGptRecipe withSeed(long s) {
        return new NanoGptRecipe(layers, heads, embed, blockSize, batchSize, maxIters, learningRate, minLr, warmupIters,
                lrDecayIters, beta1, beta2, weightDecay, gradClip, evalInterval, evalIters, s);
    }

    /**
     * The model for a vocabulary of V characters: nanoGPT's GPT at this recipe's sizes.
     *
     * @param V the number of characters in the vocabulary
     * @return the transformer configuration
     */
    public Transformer.Config config(int V) {
        return Transformer.Config.nanoGpt(V, blockSize, layers, heads, embed, seed);
    }

    /**
     * AdamW with this recipe's betas and weight decay on the matrices only (ε = 1e-8, PyTorch's).
     *
     * @param model the model the optimizer updates
     * @return the recipe's AdamW
     */
    public AdamW optimizer(Transformer model) {
        return new AdamW(model, learningRate, weightDecay).betas(beta1, beta2).eps(1e-8).decayOnly(AdamW.MATRICES);
    }

    /**
     * nanoGPT's get_lr: linear warm-up, cosine decay to min_lr at lr_decay_iters, then min_lr.
     *
     * @return the learning-rate schedule
     */
    public LrSchedule schedule() {
        return LrSchedule.warmupCosine(learningRate, warmupIters, lrDecayIters, minLr);
    }

    /**
     * Every setting, one per line, named as nanoGPT names it (what the CLI prints before training).
     *
     * @return the settings, one {@code name = value} per line
     */
    public String settings() {
        StringBuilder s = new StringBuilder();
        line(s, "model", "nanoGPT's GPT: n_layer " + layers + ", n_head " + heads + ", n_embd " + embed
                + ", block_size " + blockSize + ", no biases (bias=False), head tied to wte, nanoGPT init, dropout 0");
        line(s, "data", "tinyshakespeare, characters; train = first " + Math.round(100 * TRAIN_FRACTION)
                + " %, val = last " + Math.round(100 * (1 - TRAIN_FRACTION)) + " % (contiguous)");
        line(s, "batch_size", batchSize + " random chunks of " + blockSize + " characters ("
                + batchSize * blockSize + " tokens per iteration)");
        line(s, "max_iters", Integer.toString(maxIters));
        line(s, "learning_rate", fmt(learningRate) + " (warmup_iters " + warmupIters + ", cosine to min_lr "
                + fmt(minLr) + " at lr_decay_iters " + lrDecayIters + ")");
        line(s, "optimizer", "AdamW betas (" + fmt(beta1) + ", " + fmt(beta2) + "), eps 1e-8, weight_decay "
                + fmt(weightDecay) + " on the weight matrices and embeddings only");
        line(s, "grad_clip", gradClip > 0 ? fmt(gradClip) + " (global norm)" : "off");
        line(s, "eval", "every " + evalInterval + " iterations and at the end: mean loss of " + evalIters
                + " random batches of each split (eval_iters)");
        line(s, "seed", Long.toString(seed));
        line(s, "precision", Kernels.precision().name().toLowerCase(Locale.ROOT) + " products; kernels: "
                + Kernels.active());
        return s.toString();
    }

    private static void line(StringBuilder s, String name, String value) {
        s.append(String.format(Locale.ROOT, "  %-14s %s%n", name, value));
    }

    private static String fmt(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e6 ? Long.toString((long) x) + ".0"
                : Double.toString(x).replace("E-", "e-");
    }

    /**
     * Trains from scratch on the text (Tiny Shakespeare for the recipe): an estimate of both splits every
     * evalInterval iterations and at the end, printed as nanoGPT prints it ({@code step N: train loss A, val loss
     * B}), and the Trainer's progress lines every {@code logEvery} iterations (0: none). log may be null.
     *
     * @param text the whole text; its first {@link #TRAIN_FRACTION} is the training split, the rest validation
     * @param log where the estimates and progress lines go, or null
     * @param logEvery iterations between the Trainer's progress lines (0: none)
     * @return the trained model, its history, the estimates and the timings
     */
    public Run run(String text, PrintStream log, int logEvery) {
        Vocabulary vocab = Vocabulary.ofText(text);
        TextDataset[] split = new TextDataset(text, vocab).splitAt(TRAIN_FRACTION);
        Transformer model = new Transformer(config(vocab.size()));
        AdamW opt = optimizer(model);
        Supplier<Batch> train = split[0].randomChunks(batchSize, blockSize, seed + 1);
        Iterable<Batch> trainEstimate = split[0].randomSample(batchSize, blockSize, evalIters, seed + 2);
        Iterable<Batch> valEstimate = split[1].randomSample(batchSize, blockSize, evalIters, seed + 3);
        // the time and CPU time at the same point of every iteration (after backward, before the update)
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] wall = new long[maxIters], cpu = new long[maxIters];
        Trainer<Batch> trainer = Trainer.of(model, opt).data(train).schedule(schedule()).log(log).logEvery(logEvery)
                .onGradients(1, step -> {
                    wall[(int) step] = System.nanoTime();
                    cpu[(int) step] = threads.getCurrentThreadCpuTime();
                });
        if (gradClip > 0) trainer.clipGradNorm(gradClip);
        int evals = maxIters / evalInterval + 2;
        int[] evalIter = new int[evals];
        double[] trainLoss = new double[evals], valLoss = new double[evals];
        int e = 0;
        long t0 = System.nanoTime();
        for (int it = 0; ; it = Math.min(it + evalInterval, maxIters)) {
            evalIter[e] = it;
            trainLoss[e] = Trainer.evaluate(model, trainEstimate);
            valLoss[e] = Trainer.evaluate(model, valEstimate);
            if (log != null) {
                log.printf(Locale.ROOT, "step %d: train loss %.4f, val loss %.4f%n", it, trainLoss[e], valLoss[e]);
            }
            e++;
            if (it == maxIters) break;
            trainer.steps(Math.min(evalInterval, maxIters - it)).run();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] ms = new double[maxIters], cpuMs = new double[maxIters];
        Arrays.fill(ms, Double.NaN);
        Arrays.fill(cpuMs, Double.NaN);
        for (int i = 1; i < maxIters; i++) {
            ms[i] = (wall[i] - wall[i - 1]) / 1e6;
            cpuMs[i] = (cpu[i] - cpu[i - 1]) / 1e6;
        }
        return new Run(this, model, vocab, trainer.history(), Arrays.copyOf(evalIter, e), Arrays.copyOf(trainLoss, e),
                Arrays.copyOf(valLoss, e), ms, cpuMs, seconds, Kernels.precision(), Kernels.active());
    }

    /**
     * One run of the recipe.
     *
     * @param history   the Trainer's history: every iteration's batch loss, gradient norm and learning rate
     * @param evalIters the iterations of the estimates (0, 250, …, max_iters)
     * @param trainLoss the estimate on the training split at each
     * @param valLoss   the estimate on the validation split at each
     * @param iterMs    wall-clock milliseconds of iteration i (from the same point of iteration i − 1; NaN for the
     *                  first); it includes an estimate where one happened in between
     * @param iterCpuMs the same in CPU time of the training thread
     * @param seconds   the whole run, estimates included
     */
    public record Run(NanoGptRecipe recipe, Transformer model, Vocabulary vocab, TrainingHistory history,
                      int[] evalIters, double[] trainLoss, double[] valLoss, double[] iterMs, double[] iterCpuMs,
                      double seconds, Kernels.Precision precision, String kernels) {

        /**
         * The last estimate on the validation split.
         *
         * @return the validation loss (nats per character) of the last estimate
         */
        public double finalValLoss() {
            return valLoss[valLoss.length - 1];
        }

        /**
         * The median milliseconds per iteration from iteration {@code from} on, leaving out those with an estimate.
         *
         * @param from the first iteration counted (to skip warm-up of the JIT)
         * @return the median wall-clock milliseconds of an iteration
         */
        public double medianIterMs(int from) {
            return median(iterMs, from);
        }

        /**
         * The same in CPU time of the training thread.
         *
         * @param from the first iteration counted
         * @return the median CPU milliseconds of an iteration
         */
        public double medianIterCpuMs(int from) {
            return median(iterCpuMs, from);
        }

        private double median(double[] xs, int from) {
            double[] v = new double[xs.length];
            int n = 0;
            for (int i = Math.max(1, from); i < xs.length; i++) {
                if (i % recipe.evalInterval() != 0 && !Double.isNaN(xs[i])) v[n++] = xs[i];
            }
            if (n == 0) return Double.NaN;
            Arrays.sort(v, 0, n);
            return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        }

        /**
         * The run's log as a table, one row per iteration ({@code kind = iter}: its batch loss, learning rate, ms and
         * CPU ms) and one per estimate ({@code kind = eval}: train_loss, val_loss) — the columns of
         * bench/nanogpt_peer.py's CSV of nanoGPT's log, plus lr and cpu_ms.
         *
         * @return the table: kind, iter, loss, train_loss, val_loss, lr, ms, cpu_ms
         */
        public Table log() {
            int n = history.size(), m = evalIters.length;
            StringColumn kind = StringColumn.create("kind");
            IntColumn iter = IntColumn.create("iter");
            DoubleColumn loss = DoubleColumn.create("loss"), tr = DoubleColumn.create("train_loss");
            DoubleColumn va = DoubleColumn.create("val_loss"), lr = DoubleColumn.create("lr");
            DoubleColumn ms = DoubleColumn.create("ms"), cms = DoubleColumn.create("cpu_ms");
            int[] steps = history.steps();
            double[] l = history.trainLoss(), rates = history.lrs();
            for (int i = 0; i < n; i++) {
                kind.append("iter");
                iter.append(steps[i]);
                loss.append(round(l[i], 4));
                tr.appendMissing();
                va.appendMissing();
                lr.append(rates[i]);
                ms.append(round(iterMs[steps[i]], 2));
                cms.append(round(iterCpuMs[steps[i]], 2));
            }
            for (int k = 0; k < m; k++) {
                kind.append("eval");
                iter.append(evalIters[k]);
                loss.appendMissing();
                tr.append(round(trainLoss[k], 4));
                va.append(round(valLoss[k], 4));
                lr.appendMissing();
                ms.appendMissing();
                cms.appendMissing();
            }
            return Table.create("nanoGPT recipe", kind, iter, loss, tr, va, lr, ms, cms);
        }

        private static double round(double x, int digits) {
            if (Double.isNaN(x)) return x;
            double f = Math.pow(10, digits);
            return Math.round(x * f) / f;
        }

        /**
         * Writes {@link #log()} as CSV, through a temporary file renamed into place.
         *
         * @param file the CSV file to write
         * @throws IOException if the file cannot be written
         */
        public void writeCsv(Path file) throws IOException {
            Path abs = file.toAbsolutePath();
            Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
            try {
                log().write().csv(tmp.toFile());
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }

        /**
         * n characters after a newline, as nanoGPT's sample.py draws them (temperature 0.8, top-k 200).
         *
         * @param n the number of characters to draw
         * @param seed the seed of the draws
         * @return the n characters
         */
        public String sample(int n, long seed) {
            return new Sampler(model, vocab, seed).temperature(SAMPLE_TEMPERATURE).topK(SAMPLE_TOP_K).text("\n", n);
        }
    }
}
