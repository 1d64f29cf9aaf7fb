package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Objective;
import io.github.lmworkbook.core.Param;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The training loop, for any model with a loss ({@link Objective}: a language model on batches of tokens, a
 * sequence regressor on its sequences, …). Each step s (0-based; "after s updates"):
 * <pre>
 *   η ← schedule(s)                         if a schedule is set
 *   evaluate the dev split                  if s % evalEvery == 0 or s is the last step of the run
 *   batch ← next training batch
 *   model.zeroGrad();  L ← model.lossAndGrad(batch)        stop if L is NaN/±∞
 *   ‖g‖ ← global gradient norm (clip to the threshold if set)   stop naming the first bad param if not finite
 *   optimizer.step()
 * </pre>
 * Configure fluently and {@link #run()}:
 * <pre>{@code
 * TrainingHistory h = Trainer.of(model, new AdamW(model, 5e-4))
 *         .data(train.randomBatches(32, 42))
 *         .steps(5000).clipGradNorm(1.0)
 *         .eval(dev.inOrder(1024), 500)
 *         .run();
 * }</pre>
 * A second {@code run()} continues where the first stopped (same step counter, same history). Progress goes to
 * {@code System.out} one line per report (about a dozen lines per run by default), which a notebook shows too.
 */
public final class Trainer<D> {
    private final Objective<D> model;
    private final Optimizer optimizer;
    private Supplier<D> batches;
    private long steps = 1000;
    private LrSchedule schedule;
    private double clip = Double.NaN;
    private Iterable<D> dev;
    private long evalEvery;
    private long logEvery = -1;        // −1: about 10 reports per run
    private PrintStream out = System.out;
    private double timeBudgetSeconds = Double.POSITIVE_INFINITY;
    private LongConsumer gradientHook;
    private long hookEvery;
    private boolean lossUnits;

    private final TrainingHistory history = new TrainingHistory();
    private long step;                 // the next step's index = updates done so far

    private Trainer(Objective<D> model, Optimizer optimizer) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    }

    /**
     * A trainer of the model by the optimizer; configure it, then {@link #run()}.
     *
     * @param <D> the type of a batch
     * @param model the model to train (its loss, gradients and parameters)
     * @param optimizer the optimizer that updates the model's parameters
     * @return the trainer
     */
    public static <D> Trainer<D> of(Objective<D> model, Optimizer optimizer) {
        return new Trainer<>(model, optimizer);
    }

    /**
     * The source of training batches (e.g. {@code NamesDataset.randomBatches(B, seed)}).
     *
     * @param batches gives one training batch per step
     * @return this trainer, for chaining
     */
    public Trainer<D> data(Supplier<D> batches) {
        this.batches = Objects.requireNonNull(batches, "batches");
        return this;
    }

    /**
     * The number of steps each {@link #run()} takes (default 1000).
     *
     * @param steps the number of steps per run (≥ 0)
     * @return this trainer, for chaining
     */
    public Trainer<D> steps(long steps) {
        if (steps < 0) throw new IllegalArgumentException("steps " + steps + " must be ≥ 0");
        this.steps = steps;
        return this;
    }

    /**
     * Sets the learning rate from schedule.lr(step) before every step.
     *
     * @param schedule the learning rate by step
     * @return this trainer, for chaining
     */
    public Trainer<D> schedule(LrSchedule schedule) {
        this.schedule = schedule;
        return this;
    }

    /**
     * Clips the gradients to this global norm every step ({@link GradClip#clipByGlobalNorm}).
     *
     * @param threshold the largest global gradient norm (&gt; 0)
     * @return this trainer, for chaining
     */
    public Trainer<D> clipGradNorm(double threshold) {
        if (!(threshold > 0)) throw new IllegalArgumentException("clipping threshold " + threshold + " must be > 0");
        this.clip = threshold;
        return this;
    }

    /**
     * Evaluates the mean loss over all of dev (forward only) every k steps and at the last step.
     *
     * @param dev the held-out batches
     * @param every k, the steps between two evaluations
     * @return this trainer, for chaining
     */
    public Trainer<D> eval(Iterable<D> dev, long every) {
        if (every <= 0) throw new IllegalArgumentException("eval interval " + every + " must be positive");
        this.dev = Objects.requireNonNull(dev, "dev");
        this.evalEvery = every;
        return this;
    }

    /**
     * Prints a progress line every n steps (and at the first and last); 0 prints nothing.
     *
     * @param n the steps between two progress lines
     * @return this trainer, for chaining
     */
    public Trainer<D> logEvery(long n) {
        if (n < 0) throw new IllegalArgumentException("log interval " + n + " must be ≥ 0");
        this.logEvery = n;
        return this;
    }

    /**
     * Where progress lines go (default System.out); null prints nothing.
     *
     * @param out the stream for progress lines, or null
     * @return this trainer, for chaining
     */
    public Trainer<D> log(PrintStream out) {
        this.out = out;
        return this;
    }

    /**
     * Prints every loss of the progress lines also in bits per character and as a perplexity ({@link CrossEntropy};
     * default off): for a language model, whose loss is a per-token cross-entropy in nats.
     *
     * @param on whether to add bits and perplexity to the progress lines
     * @return this trainer, for chaining
     */
    public Trainer<D> lossUnits(boolean on) {
        this.lossUnits = on;
        return this;
    }

    /**
     * No progress lines.
     *
     * @return this trainer, for chaining
     */
    public Trainer<D> quiet() {
        return log(null);
    }

    /**
     * Stops a run after this many seconds of wall-clock time (checked before each step).
     *
     * @param budget the wall-clock time a run may take
     * @return this trainer, for chaining
     */
    public Trainer<D> timeBudget(Duration budget) {
        return timeBudgetSeconds(budget.toNanos() / 1e9);
    }

    /**
     * The time budget in seconds, as {@link #timeBudget(Duration)}.
     *
     * @param seconds the wall-clock seconds a run may take
     * @return this trainer, for chaining
     */
    public Trainer<D> timeBudgetSeconds(double seconds) {
        if (!(seconds > 0)) throw new IllegalArgumentException("time budget " + seconds + " s must be > 0");
        this.timeBudgetSeconds = seconds;
        return this;
    }

    /**
     * Calls hook.accept(step) every k steps after the backward pass and clipping, before the update: the moment to
     * look at the gradients (e.g. per-layer gradient norms).
     *
     * @param every k, the steps between two calls
     * @param hook called with the 0-based step number
     * @return this trainer, for chaining
     */
    public Trainer<D> onGradients(long every, LongConsumer hook) {
        if (every <= 0) throw new IllegalArgumentException("hook interval " + every + " must be positive");
        this.hookEvery = every;
        this.gradientHook = hook;
        return this;
    }

    /** {@return the history of every run so far} */
    public TrainingHistory history() {
        return history;
    }

    /** {@return the number of steps (updates) done so far} */
    public long step() {
        return step;
    }

    /**
     * Runs {@link #steps(long)} more steps (fewer if the time budget runs out) and returns the history.
     *
     * @return the history of every run so far
     */
    public TrainingHistory run() {
        if (batches == null) throw new IllegalStateException("no training data: call data(batches) before run()");
        long first = step, last = step + steps - 1;
        long every = logEvery >= 0 ? logEvery : Math.max(1, steps / 10);
        int room = (int) Math.min(steps, 1 << 20);  // beyond this (a time-budgeted run) the history grows by doubling
        history.ensureCapacity(room, dev == null ? 0 : (int) (room / evalEvery + 2));
        history.stopReason("");
        long t0 = System.nanoTime(), tReport = t0, stepsReport = 0;
        double lossSum = 0;
        int lossCount = 0;
        for (; step <= last; step++) {
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (elapsed > timeBudgetSeconds) {
                history.stopReason(String.format("time budget %.0f s reached after %d of %d steps",
                        timeBudgetSeconds, step - first, steps));
                if (out != null) out.println("stopped: " + history.stopReason());
                break;
            }
            if (schedule != null) optimizer.setLr(schedule.lr(step));
            double devLoss = Double.NaN;
            long tEval = 0;
            if (dev != null && (step % evalEvery == 0 || step == last)) {
                long e0 = System.nanoTime();
                devLoss = evaluate(model, dev);
                history.addEval((int) step, devLoss);
                tEval = System.nanoTime() - e0;
            }

            D batch = batches.get();
            if (model.weight(batch) == 0) {
                throw new IllegalArgumentException("training batch at step " + step + " has nothing to learn from"
                        + " (every target is ignored): check the data");
            }
            model.zeroGrad();
            double loss = model.lossAndGrad(batch);
            if (!Double.isFinite(loss)) {
                String why = "the training loss is " + loss;
                for (Param p : model.params()) {
                    if (!p.value.isFinite()) {
                        why += "; parameter '" + p.name + "' " + p.shape() + " contains " + firstBad(p.value);
                        break;
                    }
                }
                throw diverged("loss", why);
            }
            double norm = Double.isNaN(clip) ? GradClip.globalNorm(model) : GradClip.clipByGlobalNorm(model, clip);
            if (!Double.isFinite(norm)) {
                for (Param p : model.params()) {
                    if (!p.grad.isFinite()) {
                        throw diverged(p.name, "the gradient of parameter '" + p.name + "' " + p.shape()
                                + " contains " + firstBad(p.grad) + " (loss " + loss + ")");
                    }
                }
                throw diverged("gradient norm", "the global gradient norm overflowed to " + norm);
            }
            if (gradientHook != null && step % hookEvery == 0) gradientHook.accept(step);
            optimizer.step();
            history.addStep((int) step, loss, norm, optimizer.lr());

            lossSum += loss;
            lossCount++;
            stepsReport++;
            tReport += tEval; // evaluation time does not count against steps/s
            if (out != null && every > 0 && (step % every == 0 || step == first || step == last)) {
                long now = System.nanoTime();
                double rate = stepsReport / Math.max(1e-9, (now - tReport) / 1e9);
                double mean = lossSum / lossCount;
                out.println(String.format("step %6d/%d | loss %.4f%s%s | lr %.2e | grad norm %7.3f | %.0f steps/s",
                        step, first + steps, mean, lossUnits ? " " + CrossEntropy.unitsOf(mean) : "",
                        Double.isNaN(devLoss) ? "" : String.format(" | dev %.4f", devLoss)
                                + (lossUnits ? " " + CrossEntropy.unitsOf(devLoss) : ""),
                        optimizer.lr(), norm, rate));
                lossSum = 0;
                lossCount = 0;
                stepsReport = 0;
                tReport = now;
            }
        }
        history.addSeconds((System.nanoTime() - t0) / 1e9);
        for (Param p : model.params()) {              // the last update is checked by no later loss: check it here
            if (!p.value.isFinite()) {
                throw diverged(p.name, "the last update made parameter '" + p.name + "' " + p.shape() + " contain "
                        + firstBad(p.value));
            }
        }
        return history;
    }

    /**
     * The mean loss over the batches (forward only): Σ_b L_b·n_b / Σ_b n_b with n_b = model.weight(b) — for a
     * language model the number of targets ≥ 0 in batch b, so the result is the per-token mean over the whole
     * split whatever the batch sizes.
     *
     * @param <D> the type of a batch
     * @param model the model evaluated
     * @param batches the batches to evaluate, each once
     * @return the weighted mean loss over all the batches
     */
    public static <D> double evaluate(Objective<D> model, Iterable<D> batches) {
        double sum = 0;
        long count = 0;
        for (D b : batches) {
            long n = model.weight(b);
            if (n == 0) continue;
            sum += model.loss(b) * n;
            count += n;
        }
        if (count == 0) throw new IllegalArgumentException("evaluate: the batches hold no targets");
        return sum / count;
    }

    private TrainingDivergedException diverged(String culprit, String what) {
        String msg = "training diverged at step " + step + ": " + what
                + ". Try a smaller learning rate or gradient clipping (clipGradNorm).";
        if (out != null) out.println(msg);
        return new TrainingDivergedException(step, culprit, msg, history.snapshot());
    }

    private static String firstBad(Matrix m) {
        double[][] g = m.data;
        for (int i = 0; i < g.length; i++) {
            for (int j = 0; j < g[i].length; j++) {
                if (!Double.isFinite(g[i][j])) return g[i][j] + " at [" + i + "][" + j + "]";
            }
        }
        return "no non-finite value";
    }
}
