package io.github.lmworkbook.evidence;

import io.github.lmworkbook.analysis.Spectra;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.cells.RnnCell;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.DelayedCopyTask;
import io.github.lmworkbook.data.Splits;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.evidence.Checks.Op;
import io.github.lmworkbook.experiments.AttentionProbe;
import io.github.lmworkbook.experiments.InputGradients;
import io.github.lmworkbook.experiments.Outcome;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.Transformer;
import io.github.lmworkbook.models.TransformerBlock;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.LrSchedule;
import io.github.lmworkbook.train.Trainer;
import io.github.lmworkbook.train.TrainingDivergedException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Notebook 05's evidence: self-attention. The tiny GPT of makemore's configuration trained with and without the
 * 1/√d of the scores (the variance of q·k measured at initialisation and after training, per head); a smaller
 * transformer with learned, sinusoidal or no positions, without residual connections and without LayerNorm (with
 * what a linear probe reads of the position from its last layer); what the heads attend to, measured over every head
 * and seed; and the delayed copy at notebook 05's lags for every recurrent cell and one attention block, each at
 * three learning rates, with the recurrent matrix's norm and the input gradient's decay measured before and after
 * training.
 */
final class AttentionEvidence implements Catalog.Topic {

    /** The learning rates of the tiny GPT (makemore trains it at 5e-4 for much longer) and of the small model. */
    static final List<String> LRS = List.of("1e-3", "3e-3", "1e-2"), SMALL_LRS = List.of("3e-3", "1e-2", "3e-2");

    // ------------------------------------------------------------------------------------------ names

    static final int NAME_STEPS = 300, PROBE_NAMES = 500, PROBE_FIT = 250;

    private static volatile List<int[]> probeNames;

    /** The first 500 dev names (split 80/10/10 of seed 42), each as its start token and its letters. */
    static List<int[]> probeNames() {
        if (probeNames == null) {
            synchronized (AttentionEvidence.class) {
                if (probeNames == null) {
                    List<String> words = Datasets.lines("names");
                    Vocabulary vocab = Vocabulary.of(words);
                    List<int[]> out = new ArrayList<>();
                    for (String w : Splits.of(words, 42).dev().subList(0, PROBE_NAMES)) {
                        int[] ids = vocab.encode(w), s = new int[ids.length + 1];      // s[0] = 0: the start token
                        System.arraycopy(ids, 0, s, 1, ids.length);
                        out.add(s);
                    }
                    probeNames = List.copyOf(out);
                }
            }
        }
        return probeNames;
    }

    static final String DEV = "dev loss", TEST = "test loss", UNTRAINED = "untrained dev loss", DIVERGED = "diverged",
            VAR_QK = "Var(q·k)", VAR_QK_MIN = "Var(q·k) smallest head", VAR_QK_MAX = "Var(q·k) largest head",
            VAR_Q = "Var(q)", ENTROPY = "entropy kept", ENTROPY_MIN = "entropy kept smallest head",
            PREV = "previous-position weight", PREV_MAX = "largest previous-position weight",
            FIRST = "first-position weight", FIRST_MAX = "largest first-position weight",
            LIFT = "largest letter lift", LIFTED = "heads with letter lift ≥ 2", POS_R2 = "position R²",
            ATTN_UPD = "attention update, block ", MLP_UPD = "MLP update, block ", BY_HEAD = " by head";

    /** The name of a metric measured on the untrained model. */
    static String untrained(String metric) {
        return "untrained " + metric;
    }

