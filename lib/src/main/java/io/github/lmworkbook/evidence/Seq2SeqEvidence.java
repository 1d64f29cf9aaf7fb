package io.github.lmworkbook.evidence;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.TransductionBatch;
import io.github.lmworkbook.data.TransductionTask;
import io.github.lmworkbook.experiments.Outcome;
import io.github.lmworkbook.experiments.Seq2SeqExperiments;
import io.github.lmworkbook.models.Seq2Seq;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.LrSchedule;
import io.github.lmworkbook.train.Trainer;
import io.github.lmworkbook.train.TrainingDivergedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Notebook 04b's evidence (the encoder–decoder and Bahdanau attention). One model is trained per run on the reversal
 * of random strings of every length from 1 to {@value #L_MAX} (A = 8 symbols, a length drawn per batch), and measured
 * on held-out strings of each even length — accuracy against L from one model, as Bahdanau et al. plotted BLEU
 * against sentence length. Two experiments, the same in everything but the attention:
 * <ul>
 *   <li>{@code seq2seq-bottleneck}: the GRU encoder–decoder without attention at H = 8 and 16, trained at 1×, 4×
 *       and 16× the budget (the break with L moves from 1× to 4×, and again from 4× to 16×);</li>
 *   <li>{@code seq2seq-attention}: the same with Bahdanau's additive attention, its H chosen so that it has as many
 *       parameters as the model without attention of the condition's H ({@link Seq2SeqExperiments#matchedHidden}).</li>
 * </ul>
 * Each at three learning rates (the best chosen on a dev set of its own, never on the test set), five seeds, the
 * budget and 4× it. Every run measures, per length, the token and sequence accuracy free-running (the decoder reads
 * its own outputs) and teacher-forced (it reads the true previous symbol): their gap is the exposure bias; and, at
 * L = {@value #L_MAX}, the gradient's reach into the encoder, ‖∂L/∂h_s‖ against the source position s, before training
 * (the untrained control) and after, with the share that arrived through α; with attention, where α puts its weight.
 */
final class Seq2SeqEvidence implements Catalog.Topic {

    static final int A = 8, EMBED = 16, BATCH = 32, L_MAX = 16, STEPS = 4000, TEST = 256, DEV = 128, PROBE = 64,
            POINTS = 6;
    static final List<Integer> SIZES = List.of(8, 16);
    /**
     * The budgets of the model without attention: 1× and its 4× control, then 16× (64,000 steps), because 4× moved
     * the break with L: it is followed one fourfold step further, to see whether it stops moving (it does not).
     */
    static final int[] LONG = {1, 4, 16};
    /** The bound below which the accuracy at L = 16 stays without attention, and the length the sizes are compared at. */
    static final double FALL_16 = 0.9;
    static final int STATE_L = 12;
    static final List<String> LRS = List.of("3e-3", "1e-2", "3e-2");
    static final int[] LENGTHS = {2, 4, 6, 8, 10, 12, 14, 16};
    static final String BOTTLENECK = "seq2seq-bottleneck", ATTENTION = "seq2seq-attention";

    static final String DEV_LOSS = "dev loss", DIVERGED = "diverged", HIDDEN = "hidden size", PARAMS = "parameters",
            TRAIN_LOSS = "train loss", FORCED = "teacher-forced ", SEQ = "sequence accuracy", TOK = "token accuracy",
            BIAS = "exposure bias", REACH = "‖∂L/∂h_s‖", REACH_ALPHA = "‖∂L/∂h_s‖ through α",
            RATIO = "‖∂L/∂h_1‖ / ‖∂L/∂h_L‖", UNTRAINED = "untrained ", ON_PI = "α on π(t)",
            ARGMAX_PI = "argmax α = π(t)", NEAR_PI = "α on π(t) or π(t) + 1",
            ARGMAX_NEAR = "argmax α at π(t) or π(t) + 1", CURVE_DEV = "dev loss during training",
            CURVE_ACC = "token accuracy at L = 16 during training";

    /** A per-length metric: e.g. {@code token accuracy, L = 8}. */
    static String at(String metric, int L) {
        return metric + ", L = " + L;
    }

    /** The curve of a metric against L. */
    static String againstL(String metric) {
        return metric + " against L";
    }

    /** The condition of the library's experiments with the same model sizes (for the matched hidden size). */
    static Seq2SeqExperiments.Condition libraryCondition(int H, Seq2Seq.Attention attention) {
        return new Seq2SeqExperiments.Condition(CellType.GRU, H, attention, L_MAX,
                new Seq2SeqExperiments.Setup(TransductionTask.Kind.REVERSE, A, EMBED, 0, BATCH, 1e-2, 1.0, TEST, 8));
    }

    /** The hidden size of a run: H without attention, the matched one with it. */
    static int hidden(int H, Seq2Seq.Attention attention) {
        return attention == Seq2Seq.Attention.NONE ? H
                : Seq2SeqExperiments.matchedHidden(libraryCondition(H, attention));
    }

    /** The held-out pairs of length L: test (seed 1,000,000 + L) or dev (2,000,000 + L), the same for every run. */
    static List<TransductionBatch> heldOut(int L, boolean test) {
        return new TransductionTask(TransductionTask.Kind.REVERSE, A, L).heldOut(test ? TEST : DEV, L,
                (test ? 1_000_000L : 2_000_000L) + L);
    }

    /** Every dev pair, of every evaluated length. */
    static List<TransductionBatch> devSet() {
        List<TransductionBatch> out = new ArrayList<>();
        for (int L : LENGTHS) out.addAll(heldOut(L, false));
        return out;
    }

    /** The probe of the gradient's reach: 64 strings of length L_MAX (seed 3,000,000). */
    static TransductionBatch probe() {
        return new TransductionTask(TransductionTask.Kind.REVERSE, A, L_MAX).fixedSet(1, PROBE, L_MAX, 3_000_000L)
                .get(0);
    }

    /** The reach measurements into the outcome (prefixed "untrained " before training). */
    static void measureReach(Seq2Seq m, TransductionBatch probe, Outcome o, String prefix) {
        double[][] r = Seq2SeqExperiments.reach(m, probe);
        double[] x = new double[L_MAX];
        for (int s = 0; s < L_MAX; s++) x[s] = s + 1;
        o.metric(prefix + RATIO, r[0][0] / r[0][L_MAX - 1])
                .curve(prefix + REACH, x, r[0]).curve(prefix + REACH_ALPHA, x, r[1]);
    }

    /**
     * With attention, on the test strings of length L_MAX decoded free-running: the mean weight α_{t,π(t)} on the
     * source position π(t) that output step t copies, and the share of the steps whose largest weight is there; the
     * same for π(t) and the position after it together (a forward encoder's h_{π(t)+1} still holds x_{π(t)}: the
     * state after reading a symbol and the next one both carry it).
     */
    static void measureAlignment(Seq2Seq m, Outcome o) {
        int L = L_MAX;
        int[] pi = new TransductionTask(TransductionTask.Kind.REVERSE, A, L).alignment(L);
        double on = 0, argmax = 0, near = 0, argmaxNear = 0;
        long n = 0;
        for (TransductionBatch batch : heldOut(L, true)) {
            m.decode(batch.source(), L, new int[batch.size()][L]);
            for (int b = 0; b < batch.size(); b++) {
                Matrix a = m.alignment(b);                          // (T × S)
                for (int t = 0; t < L; t++, n++) {
                    int p = pi[t];
                    on += a.data[t][p];
                    near += a.data[t][p] + (p + 1 < L ? a.data[t][p + 1] : 0);
                    int best = 0;
                    for (int s = 1; s < L; s++) if (a.data[t][s] > a.data[t][best]) best = s;
                    if (best == p) argmax++;
                    if (best == p || best == p + 1) argmaxNear++;
                }
            }
        }
        o.metric(ON_PI, on / n).metric(ARGMAX_PI, argmax / n).metric(NEAR_PI, near / n)
                .metric(ARGMAX_NEAR, argmaxNear / n);
    }

    /** Accuracies per length into the outcome: metrics at each L and curves against L. */
    static void measureAccuracy(Seq2Seq m, Outcome o) {
        int k = LENGTHS.length;
        double[] x = new double[k], tok = new double[k], seq = new double[k], ftok = new double[k],
                fseq = new double[k];
        for (int i = 0; i < k; i++) {
            int L = LENGTHS[i];
            Seq2Seq.Accuracy a = m.evaluate(heldOut(L, true));
            x[i] = L;
            tok[i] = a.tokenFreeRunning();
            seq[i] = a.sequenceFreeRunning();
            ftok[i] = a.tokenTeacherForced();
            fseq[i] = a.sequenceTeacherForced();
            o.metric(at(TOK, L), tok[i]).metric(at(SEQ, L), seq[i]).metric(at(FORCED + TOK, L), ftok[i])
                    .metric(at(FORCED + SEQ, L), fseq[i]).metric(at(BIAS, L), ftok[i] - tok[i]);
        }
        o.curve(againstL(TOK), x, tok).curve(againstL(SEQ), x, seq).curve(againstL(FORCED + TOK), x, ftok)
                .curve(againstL(FORCED + SEQ), x, fseq);
    }

    /** The metrics a claim reads, NaN, for a run whose training diverged. */
    static Outcome diverged(boolean attention) {
        Outcome o = new Outcome();
        o.metric(at(TOK, L_MAX), Double.NaN).metric(DEV_LOSS, Double.NaN);
        for (int L : LENGTHS) {
            o.metric(at(TOK, L), Double.NaN).metric(at(SEQ, L), Double.NaN).metric(at(FORCED + TOK, L), Double.NaN)
                    .metric(at(FORCED + SEQ, L), Double.NaN).metric(at(BIAS, L), Double.NaN);
        }
        o.metric(RATIO, Double.NaN).metric(UNTRAINED + RATIO, Double.NaN);
        if (attention) {
            o.metric(ON_PI, Double.NaN).metric(ARGMAX_PI, Double.NaN).metric(NEAR_PI, Double.NaN)
                    .metric(ARGMAX_NEAR, Double.NaN);
        }
        return o.metric(DIVERGED, 1);
    }

    /**
     * One run: the GRU encoder–decoder of the condition's size (matched with attention), its untrained reach, AdamW
     * (no weight decay) with warm-up over 5 % of the steps and cosine decay to lr/10, clipping at 1, batches of 32
     * strings of a length drawn from 1 … 16 (the seed's); the dev loss and the accuracy at L = 16 at 7 points of the
     * training; then the accuracies per length, the trained reach and (attention) the alignment.
     */
    static Outcome run(Seq2Seq.Attention attention, Condition c, long seed, int scale) {
        int H = hidden(c.integer("H"), attention);
        double lr = c.number("lr");
        Seq2Seq m = new Seq2Seq(Seq2Seq.Config.of(CellType.GRU, A, EMBED, H, attention, seed));
        TransductionTask task = new TransductionTask(TransductionTask.Kind.REVERSE, A, 1, L_MAX);
        TransductionBatch probe = probe();
        List<TransductionBatch> dev = devSet(), test16 = heldOut(L_MAX, true);
        Outcome o = new Outcome();
        Outcome untrained = new Outcome();
        measureReach(m, probe, untrained, UNTRAINED);
        int steps = STEPS * scale;
        Trainer<TransductionBatch> trainer = Trainer.of(m, new AdamW(m, lr, 0.0)).data(task.batches(BATCH, seed))
                .schedule(LrSchedule.warmupCosine(lr, steps / 20, steps, lr / 10)).clipGradNorm(1.0).quiet();
        double[] at = new double[POINTS + 1], devLoss = new double[POINTS + 1], acc = new double[POINTS + 1];
        try {
            for (int i = 0; i <= POINTS; i++) {
                long target = (long) steps * i / POINTS;
                if (target > trainer.step()) trainer.steps(target - trainer.step()).run();
                at[i] = target;
                devLoss[i] = Trainer.evaluate(m, dev);
                acc[i] = m.evaluate(test16).tokenFreeRunning();
            }
        } catch (TrainingDivergedException e) {
            return diverged(attention != Seq2Seq.Attention.NONE);
        }
        o.metric(at(TOK, L_MAX), acc[POINTS]);                      // the progress line's
        o.metric(DEV_LOSS, devLoss[POINTS]).metric(TRAIN_LOSS, trainer.history().lastTrainLoss(50))
                .metric("untrained " + DEV_LOSS, devLoss[0]).metric(DIVERGED, 0).metric(HIDDEN, H)
                .metric(PARAMS, m.numParams());
        o.curve(CURVE_DEV, at, devLoss).curve(CURVE_ACC, at, acc);
        measureAccuracy(m, o);
        measureReach(m, probe, o, "");
        untrained.metrics().forEach(o::metric);
        untrained.curves().forEach((name, xy) -> o.curve(name, xy[0], xy[1]));
        if (attention != Seq2Seq.Attention.NONE) measureAlignment(m, o);
        return o;
    }

    static final String CONFIG = "reversal of random strings, A = 8 symbols; training batches of 32 strings, each"
            + " batch of one length drawn from 1 … 16 (the run's seed); GRU encoder and decoder, m = 16, Seq2Seq's own"
            + " init (seeded by the run's seed); AdamW(lr, wd 0), warm-up 5 % of the steps + cosine to lr/10, clip 1.0;"
            + " test: 256 strings of each L = 2, 4, … 16 (seed 1,000,000 + L), dev: 128 others (2,000,000 + L); dev"
            + " loss = teacher-forced loss over every dev string; accuracies free-running (greedy) and teacher-forced;"
            + " reach: ‖∂L/∂h_s‖ per pair, mean over 64 strings of L = 16 (seed 3,000,000), untrained and trained;"
            + " curves at 7 points of training: dev loss, free-running token accuracy at L = 16";

    @Override
    public List<Experiment> experiments() {
        return List.of(
                new Experiment(BOTTLENECK, "the encoder–decoder without attention: accuracy against the length of"
                        + " the reversed string, H = 8 and 16, three learning rates", "04b",
                        Experiment.grid("H", SIZES, "lr", LRS), Experiment.FIVE, LONG,
                        STEPS + " steps of 32 strings", CONFIG + "; no attention",
                        (c, seed, scale) -> run(Seq2Seq.Attention.NONE, c, seed, scale)),
                new Experiment(ATTENTION, "the same with Bahdanau's additive attention, as many parameters as the"
                        + " model without attention of the condition's H", "04b",
                        Experiment.grid("H", SIZES, "lr", LRS), Experiment.FIVE, Experiment.BUDGETS,
                        STEPS + " steps of 32 strings", CONFIG + "; additive attention (score size = its H), its H"
                        + " the one whose parameter count is closest to the model without attention at the"
                        + " condition's H (Seq2SeqExperiments.matchedHidden); alignment α on the test strings of"
                        + " L = 16, free-running",
                        (c, seed, scale) -> run(Seq2Seq.Attention.ADDITIVE, c, seed, scale)));
    }

    // ------------------------------------------------------------------------------------------ the claims

    /** The learning rate chosen on dev for a size, per budget. */
    static IntFunction<Condition> best(Evidence ev, int H) {
        return Checks.bestOn(ev, DEV_LOSS, "H", H);
    }

    /**
     * Seed by seed: metric of a (one experiment, at budget sa) op metric of b (another, at budget sb), each condition
     * chosen for its budget — e.g. the model with attention at 1× against the one without at 4×.
     */
    static Verdict across(Evidence a, IntFunction<Condition> ca, int sa, Evidence b, IntFunction<Condition> cb, int sb,
                          String metric, Checks.Op op) {
        Condition x = ca.apply(sa), y = cb.apply(sb);
        long[] seeds = a.seeds(x, sa);
        double[] va = new double[seeds.length], vb = new double[seeds.length];
        int ok = 0;
        for (int j = 0; j < seeds.length; j++) {
            va[j] = a.run(x, sa, seeds[j]).metric(metric);
            vb[j] = b.has(y, sb, seeds[j]) ? b.run(y, sb, seeds[j]).metric(metric) : Double.NaN;
            if (op.test(va[j], vb[j])) ok++;
        }
        return Verdict.of(ok == seeds.length && seeds.length > 0, String.format(Locale.ROOT,
                "%s: %s %s at %d× [%s] %s %s %s at %d× [%s] at %d of %d seeds", metric, a.id(), x.label(), sa,
                Checks.list(va), op.symbol, b.id(), y.label(), sb, Checks.list(vb), ok, seeds.length));
    }

    /** The same at every budget of a, each experiment at that budget. */
    static Verdict across(Evidence a, IntFunction<Condition> ca, Evidence b, IntFunction<Condition> cb, String metric,
                          Checks.Op op) {
        List<Verdict> v = new ArrayList<>();
        for (int s : a.scales()) v.add(across(a, ca, s, b, cb, s, metric, op));
        return Verdict.all(v);
    }

    /**
     * A note that the untrained ratio of a size is the same number at every learning rate, budget and seed-wise (the
     * untrained model depends on the seed only), or a failed check naming the first difference.
     */
    static Verdict untrainedSame(Evidence ev, int H) {
        Condition first = Condition.of("H", H, "lr", LRS.get(0));
        for (Condition c : ev.where("H", H)) {
            for (int s : ev.scales()) {
                double[] a = ev.values(first, 1, UNTRAINED + RATIO), b = ev.values(c, s, UNTRAINED + RATIO);
                if (!close(a, b)) {
                    return Verdict.of(false, String.format(Locale.ROOT, "%s: untrained ratio of %s at %d× differs (1e-9)"
                            + " from %s at 1×", ev.id(), c.label(), s, first.label()));
                }
            }
        }
        return Verdict.note(ev.id() + ", H = " + H + ": the untrained ratio is the same at every learning rate and"
                + " budget");
    }

    /**
     * The same numbers to 1e-9 relative: the untrained model is the same, but the Vector API's exponential may round
     * its last bit differently in another JVM state (see the README), and that moves a ratio of norms in its last bits.
     */
    static boolean close(double[] a, double[] b) {
        if (a.length != b.length) return false;
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= 1e-9 * Math.max(Math.abs(a[i]), Math.abs(b[i])))) return false;
        }
        return true;
    }

    /** The learning rates chosen on dev, of both sizes. */
    static Verdict chosen(Evidence ev) {
        List<Verdict> v = new ArrayList<>();
        for (int H : SIZES) v.add(Checks.chosen(ev, DEV_LOSS, "H", H));
        return Verdict.all(v);
    }

    @Override
    public List<Claim> claims() {
        List<String> both = List.of(BOTTLENECK, ATTENTION);
        return List.of(
                new Claim("seq2seq.bottleneck", "Without attention, accuracy falls with the length of the string"
                        + " at every budget up to 16×: for H = 8 and H = 16 (each at its learning rate chosen on dev),"
                        + " the free-running token accuracy is at least 0.8 at L = 4 and below " + FALL_16 + " at L = 16,"
                        + " at every seed and budget.", List.of(BOTTLENECK), src -> {
                    Evidence ev = src.get(BOTTLENECK);
                    List<Verdict> v = new ArrayList<>(List.of(chosen(ev)));
                    for (int H : SIZES) {
                        v.add(Checks.every(ev, best(ev, H), at(TOK, 4), Checks.Op.GE, 0.8));
                        v.add(Checks.every(ev, best(ev, H), at(TOK, 16), Checks.Op.LT, FALL_16));
                    }
                    return Verdict.all(v);
                }),
                new Claim("seq2seq.state-size", "A bigger state holds longer strings: at L = " + STATE_L + " the model"
                        + " without attention with H = 16 is more accurate than the one with H = 8, seed by seed, at"
                        + " every budget.", List.of(BOTTLENECK), src -> {
                    Evidence ev = src.get(BOTTLENECK);
                    return Checks.pairs(ev, best(ev, 16), best(ev, 8), at(TOK, STATE_L), Checks.Op.GT);
                }),
                new Claim("seq2seq.budget-moves", "The budget moves the break, and has not stopped moving it at 16×:"
                        + " each fourfold budget (1× → 4× → 16×) raises the token accuracy at L = 12 of the model"
                        + " without attention, for H = 8 and H = 16, and at L = 16 for H = 16, at every seed — the"
                        + " fall with L is a fall at a budget, not a proven capacity.", List.of(BOTTLENECK), src -> {
                    Evidence ev = src.get(BOTTLENECK);
                    return Verdict.all(Checks.eachBudgetStep(ev, best(ev, 8), at(TOK, 12), Checks.Op.GT),
                            Checks.eachBudgetStep(ev, best(ev, 16), at(TOK, 12), Checks.Op.GT),
                            Checks.eachBudgetStep(ev, best(ev, 16), at(TOK, 16), Checks.Op.GT));
                }),
                new Claim("seq2seq.attention-flat", "With attention, at the parameter count of the model without"
                        + " attention of H = 16 (its own H = 13), the free-running token accuracy is at least 0.85 at"
                        + " every length up to L = 16, at every seed and both budgets.", List.of(ATTENTION), src -> {
                    Evidence ev = src.get(ATTENTION);
                    List<Verdict> v = new ArrayList<>(List.of(chosen(ev)));
                    for (int L : LENGTHS) v.add(Checks.every(ev, best(ev, 16), at(TOK, L), Checks.Op.GE, 0.85));
                    return Verdict.all(v);
                }),
                new Claim("seq2seq.attention-beats", "At the same parameter count and budget, attention is more"
                        + " accurate than no attention at L = 16, seed by seed, at H = 16's parameter count and both"
                        + " budgets, each at its learning rate chosen on dev (at H = 8's count the small attention"
                        + " model learns the alignment at some seeds only, and is not above at every seed).", both,
                        src -> {
                    Evidence a = src.get(ATTENTION), n = src.get(BOTTLENECK);
                    return across(a, best(a, 16), n, best(n, 16), at(TOK, 16), Checks.Op.GT);
                }),
                new Claim("seq2seq.attention-vs-budget", "Attention does more than 16 times the training: at"
                        + " L = 16 the model with attention (H = 16's parameter count) at 1× is more accurate than"
                        + " the model without attention (H = 16) at 4× and at 16×, seed by seed.", both,
                        src -> {
                    Evidence a = src.get(ATTENTION), n = src.get(BOTTLENECK);
                    List<Verdict> v = new ArrayList<>();
                    for (int s : n.scales()) {
                        if (s > 1) v.add(across(a, best(a, 16), 1, n, best(n, 16), s, at(TOK, 16), Checks.Op.GT));
                    }
                    return Verdict.all(v);
                }),
                new Claim("seq2seq.exposure-bias", "Without attention the decoder loses accuracy when it reads its own"
                        + " outputs: at L = 16 its teacher-forced token accuracy is above the free-running one by"
                        + " more than 0.05 at every seed, size and budget (1× to 16×); with attention (H = 16's"
                        + " parameter count) the gap is smaller than without, seed by seed, at 1× and 4×.", both, src -> {
                    Evidence a = src.get(ATTENTION), n = src.get(BOTTLENECK);
                    return Verdict.all(Checks.every(n, best(n, 8), at(BIAS, 16), Checks.Op.GT, 0.05),
                            Checks.every(n, best(n, 16), at(BIAS, 16), Checks.Op.GT, 0.05),
                            across(a, best(a, 16), n, best(n, 16), at(BIAS, 16), Checks.Op.LT));
                }),
                new Claim("seq2seq.reach-untrained", "Before training, without attention, the gradient that reaches"
                        + " the first source state is less than a hundredth of the one at the last"
                        + " (‖∂L/∂h_1‖ / ‖∂L/∂h_16‖ < 0.01); with attention it is more than a twentieth (> 0.05), at"
                        + " every seed and size (the untrained model of a seed is the same at every learning rate and"
                        + " budget: one line per size).", both, src -> {
                    Evidence a = src.get(ATTENTION), n = src.get(BOTTLENECK);
                    List<Verdict> v = new ArrayList<>();
                    for (int H : SIZES) {        // untrained: the same model at every learning rate and budget
                        v.add(untrainedSame(n, H));
                        v.add(Checks.everyAt(n, 1, Condition.of("H", H, "lr", LRS.get(0)), UNTRAINED + RATIO,
                                Checks.Op.LT, 0.01));
                        v.add(untrainedSame(a, H));
                        v.add(Checks.everyAt(a, 1, Condition.of("H", H, "lr", LRS.get(0)), UNTRAINED + RATIO,
                                Checks.Op.GT, 0.05));
                    }
                    return Verdict.all(v);
                }),
                new Claim("seq2seq.reach-trained", "Trained without attention, the first source state still gets less"
                        + " than a tenth of the gradient of the last (‖∂L/∂h_1‖ / ‖∂L/∂h_16‖ < 0.1) at every seed,"
                        + " size and budget; trained with attention at H = 16's parameter count and 4×, it gets a"
                        + " larger share than without attention, seed by seed (how much larger varies from seed to"
                        + " seed).", both, src -> {
                    Evidence a = src.get(ATTENTION), n = src.get(BOTTLENECK);
                    return Verdict.all(Checks.every(n, best(n, 8), RATIO, Checks.Op.LT, 0.1),
                            Checks.every(n, best(n, 16), RATIO, Checks.Op.LT, 0.1),
                            across(a, best(a, 16), 4, n, best(n, 16), 4, RATIO, Checks.Op.GT));
                }),
                new Claim("seq2seq.alignment", "The trained attention (H = 16's parameter count) reads where reversal"
                        + " says: at L = 16 its largest weight α_{t,s} is on the source position the output copies,"
                        + " π(t) = L + 1 − t, or on the one after it, at 85 % of the steps or more, at every seed and"
                        + " both budgets.", List.of(ATTENTION), src -> {
                    Evidence a = src.get(ATTENTION);
                    return Checks.every(a, best(a, 16), ARGMAX_NEAR, Checks.Op.GE, 0.85);
                }));
    }
}