    /** Writes the probe's measures into the outcome (prefixed "untrained " for the untrained model). */
    static void probe(Outcome o, AttentionProbe.Result r, String prefix, boolean byHead) {
        o.metric(prefix + VAR_QK, r.mean(AttentionProbe.Head::varScores))
                .metric(prefix + VAR_QK_MIN, r.min(AttentionProbe.Head::varScores))
                .metric(prefix + VAR_QK_MAX, r.max(AttentionProbe.Head::varScores))
                .metric(prefix + VAR_Q, r.mean(AttentionProbe.Head::varQuery))
                .metric(prefix + ENTROPY, r.mean(AttentionProbe.Head::entropy))
                .metric(prefix + ENTROPY_MIN, r.min(AttentionProbe.Head::entropy))
                .metric(prefix + PREV, r.mean(AttentionProbe.Head::previous))
                .metric(prefix + PREV_MAX, r.max(AttentionProbe.Head::previous))
                .metric(prefix + FIRST, r.mean(AttentionProbe.Head::first))
                .metric(prefix + FIRST_MAX, r.max(AttentionProbe.Head::first))
                .metric(prefix + LIFT, r.max(AttentionProbe.Head::lift))
                .metric(prefix + LIFTED, Arrays.stream(r.each(AttentionProbe.Head::lift)).filter(x -> x >= 2).count())
                .metric(prefix + POS_R2, r.positionR2());
        for (int l = 0; l < r.attentionUpdate().length; l++) {
            o.metric(prefix + ATTN_UPD + (l + 1), r.attentionUpdate()[l]);
            o.metric(prefix + MLP_UPD + (l + 1), r.mlpUpdate()[l]);
        }
        if (byHead) {
            double[] h = new double[r.heads().size()];
            for (int j = 0; j < h.length; j++) h[j] = j;
            o.curve(prefix + VAR_QK + BY_HEAD, h, r.each(AttentionProbe.Head::varScores))
                    .curve(prefix + ENTROPY + BY_HEAD, h, r.each(AttentionProbe.Head::entropy))
                    .curve(prefix + PREV + BY_HEAD, h, r.each(AttentionProbe.Head::previous))
                    .curve(prefix + FIRST + BY_HEAD, h, r.each(AttentionProbe.Head::first))
                    .curve(prefix + "letter lift" + BY_HEAD, h, r.each(AttentionProbe.Head::lift));
        }
    }

    /**
     * Trains a transformer on names: AdamW(lr, weight decay 0.01), warm-up over 5 % of the steps and cosine decay to
     * lr/10, clipping at 1, batches of 32 (the seed's); the dev loss at 0, ¼, ½, ¾ and all of the steps; the probe
     * before and after.
     */
    static Outcome names(Transformer m, double lr, long seed, int steps) {
        CompareEvidence.Corpus k = CompareEvidence.names();
        Outcome o = new Outcome();
        AttentionProbe.Result before = AttentionProbe.of(m, probeNames(), PROBE_FIT);
        int every = steps / 4;
        Trainer<Batch> t = Trainer.of(m, new AdamW(m, lr, 0.01)).data(k.train().of(seed))
                .schedule(LrSchedule.warmupCosine(lr, Math.max(1, steps / 20), steps, lr / 10)).clipGradNorm(1.0)
                .steps(every).quiet();
        double[] at = new double[5], dev = new double[5];
        boolean diverged = false;
        for (int i = 0; i <= 4; i++) {
            if (i > 0 && !diverged) {
                try {
                    t.run();
                } catch (TrainingDivergedException e) {
                    diverged = true;
                }
            }
            at[i] = (double) i * every;
            dev[i] = diverged ? Double.NaN : Trainer.evaluate(m, k.dev());
        }
        o.metric(DEV, dev[4]).metric(TEST, diverged ? Double.NaN : Trainer.evaluate(m, k.test()))
                .metric(UNTRAINED, dev[0]).metric(DIVERGED, diverged ? 1 : 0).metric("parameters", m.numParams())
                .curve(DEV, at, dev);
        if (!diverged) probe(o, AttentionProbe.of(m, probeNames(), PROBE_FIT), "", true);
        probe(o, before, "untrained ", true);
        return o;
    }

    /** "scaled": s = q·k/√d (every transformer); "unscaled": s = q·k. */
    static final List<String> SCORES = List.of("scaled", "unscaled");

    static Outcome scaling(Condition c, long seed, int scale) {
        CompareEvidence.Corpus k = CompareEvidence.names();
        Transformer m = new Transformer(Transformer.Config.makemore(k.V(), k.block(), seed));
        boolean scaled = switch (c.get("scores")) {
            case "scaled" -> true;
            case "unscaled" -> false;
            default -> throw new IllegalArgumentException("scores '" + c.get("scores") + "': scaled or unscaled");
        };
        for (TransformerBlock b : m.blocks) b.attn.scaled(scaled);
        return names(m, c.number("lr"), seed, NAME_STEPS * scale);
    }

    static final List<String> VARIANTS = List.of("learned positions", "sinusoidal positions", "no positions",
            "no residual", "no LayerNorm");

    /** The small transformer of the ablations: 2 blocks, 4 heads of 8, C = 32, learned positions. */
    static Transformer.Config small(int V, int block, String variant, long seed) {
        Transformer.Config c = new Transformer.Config(V, block, 2, 4, 32, Transformer.Positions.LEARNED, true, true,
                seed);
        return switch (variant) {
            case "learned positions" -> c;
            case "sinusoidal positions" -> c.withPositions(Transformer.Positions.SINUSOIDAL);
            case "no positions" -> c.withPositions(Transformer.Positions.NONE);
            case "no residual" -> c.withResidual(false);
            case "no LayerNorm" -> c.withLayerNorm(false);
            default -> throw new IllegalArgumentException("variant '" + variant + "': one of " + VARIANTS);
        };
    }

    static Outcome ablation(Condition c, long seed, int scale) {
        CompareEvidence.Corpus k = CompareEvidence.names();
        Transformer m = new Transformer(small(k.V(), k.block(), c.get("variant"), seed));
        return names(m, c.number("lr"), seed, NAME_STEPS * scale);
    }

    // ------------------------------------------------------------------------------------------ the delayed copy

    static final int COPY_T = 24, COPY_STEPS = 100, COPY_BATCH = 16, ALPHABET = 4, FAR = 20;
    static final List<String> COPY_MODELS = List.of("RNN", "GRU", "LSTM", "attention");
    static final List<Integer> LAGS = List.of(4, 12, 20);
    static final List<String> COPY_LRS = List.of("3e-3", "1e-2", "3e-2");

    static final String TEST_RATIO = "test loss / chance", DEV_RATIO = "dev loss / chance",
            GRAD_RATIO = "‖∂L/∂x‖ at distance 20 / at 1",
            ANSWER_RATIO = "‖∂L/∂x‖ at the answer / at 1", PEAK = "distance of the largest ‖∂L/∂x‖ beyond 0",
            GRAD = "‖∂L/∂x_t‖", NORM = "‖W_hh‖₂", RHO = "ρ(W_hh)";

    /**
     * Notebook 05's contenders: every recurrent cell (m = 16, H = 64, zero start state; the LSTM with forget-gate
     * bias 1) and one attention block (2 heads, C = 32, learned positions, block T).
     */
    static LanguageModel copyModel(String model, long seed) {
        if (model.equals("attention")) {
            return new Transformer(new Transformer.Config(ALPHABET, COPY_T, 1, 2, 32, Transformer.Positions.LEARNED,
                    true, true, seed));
        }
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(ALPHABET, CellType.of(model), 16, 64, false, seed));
        if (m.cell instanceof LstmCell lstm) lstm.setForgetBias(1.0);
        return m;
    }

    static double[] inputGradients(LanguageModel m, List<int[]> xs, List<int[]> ys) {
        return m instanceof Transformer t ? InputGradients.transformer(t, xs, ys)
                : InputGradients.recurrent((RecurrentLM) m, xs, ys);
    }

    /** The distance k ≥ 1 with the largest gradient. */
    static int peak(double[] g) {
        int p = 1;
        for (int k = 1; k < g.length; k++) if (g[k] > g[p]) p = k;
        return p;
    }

    static void recurrentMatrix(LanguageModel m, Outcome o, String prefix) {
        if (m instanceof RecurrentLM r && r.cell instanceof RnnCell rnn) {
            o.metric(prefix + NORM, Spectra.sigmaMax(rnn.Whh.value)).metric(prefix + RHO,
                    Spectra.spectralRadius(rnn.Whh.value));
        }
    }

    static Outcome copy(Condition c, long seed, int scale) {
        int k = c.integer("lag"), steps = COPY_STEPS * scale, every = steps / 10;
        double lr = c.number("lr");
        DelayedCopyTask task = new DelayedCopyTask(ALPHABET, COPY_T, k);
        LanguageModel m = copyModel(c.get("model"), seed);
        List<Batch> dev = task.fixedSet(1, 256, 2_000_000L + k), test = task.fixedSet(1, 256, 3_000_000L + k);
        Batch probe = task.fixedSet(1, 64, 4_000_000L + k).get(0);
        List<int[]> xs = Arrays.asList(probe.x()), ys = Arrays.asList(probe.y());
        Outcome o = new Outcome();
        double chance = task.chanceLoss();
        double[] g0 = inputGradients(m, xs, ys);
        Outcome untrained = new Outcome();
        recurrentMatrix(m, untrained, "untrained ");
        Trainer<Batch> t = Trainer.of(m, new AdamW(m, lr, 0.0)).data(task.batches(COPY_BATCH, seed))
                .schedule(LrSchedule.warmupCosine(lr, Math.max(1, steps / 20), steps, lr / 10)).clipGradNorm(1.0)
                .steps(every).quiet();
        double[] at = new double[11], curve = new double[11];
        boolean diverged = false;
        for (int i = 0; i <= 10; i++) {
            if (i > 0 && !diverged) {
                try {
                    t.run();
                } catch (TrainingDivergedException e) {
                    diverged = true;
                }
            }
            at[i] = (double) i * every;
            curve[i] = diverged ? Double.NaN : Trainer.evaluate(m, dev) / chance;
        }
        double[] dist = new double[COPY_T];
        for (int j = 0; j < COPY_T; j++) dist[j] = j;
        double[] g = diverged ? null : inputGradients(m, xs, ys);
        o.metric(TEST_RATIO, diverged ? Double.NaN : Trainer.evaluate(m, test) / chance).metric(DEV_RATIO, curve[10])
                .metric(DIVERGED, diverged ? 1 : 0)
                .metric(GRAD_RATIO, g == null ? Double.NaN : g[FAR] / g[1]).metric(untrained(GRAD_RATIO), g0[FAR] / g0[1])
                .metric(ANSWER_RATIO, g == null ? Double.NaN : g[k - 1] / g[1])
                .metric(untrained(ANSWER_RATIO), g0[k - 1] / g0[1])
                .metric(PEAK, g == null ? Double.NaN : peak(g)).metric(untrained(PEAK), peak(g0))
                .metric("parameters", m.numParams());
        if (!diverged) recurrentMatrix(m, o, "");
        untrained.metrics().forEach(o::metric);
        o.curve(DEV_RATIO, at, curve).curve(untrained(GRAD), dist, g0);
        if (g != null) o.curve(GRAD, dist, g);
        return o;
    }

    // ------------------------------------------------------------------------------------------ the topic

    static final String NAMES_DATA = "names, split 80/10/10 with seed 42; train batches of 32 (the seed's), dev = the"
            + " first 1000 dev names, test = every test name; probe = the first 500 dev names after their start token"
            + " (AttentionProbe: Var(q·k) and entropy per head, weights on the previous/first position, letter lift"
            + " with support 20, update ratios per block, position R² of a linear probe fitted on the first 250)";

    static final String NAMES_TRAINING = "AdamW(lr, weight decay 0.01), warm-up 5 % + cosine to lr/10 over"
            + " 300×scale steps, clip 1.0; dev loss at 0, ¼, ½, ¾, 1 of the steps; test loss at the end";

    @Override
    public List<Experiment> experiments() {
        return List.of(
                new Experiment("attention-scaling", "the tiny GPT with and without the 1/√d of the scores, three"
                        + " learning rates", "05",
                        Experiment.grid("scores", SCORES, "lr", LRS), Experiment.FIVE, Experiment.BUDGETS,
                        NAME_STEPS + " steps of 32 names",
                        "model: Transformer.Config.makemore (4 blocks, 4 heads of d = 16, C = 64, learned positions,"
                                + " seed = the run's), scores q·k/√d or q·k; " + NAMES_TRAINING + "; data: "
                                + NAMES_DATA,
                        AttentionEvidence::scaling),
                new Experiment("attention-ablations", "a small transformer: positions learned, sinusoidal or none; no"
                        + " residual connections; no LayerNorm — three learning rates", "05",
                        Experiment.grid("variant", VARIANTS, "lr", SMALL_LRS), Experiment.FIVE, Experiment.BUDGETS,
                        NAME_STEPS + " steps of 32 names",
                        "model: 2 blocks, 4 heads of d = 8, C = 32, pre-LN (learned positions unless the variant"
                                + " says), seed = the run's; " + NAMES_TRAINING + "; data: " + NAMES_DATA,
                        AttentionEvidence::ablation),
                new Experiment("attention-copy", "the delayed copy at T = 24: every recurrent cell and one attention"
                        + " block at lags 4, 12, 20 and three learning rates", "05",
                        Experiment.grid("model", COPY_MODELS, "lag", LAGS, "lr", COPY_LRS), Experiment.FIVE,
                        Experiment.BUDGETS, COPY_STEPS + " steps of " + COPY_BATCH + " sequences",
                        "DelayedCopyTask(A = 4, T = 24, lag); RNN/GRU/LSTM: RecurrentLM(m = 16, H = 64, zero start;"
                                + " LSTM b_f = 1); attention: Transformer(1 block, 2 heads, C = 32, learned"
                                + " positions); AdamW(lr, wd 0), warm-up 5 % + cosine to lr/10 over 100×scale steps,"
                                + " clip 1.0, batch 16 (the seed's); dev 256 sequences (seed 2e6 + lag), test 256"
                                + " (3e6 + lag); ‖∂L/∂x_t‖ of the last position's loss over 64 sequences (4e6 + lag)"
                                + " before and after training; RNN: σ_max and ρ of W_hh before and after",
                        AttentionEvidence::copy));
    }

    // ------------------------------------------------------------------------------------------ the claims

    static final String SCALING = "attention-scaling", ABLATIONS = "attention-ablations", COPY = "attention-copy";

    /** metric a op factor × metric b in every run (seed) of the condition chosen per budget. */
    static Verdict runs(Evidence ev, IntFunction<Condition> at, String a, Checks.Op op, double factor, String b) {
        List<Verdict> parts = new ArrayList<>();
        for (int s : ev.scales()) {
            Condition c = at.apply(s);
            double[] va = ev.values(c, s, a), vb = ev.values(c, s, b);
            int ok = 0;
            for (int j = 0; j < va.length; j++) if (op.test(va[j], factor * vb[j])) ok++;
            parts.add(Verdict.of(ok == va.length, String.format(Locale.ROOT, "%d×: %s: %s [%s] %s %s%s [%s] at %d"
                    + " of %d seeds", s, c.label(), a, Checks.list(va), op.symbol, factor == 1 ? "" : Checks.fmt(factor)
                    + " × ", b, Checks.list(vb), ok, va.length)));
        }
        return Verdict.all(parts);
    }

    static IntFunction<Condition> best(Evidence ev, String metric, Object... partial) {
        return Checks.bestOn(ev, metric, partial);
    }

    static Condition cond(Object... nameValue) {
        return Condition.of(nameValue);
    }

    /** metric = value at every seed and budget, the condition chosen per budget (e.g. the distance of a peak). */
    static Verdict exactly(Evidence ev, IntFunction<Condition> at, String metric, double value) {
        List<Verdict> parts = new ArrayList<>();
        for (int s : ev.scales()) {
            Condition c = at.apply(s);
            double[] v = ev.values(c, s, metric);
            int ok = 0;
            for (double x : v) if (x == value) ok++;
            parts.add(Verdict.of(ok == v.length && v.length > 0, String.format(Locale.ROOT,
                    "%d×: %s: %s = %s at %d of %d seeds (%s)", s, c.label(), metric, Checks.fmt(value), ok, v.length,
                    Checks.list(v))));
        }
        return Verdict.all(parts);
    }

    /** The condition of a model (and lag) chosen on the dev loss, per budget. */
    static IntFunction<Condition> bestCopy(Evidence ev, String model, int lag) {
        return best(ev, DEV_RATIO, "model", model, "lag", String.valueOf(lag));
    }

    @Override
    public List<Claim> claims() {
        return List.of(
                // ---------------------------------------------------------------- §5.1: why √d
                new Claim("05.qk-untrained", "At initialisation the premise of the √d argument does not hold in"
                        + " the tiny GPT (d = 16): its query entries have a variance below 0.5, and the raw scores"
                        + " q·k a variance below 4 in every head, not 16, at every seed; without the scaling its"
                        + " untrained heads keep more than 0.6 of their largest possible entropy.",
                        List.of(SCALING), src -> {
                            Evidence ev = src.get(SCALING);
                            Condition s = cond("scores", "scaled", "lr", "1e-3"),
                                    u = cond("scores", "unscaled", "lr", "1e-3");
                            return Verdict.all(Checks.every(ev, s, untrained(VAR_Q), Op.LT, 0.5),
                                    Checks.every(ev, s, untrained(VAR_QK_MAX), Op.LT, 4),
                                    Checks.every(ev, u, untrained(ENTROPY), Op.GT, 0.6));
                        }),
                new Claim("05.qk-trained", "Training makes the scores large: at the learning rate chosen on dev,"
                        + " with and without the scaling, the variance of q·k (mean over the 16 heads) rises to more"
                        + " than 5 times its untrained value, and its largest head above d = 16, at every seed and"
                        + " both budgets.", List.of(SCALING), src -> {
                            Evidence ev = src.get(SCALING);
                            List<Verdict> parts = new ArrayList<>();
                            for (String sc : SCORES) {
                                parts.add(Checks.chosen(ev, DEV, "scores", sc));
                                parts.add(runs(ev, best(ev, DEV, "scores", sc), VAR_QK, Op.GT, 5, untrained(VAR_QK)));
                                parts.add(Checks.every(ev, best(ev, DEV, "scores", sc), VAR_QK_MAX, Op.GT, 16));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("05.scaling-entropy", "Without the 1/√d the softmax is sharper: at every learning rate,"
                        + " untrained and trained, the unscaled model's heads keep less of their largest possible"
                        + " entropy than the scaled model's, at every seed and both budgets.", List.of(SCALING),
                        src -> {
                            Evidence ev = src.get(SCALING);
                            List<Verdict> parts = new ArrayList<>();
                            parts.add(Checks.pairs(ev, cond("scores", "unscaled", "lr", "1e-3"),
                                    cond("scores", "scaled", "lr", "1e-3"), untrained(ENTROPY), Op.LT));
                            for (String lr : LRS) {
                                parts.add(Checks.pairs(ev, cond("scores", "unscaled", "lr", lr),
                                        cond("scores", "scaled", "lr", lr), ENTROPY, Op.LT));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("05.scaling-loss", "At this size the scaling does not decide the loss once the learning"
                        + " rate is tuned: each at its learning rate chosen on dev, the mean dev losses with and"
                        + " without it are within 0.03 of each other at both budgets.", List.of(SCALING), src -> {
                            Evidence ev = src.get(SCALING);
                            return Checks.spread(ev, List.of(best(ev, DEV, "scores", "scaled"),
                                    best(ev, DEV, "scores", "unscaled")), DEV, Op.LE, 0.03);
                        }),
                new Claim("05.scaling-lr", "What the scaling moves is the learning rate the model tolerates: at"
                        + " the largest rate (1e-2) the model without it is behind on average at both budgets, and at"
                        + " every seed at 1,200 steps; at the smallest (1e-3) it is no worse (its mean dev loss at"
                        + " most 0.01 above the scaled model's).", List.of(SCALING), src -> {
                            Evidence ev = src.get(SCALING);
                            Condition s2 = cond("scores", "scaled", "lr", "1e-2"),
                                    u2 = cond("scores", "unscaled", "lr", "1e-2"),
                                    s3 = cond("scores", "scaled", "lr", "1e-3"),
                                    u3 = cond("scores", "unscaled", "lr", "1e-3");
                            List<Verdict> parts = new ArrayList<>();
                            parts.add(Checks.means(ev, s2, u2, DEV, Op.LT));
                            parts.add(Checks.pairsAt(ev, 4, s2, u2, DEV, Checks.Op.LT));
                            for (int sc : ev.scales()) {
                                double mu = ev.mean(u3, sc, DEV), ms = ev.mean(s3, sc, DEV);
                                parts.add(Verdict.of(mu <= ms + 0.01, String.format(Locale.ROOT,
                                        "%d×: mean dev loss: %s %s ≤ %s %s + 0.01", sc, u3.label(),
                                        Checks.fmt(mu), s3.label(), Checks.fmt(ms))));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("05.gpt-budget", "The tiny GPT is far from converged at 300 steps: four times the steps"
                        + " lowers its dev loss at every seed (scaled scores, each budget at its learning rate chosen"
                        + " on dev).", List.of(SCALING), src -> {
                            Evidence ev = src.get(SCALING);
                            return Checks.acrossBudgets(ev, best(ev, DEV, "scores", "scaled"), DEV, Op.LT);
                        }),

                // ---------------------------------------------------------------- §5.2, §5.5: the ablations
                new Claim("05.positions", "With the learning rate tuned, positions help a little: without them the"
                        + " small transformer ends above the control (learned positions) at every seed and both"
                        + " budgets; sinusoidal positions end within 0.025 of learned ones on average.",
                        List.of(ABLATIONS), src -> {
                            Evidence ev = src.get(ABLATIONS);
                            IntFunction<Condition> learned = best(ev, DEV, "variant", "learned positions");
                            return Verdict.all(Checks.pairs(ev, best(ev, DEV, "variant", "no positions"), learned,
                                            DEV, Op.GT),
                                    Checks.spread(ev, List.of(learned, best(ev, DEV, "variant",
                                            "sinusoidal positions")), DEV, Op.LE, 0.025));
                        }),
                new Claim("05.order-without-positions", "Without any position vector the model still knows where a"
                        + " token is: a linear probe reads the position from its final stream with R² above 0.85"
                        + " after training (lr chosen on dev) and above 0.5 untrained, at every seed and both budgets"
                        + " — the causal mask lets order through.", List.of(ABLATIONS), src -> {
                            Evidence ev = src.get(ABLATIONS);
                            IntFunction<Condition> none = best(ev, DEV, "variant", "no positions");
                            return Verdict.all(Checks.every(ev, none, POS_R2, Op.GT, 0.85),
                                    Checks.every(ev, none, untrained(POS_R2), Op.GT, 0.5));
                        }),
                new Claim("05.no-residual", "Without residual connections the small transformer trains worse: each"
                        + " at its learning rate chosen on dev, it ends above the control at every seed and both"
                        + " budgets.", List.of(ABLATIONS), src -> {
                            Evidence ev = src.get(ABLATIONS);
                            return Checks.pairs(ev, best(ev, DEV, "variant", "no residual"),
                                    best(ev, DEV, "variant", "learned positions"), DEV, Op.GT);
                        }),
                new Claim("05.no-layernorm", "Removing LayerNorm helps at this size: each at its learning rate"
                        + " chosen on dev, the small transformer without it ends below the control on average at both"
                        + " budgets, and at every seed at 300 steps.", List.of(ABLATIONS), src -> {
                            Evidence ev = src.get(ABLATIONS);
                            IntFunction<Condition> noLn = best(ev, DEV, "variant", "no LayerNorm"),
                                    control = best(ev, DEV, "variant", "learned positions");
                            return Verdict.all(Checks.means(ev, noLn, control, DEV, Op.LT),
                                    Checks.pairsAt(ev, 1, noLn.apply(1), control.apply(1), DEV, Checks.Op.LT));
                        }),

                // ---------------------------------------------------------------- §5.4: the heads
                new Claim("05.heads-previous", "Training moves the heads' weight toward the previous position: in"
                        + " the tiny GPT and in the small transformer (each at its learning rate chosen on dev), the"
                        + " mean weight on the previous position is above the same model's untrained value at every"
                        + " seed and both budgets.", List.of(SCALING, ABLATIONS), src -> {
                            Evidence gpt = src.get(SCALING), small = src.get(ABLATIONS);
                            return Verdict.all(Checks.metrics(gpt, best(gpt, DEV, "scores", "scaled"), PREV, Op.GT,
                                            untrained(PREV)),
                                    Checks.metrics(small, best(small, DEV, "variant", "learned positions"), PREV,
                                            Op.GT, untrained(PREV)));
                        }),
                new Claim("05.heads-letters", "Trained heads pick out letters: in the tiny GPT at its learning rate"
                        + " chosen on dev, some head puts more than 1.75 times the uniform weight on the positions"
                        + " that hold one letter (largest letter lift) at every seed and both budgets; untrained, no"
                        + " head reaches 1.4.", List.of(SCALING), src -> {
                            Evidence ev = src.get(SCALING);
                            IntFunction<Condition> c = best(ev, DEV, "scores", "scaled");
                            return Verdict.all(Checks.every(ev, c, LIFT, Op.GT, 1.75),
                                    Checks.every(ev, c, untrained(LIFT), Op.LT, 1.4));
                        }),

                new Claim("05.updates", "Training enlarges what the first two blocks write into the residual"
                        + " stream: in the tiny GPT at its learning rate chosen on dev, the attention and the MLP"
                        + " update of blocks 1 and 2 (each relative to the stream it is added to) are above the same"
                        + " model's untrained values at every seed and both budgets.", List.of(SCALING), src -> {
                            Evidence ev = src.get(SCALING);
                            IntFunction<Condition> c = best(ev, DEV, "scores", "scaled");
                            List<Verdict> parts = new ArrayList<>();
                            for (int l = 1; l <= 2; l++) {
                                parts.add(Checks.metrics(ev, c, ATTN_UPD + l, Op.GT, untrained(ATTN_UPD + l)));
                                parts.add(Checks.metrics(ev, c, MLP_UPD + l, Op.GT, untrained(MLP_UPD + l)));
                            }
                            return Verdict.all(parts);
                        }),

                // ---------------------------------------------------------------- §5.3: the delayed copy
                new Claim("05.copy-attention", "One attention block solves the delayed copy at every lag: at its"
                        + " learning rate chosen on dev its test loss is below 1 % of chance at lags 4, 12 and 20,"
                        + " at every seed and both budgets.", List.of(COPY), src -> {
                            Evidence ev = src.get(COPY);
                            List<Verdict> parts = new ArrayList<>();
                            for (int k : LAGS) {
                                parts.add(Checks.every(ev, bestCopy(ev, "attention", k), TEST_RATIO, Op.LT, 0.01));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("05.copy-recurrent", "Every recurrent cell — the RNN, the GRU and the LSTM, each at its"
                        + " learning rate chosen on dev — solves lag 4 (test loss below 2 % of chance) and none"
                        + " solves lags 12 or 20 (each stays above 15 % of chance), at every seed and both budgets.",
                        List.of(COPY), src -> {
                            Evidence ev = src.get(COPY);
                            List<Verdict> parts = new ArrayList<>();
                            for (String m : List.of("RNN", "GRU", "LSTM")) {
                                parts.add(Checks.every(ev, bestCopy(ev, m, 4), TEST_RATIO, Op.LT, 0.02));
                                parts.add(Checks.every(ev, bestCopy(ev, m, 12), TEST_RATIO, Op.GT, 0.15));
                                parts.add(Checks.every(ev, bestCopy(ev, m, 20), TEST_RATIO, Op.GT, 0.15));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("05.copy-budget", "The budget moves the recurrent cells at lag 12: four times the steps"
                        + " lowers the test loss of the RNN, the GRU and the LSTM at every seed (each budget at its"
                        + " learning rate chosen on dev) — short of solving it.", List.of(COPY), src -> {
                            Evidence ev = src.get(COPY);
                            List<Verdict> parts = new ArrayList<>();
                            for (String m : List.of("RNN", "GRU", "LSTM")) {
                                parts.add(Checks.acrossBudgets(ev, bestCopy(ev, m, 12), TEST_RATIO, Op.LT));
                            }
                            return Verdict.all(parts);
                        }),
                new Claim("05.copy-gradient", "Untrained, attention's input gradient does not decay with distance"
                        + " (at distance 20 between 0.5 and 2 times its size at distance 1, every seed) while every"
                        + " recurrent cell's does (below 1e-4 for the RNN, 1e-3 for the GRU, 0.1 for the LSTM);"
                        + " trained at its learning rate chosen on dev, attention's largest gradient beyond distance"
                        + " 0 sits at the answer, distance k − 1, at every lag, seed and budget.", List.of(COPY),
                        src -> {
                            Evidence ev = src.get(COPY);
                            List<Verdict> parts = new ArrayList<>();
                            Condition a = cond("model", "attention", "lag", "20", "lr", "1e-2");
                            parts.add(Checks.every(ev, a, untrained(GRAD_RATIO), Op.GT, 0.5));
                            parts.add(Checks.every(ev, a, untrained(GRAD_RATIO), Op.LT, 2));
                            String[] cells = {"RNN", "GRU", "LSTM"};
                            double[] bound = {1e-4, 1e-3, 0.1};
                            for (int j = 0; j < cells.length; j++) {
                                parts.add(Checks.every(ev, cond("model", cells[j], "lag", "20", "lr", "1e-2"),
                                        untrained(GRAD_RATIO), Op.LT, bound[j]));
                            }
                            for (int k : LAGS) parts.add(exactly(ev, bestCopy(ev, "attention", k), PEAK, k - 1));
                            return Verdict.all(parts);
                        }),
                new Claim("05.copy-rnn-weights", "Training the RNN at lag 12 (at its learning rate chosen on dev)"
                        + " raises ‖W_hh‖₂ above its untrained value and lifts its gradient at distance 20 from below"
                        + " 1e-4 of that at distance 1 to above 0.1, at every seed and both budgets; at 100 steps its"
                        + " test loss nonetheless stays above 0.6 of chance at every seed.", List.of(COPY), src -> {
                            Evidence ev = src.get(COPY);
                            IntFunction<Condition> rnn = bestCopy(ev, "RNN", 12);
                            return Verdict.all(Checks.metrics(ev, rnn, NORM, Op.GT, untrained(NORM)),
                                    Checks.every(ev, rnn, untrained(GRAD_RATIO), Op.LT, 1e-4),
                                    Checks.every(ev, rnn, GRAD_RATIO, Op.GT, 0.1),
                                    Checks.everyAt(ev, 1, rnn, TEST_RATIO, Op.GT, 0.6));
                        }));
    }
}
