import json, sys
cells = []
def md(s): cells.append(("markdown", s.strip("\n")))
def code(s): cells.append(("code", s.strip("\n")))

md(r"""
# 06 · All of them side by side — on evidence

Notebooks 01–05 each built one architecture and broke it with an experiment run live, inside the notebook's
two minutes. Two minutes is right for a demonstration and wrong for a verdict: re-run with other seeds or a longer
budget, several of the live comparisons flipped. So this notebook does not train its contenders. It reads
**evidence**: long experiments run outside the notebook by one command
(`lmworkbook evidence run --all`), over five seeds, each at its budget **and at four times it**, with the controls a
comparison needs (the untrained model, a learning-rate sweep per model with the best rate chosen on held-out data,
never on the test set). The results are committed as data in `notebooks/evidence/`, and every sentence below that
says something about training is a **claim**: a predicate over those files, with an id, checked by `mvn verify` at
every seed and both budgets. Each claim is printed with every number it looked at; when a claim would not hold, the
prose says what does.

1. what the evidence is, and what it cost;
2. language models on names and Tiny Shakespeare, five models at two sizes;
3. how far back the gradient reaches, trained and untrained;
4. the tasks where each architecture's failure is crisp: the window, vanishing gradients, counting, retrieval at
   long lags, and the cost of attention against the length;
5. a live demonstration (the only training in this notebook);
6. the closing map, each row citing its claims.
""")
code("%classpath ../lib/target/lmworkbook-all.jar")
code(r"""
import io.github.lmworkbook.cells.*;
import io.github.lmworkbook.charts.*;
import io.github.lmworkbook.data.*;
import io.github.lmworkbook.evidence.*;
import io.github.lmworkbook.experiments.*;
import io.github.lmworkbook.models.*;
import io.github.lmworkbook.train.*;
import java.lang.management.ManagementFactory;
import java.util.*;

/** CPU seconds used by this kernel's JVM so far (all its threads). */
double cpuSeconds() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1e9;
}
double cpuAtStart = cpuSeconds();
""")
md(r"""
## 1 · What the evidence is

An **experiment** is declared once in the library (`evidence.CompareEvidence` for this notebook): its conditions
(model × size × learning rate, say), its seeds, its budget and the same runs at four times the steps, and what one
run does. `lmworkbook evidence run <id>` runs every (condition, budget, seed) that has no result yet — it resumes
where it stopped — and writes `<id>.csv` (every number of every run), `<id>.json` (the configuration, its
SHA-256, the library version and the commit each run was made at) and `<id>.cpu.csv` (CPU seconds per run, kept
apart: no claim reads a time). Every run is deterministic, so `mvn verify` re-runs a random sample of the committed
runs and requires the same numbers (to 1e-6; most give the same bits, and the vector exponential's last bit is why
not all do — see the README): the files below are what the code as committed produces.

The cell lists the experiments of this notebook, how many runs each holds and the CPU time they took.
""")
code(r"""
EvidenceStore store = EvidenceStore.at(EvidenceStore.dir());
double totalCpu = 0;
for (String id : CompareReport.experiments()) {
    Evidence ev = store.load(id);
    double cpu = store.cpuSeconds(id).values().stream().mapToDouble(Double::doubleValue).sum();
    totalCpu += cpu;
    var prov = store.provenance(id);
    int runs = ev.conditions().size() * ev.scales().length * ev.seeds().length;
    System.out.println(String.format(Locale.ROOT, "%-15s %4d runs, %3d conditions, seeds %s,"
        + " budgets %s×; %4.2f CPU hours", id, runs, ev.conditions().size(),
        Arrays.toString(ev.seeds()), Arrays.toString(ev.scales()), cpu / 3600));
    System.out.println("                " + prov.path("budget").asText() + "; library "
        + prov.path("library").asText());
}
System.out.println(String.format(Locale.ROOT, "in all %.1f CPU hours (%.1f hours on two cores)",
    totalCpu / 3600, totalCpu / 7200));
""")
md(r"""
## 2 · Language models: five models, two sizes, four learning rates

Each contender has one size knob (the MLP's hidden layer $h$ over a window of $n = 8$ characters, a recurrent
model's $H$, the transformer's $n_\text{embd}$ $C$ with two layers and heads of about 16 dimensions), turned until
its parameter count is as close as it gets to **10,000** and to **50,000**. The LSTM starts with its forget-gate
bias at 1 (Jozefowicz et al. 2015; notebook 04 shows why). Every model trains with AdamW (warm-up over the first 5 %
of the steps, cosine decay to a tenth), gradient clipping at 1 and batches of 32 — names, or chunks of 32 characters
of Tiny Shakespeare — for 500 steps (1×) and 2,000 (4×), at four learning rates. The rate each model is shown at is
the one with the lowest **dev** loss at that size and budget; the table reports its **test** loss, on text no choice
has seen. The last column is the control: the model before training (the loss of a uniform guess is
$\ln 27 \approx 3.30$ for names and $\ln 65 \approx 4.17$ for Shakespeare).
""")
code(r"""
Evidence names = Evidence.load("lm-names"), bard = Evidence.load("lm-shakespeare");
display(Tables.html(CompareReport.lossTable(names)), "text/html");
display(Tables.html(CompareReport.lossTable(bard)), "text/html");
"the two tables: mean ± std over 5 seeds at each model's best learning rate";
""")
md(r"""
The learning rate matters as much as the architecture at these budgets: the sweep below (Tiny Shakespeare, 50,000
parameters, 4×) shows each model's dev loss against the rate, the band the spread of the five seeds. A comparison at
one shared rate would rank the rates, not the models.
""")
code(r"""
display(CompareReport.lrChart(bard, "50k", 4).html(), "text/html");
"the learning-rate sweep";
""")
md(r"""
What the language-model evidence supports, claim by claim:
""")
code(r"""
for (String id : List.of("06.lm.budget", "06.lm.names-close", "06.lm.small-transformer",
        "06.lm.shakespeare-gru", "06.lm.tying"))
    System.out.println(Claim.check(id) + "\n");
""")
md(r"""
Read them together. **Four times the steps helps every model** (`06.lm.budget`): at 500 steps nothing here is
converged, so any ranking is a ranking at a budget. **Names do not separate the architectures**
(`06.lm.names-close`): a name is at most 15 letters, an 8-letter window sees most of it, and the five end within a
tenth of a nat of each other. **At 10,000 parameters the transformer is the worst of the five**
(`06.lm.small-transformer`): with $C \approx 16$ most of its parameters go to the token embedding, the learned
positions and the output head, and one head of 16 dimensions is all the attention it has. On Tiny Shakespeare at
50,000 parameters the GRU is ahead (`06.lm.shakespeare-gru`); the LSTM, the "fix" of the GRU in notebook 04, is
behind it there at every seed. None of this ranks the architectures in general: it ranks them at these
sizes and budgets, with the rates tuned, which is all a small experiment can do.

**Weight tying does not rescue the small transformer** (`06.lm.tying`): the same transformer with its output head
tied to its token embedding (nanoGPT's choice) spends the parameters it saves on a wider model, and still ends above
the untied one on average, on both corpora, at both sizes and budgets.

The learning curves at the chosen rates (4×):
""")
code(r"""
display(CompareReport.curves(bard, "50k", 4).html(), "text/html");
"dev loss during training";
""")
md(r"""
## 3 · How far back the gradient reaches — trained and untrained

For the loss $L$ of the last position of a held-out chunk of $T = 32$ characters, the norm of the gradient with
respect to what the model read at position $t$, against the distance $T - 1 - t$, on a log scale; the per-step factor
is $e^b$ of a least-squares fit $\log \lVert\partial L/\partial x_t\rVert = a + b\,k$. Solid: the trained models
(each at its chosen rate; band: min–max of the seeds); dashed: the **same models before training** — the control that
the earlier notebooks lacked. Without it, a factor measured after training says nothing about what training did.
""")
code(r"""
display(CompareReport.decayChart(bard, "50k", 4).html(), "text/html");
display(Tables.html(CompareReport.factorTable(bard)), "text/html");
"the decay of the gradient, trained and untrained";
""")
code(r"""
for (String id : List.of("06.window.gradient", "06.decay.untrained", "06.decay.trained"))
    System.out.println(Claim.check(id) + "\n");
""")
md(r"""
Three things hold at every seed and budget. **The window is exact** (`06.window.gradient`): the MLP's gradient is
non-zero to distance $n - 1 = 7$ and *exactly* zero beyond — not small, zero; nothing outside the window can ever
change its prediction. **Before training, the architecture alone orders the reach** (`06.decay.untrained`): the
untrained RNN's factor is the smallest, then the GRU's, then the LSTM's (its forget bias of 1 keeps
$\sigma(1) \approx 0.73$ of the cell per step), and the transformer's is 1: attention reaches every position in one
step, whatever the distance. **Training changes the factors** (`06.decay.trained`): a trained language model weighs
recent characters more, because in text they predict the next one best, so the transformer's factor falls below its
untrained 1. The fitted factor of a trained model measures the task as much as the architecture; the tasks of
section 4 separate the two.
""")
md(r"""
## 4 · The tasks where each failure is crisp

Each task is built so that one architecture's failure shows at any budget we can afford, and each runs at three or
four learning rates, five seeds, 1× and 4× (the tables show the best rate per cell; the claims say when a statement
holds at *every* rate). Every task model is small (a few thousand parameters), sized alike.

### 4.1 The window, and retrieval at long lags: the delayed copy

The delayed copy asks for the symbol seen $k$ steps earlier (4 symbols, sequences of $k + 8$); the loss of knowing
nothing is $\ln 4$, and the table shows the held-out loss as a share of it (0: solved, 1: chance).
""")
code(r"""
Evidence copy = Evidence.load("copy");
display(Tables.html(CompareReport.taskTable(copy, "delayed copy: loss / chance at the best lr",
    DelayedCopySweep.RATIO, "model", "lag", false)), "text/html");
for (String id : List.of("06.window.copy", "06.copy.retrieval", "06.copy.gates-cost"))
    System.out.println(Claim.check(id) + "\n");
""")
md(r"""
The MLP is the cleanest failure in the workbook (`06.window.copy`): at lag 4 it copies, at lags 12 and 32 it is at
chance at every rate, seed and budget, because the symbol is not in its input. The transformer retrieves at every
lag up to the longest (`06.copy.retrieval`): one attention step reaches back 32 positions as easily as 4, while the
recurrent models, which must carry the symbol through every step in between in a state of a few dozen numbers, stay
above half of chance at lag 32 at every rate, seed and budget.

Lag 12 says something the story of "each fix removes a failure" would hide (`06.copy.gates-cost`): at the same
parameter count the plain RNN copies at lag 12 and the GRU and the LSTM do not. A gate is paid for in hidden units
(the GRU has three weight blocks per unit, the LSTM four, the RNN one), and what it buys, a path for the gradient
over long distances, a lag of 12 does not yet need. The adding problem below needs it.
""")
md(r"""
### 4.2 Vanishing gradients: the adding problem

Two numbers in a sequence of $T$ are marked; the target is their sum (Hochreiter & Schmidhuber 1997). Predicting the
mean without reading anything gives the baseline MSE; the table shows the test MSE as a share of it.
""")
code(r"""
Evidence adding = Evidence.load("adding");
display(Tables.html(CompareReport.taskTable(adding, "adding problem: MSE / baseline at the best lr",
    AddingProblemSweep.RATIO, "cell", "T", false)), "text/html");
for (String id : List.of("06.adding.rnn-fails", "06.adding.gated"))
    System.out.println(Claim.check(id) + "\n");
""")
md(r"""
The RNN fails where the mathematics of notebook 02 says it must (`06.adding.rnn-fails`): at T = 200 the first
marked number reaches the loss through a product of up to 200 step Jacobians, which shrinks geometrically, and four
times the steps change nothing. At T = 50 the same RNN is only slow: it sits at the baseline after the 1× budget and leaves it at 4×. The
gated cells learn what the RNN cannot (`06.adding.gated`), but not alike: the GRU solves both lengths already at 1×,
the LSTM of the same parameter count solves both at 4× and fails T = 200 at 1× at every rate and seed (at 1× and
T = 50 a seed can fail too, which is why the claim says nothing about it).
Without the 4× control the LSTM would have been declared unable, and the RNN at T = 50 too.
""")
md(r"""
### 4.3 What a state can hold: counting $a^nb^n$

Trained on $a^nb^n$ for $n$ up to 10 or 16, then read words up to $n = 60$: a model that learned to count accepts
words beyond its training range; one that learned the training words stops at its edge. The *mechanism* is measured,
not asserted: the state after reading $n$ a's, for $n = 1 \dots 60$ — its most linear unit (a counter is a line in
$n$) and the gap between the states after $a^n$ and $a^{n+1}$ (a model can tell $n$ from $n + 1$ only while that
gap is not tiny).
""")
code(r"""
Evidence counting = Evidence.load("counting");
display(Tables.html(CompareReport.taskTable(counting,
    "accepted beyond the training range (best lr)", "beyond the training range", "cell", "nTrain",
    true)), "text/html");
LineChart gaps = Charts.lines("the gap between the states after aⁿ and aⁿ⁺¹ (nTrain = 16,"
    + " lr 1e-2, 4×; band: min–max of seeds)", "n", "max over units |s(aⁿ⁺¹) − s(aⁿ)|").logY();
for (String cell : List.of("RNN", "GRU", "LSTM")) {
    var b = counting.band(counting.the("cell", cell, "nTrain", "16", "lr", "1e-2"), 4,
        "gap between aⁿ and aⁿ⁺¹");
    double[] lo = Arrays.stream(b.min()).map(v -> Math.max(v, 1e-12)).toArray();
    double[] mid = Arrays.stream(b.mean()).map(v -> Math.max(v, 1e-12)).toArray();
    gaps.band(cell, b.x(), mid, lo, b.max());
}
gaps.add("training range n ≤ 16", new double[] {16, 16}, new double[] {1e-12, 10}).dashed()
    .color(java.awt.Color.GRAY);
display(gaps.html(), "text/html");
for (String id : List.of("06.counting.counter", "06.counting.accepts"))
    System.out.println(Claim.check(id) + "\n");
""")
md(r"""
The mechanism separates the cells cleanly (`06.counting.counter`). The LSTM's cell *is* a counter: with $f \approx 1$
and a constant write $i \odot g$ per $a$, one unit of $c$ climbs by the same step for every $a$ — a straight line in
$n$ to 60, far past anything it was trained on. The RNN's state saturates: beyond the training range the states after
$a^n$ and $a^{n+1}$ are the same numbers to many digits, so nothing downstream can tell $n$ from $n + 1$. The GRU sits
between: its state is a convex combination of bounded values, and in practice it saturates too, its states beyond
the training range coming within a small gap of each other. This is Weiss, Goldberg & Yahav's (2018) distinction:
not that a bounded state *cannot* hold a count (real numbers could encode any $n$), but that with saturating
activations and finite precision the GRU and the RNN do not, while the LSTM's linear cell does.

What the counter buys is less clean (`06.counting.accepts`). The GRU never gets far past its training range. The LSTM
on average goes much further — but at some seeds it stops a word or two beyond, *with its counter intact*: the
readout that turns the count into "now the word ends" was fitted to the training range and fails before the counter
does.
""")
md(r"""
### 4.4 The cost of attention against the length

Attention buys its reach with work: every position is compared with every earlier one. Counted exactly from each
model's sizes (multiply-adds of one forward pass over a sequence of $T$, per position): a recurrent layer does the
same work at every position, $O(H^2)$; attention's score and mixing products grow with the position, $O(T\,C)$ per
position and $O(T^2 C)$ per sequence — and its memory for backpropagation grows the same way. The live timing below
measures it on this machine (a demonstration: a time decides no claim).
""")
code(r"""
Transformer gpt = new Transformer(new Transformer.Config(65, 512, 2, 2, 40,
    Transformer.Positions.LEARNED, true, true, 1));
RecurrentLM gru = new RecurrentLM(new RecurrentLM.Config(65, CellType.GRU, 16, 110, true, 1));
var threads = ManagementFactory.getThreadMXBean();
int[] lengths = {32, 64, 128, 256, 512};
double[] msGpt = new double[lengths.length], msGru = new double[lengths.length];
for (int k = 0; k < lengths.length; k++) {
    int T = lengths[k];
    Random r = new Random(T);
    int[][] x = new int[4][T], y = new int[4][T];
    for (int b = 0; b < 4; b++) {
        for (int t = 0; t < T; t++) {
            x[b][t] = r.nextInt(65);
            y[b][t] = r.nextInt(65);
        }
    }
    Batch batch = new Batch(x, y);
    for (LanguageModel m : List.of(gpt, gru)) {
        double best = Double.POSITIVE_INFINITY;
        for (int rep = 0; rep < 4; rep++) {
            long t0 = threads.getCurrentThreadCpuTime();
            m.zeroGrad();
            m.lossAndGrad(batch);
            best = Math.min(best, (threads.getCurrentThreadCpuTime() - t0) / 1e6);
        }
        if (m == gpt) msGpt[k] = best / (4.0 * T); else msGru[k] = best / (4.0 * T);
    }
    System.out.println(String.format(Locale.ROOT, "T = %3d: transformer %.4f ms, GRU %.4f ms"
        + " of CPU per position (forward + backward)", T, msGpt[k], msGru[k]));
}
LineChart cost = Charts.lines("CPU time per position of one training step (4 sequences; best of 4)",
    "sequence length T", "ms per position").logX().logY();
double[] Ts = Arrays.stream(lengths).asDoubleStream().toArray();
cost.add("transformer (2 layers, C = 40)", Ts, msGpt).markers();
cost.add("GRU (H = 110)", Ts, msGru).markers();
display(cost.html(), "text/html");
"the cost per position against the length";
""")
md(r"""
## 5 · A live demonstration

The only training in this notebook: the counting task of 4.3 at its smallest budget, one seed — a GRU and an LSTM
trained on $a^nb^n$ with $n \le 10$, then asked about every $n$ up to 30. It takes a few seconds; it shows, on your
machine, what the committed evidence says at five seeds and two budgets.
""")
code(r"""
var demoCfg = new CountingSweep.Config(2, 10, 30, 4, 8, 32, 1500, 1e-2, 1.0);
CountingLanguage lang = new CountingLanguage(2);
for (CellType cell : List.of(CellType.GRU, CellType.LSTM)) {
    var cfg = new RecurrentLM.Config(lang.vocabSize(), cell, 4, 8, false, 11);
    RecurrentLM m = new RecurrentLM(cfg);
    if (cell == CellType.LSTM) ((LstmCell) m.cell).setForgetBias(1.0);
    Outcome o = CountingSweep.one(m, 11, demoCfg);
    System.out.println(String.format(Locale.ROOT, "%-4s (seed 11, trained on n ≤ 10): accepts"
        + " every word up to n = %.0f", cell, o.metric(CountingSweep.ACCEPTS)));
}
""")
md(r"""
## 6 · The closing map

Each architecture in this workbook was introduced because the one before it failed in a way the mathematics
predicts. The evidence above supports the map below row by row — with the caveats where it does not.

| failure | why (the maths) | the evidence | the fix |
|---|---|---|---|
| **the window** | an MLP's prediction is a function of the last $n$ tokens: $\partial L/\partial x_{t-k} = 0$ for $k \ge n$ | `06.window.gradient` (exactly zero beyond distance $n - 1$), `06.window.copy` (chance at every lag beyond the window); notebook 01 | carry a state: the RNN (02) |
| **vanishing gradients** | $\partial h_T/\partial h_t = \prod_u J_u$, $\lVert J_u\rVert \le \gamma\,\sigma_\max(W)$: geometric in the distance | `06.decay.untrained` (the untrained RNN's factor is the smallest), `06.adding.rnn-fails` (at T = 200 the RNN stays at the adding problem's baseline at every rate, seed and budget); notebook 02 | an additive, gated path: the GRU (03), the LSTM (04) — `06.adding.gated` (the GRU at 1×, the LSTM only at 4×) |
| **the state cannot count** | a saturating state tells $n$ from $n + 1$ only while their states stay apart; finite precision ends it (Weiss, Goldberg & Yahav 2018) | `06.counting.counter` (the LSTM's cell is a line in $n$ to 60; the GRU's and the RNN's states collapse beyond the training range), `06.counting.accepts`; notebooks 03, 04 | an unbounded, linear cell: the LSTM's $c$ |
| **retrieval through a state** | what is $k$ steps back must be carried through $k$ steps of a fixed-size state | `06.copy.retrieval` (the transformer solves the longest lag; the recurrent models do not), `06.copy.gates-cost` (at lag 12 the RNN beats the gated cells of its size); `seq2seq.bottleneck`, `seq2seq.attention-flat` (an encoder–decoder's final state, notebook 04b); notebooks 04, 05 | attend to every position directly: the transformer (05) |
| **$T^2$** | attention compares every position with every earlier one: $O(T^2)$ work and memory per layer | the timing of 4.4 (a demonstration) and the count; notebook 05 | beyond this workbook: sparse, linear and state-space models |

What the evidence does **not** show: a general ranking of the architectures as language models. At these sizes and
budgets the gated RNNs are ahead on Tiny Shakespeare, the five are close on names, and the transformer needs more
parameters than 10,000 before it is competitive; the LSTM is not better than the GRU anywhere here. Those are the
measurements; the map is about *why* each architecture exists, and each of its rows rests on a task built to show
one failure.

`lmworkbook compare --out results` writes these tables, charts and verdicts from the committed evidence;
`compare --run --evidence mine --seeds 7,8,9` re-runs the experiments at seeds the evidence never used, and
`evidence check --dir mine` checks every claim against them.
""")
code(r"""
System.out.println(String.format(Locale.ROOT,
    "this notebook used %.0f s of CPU (both cores together)", cpuSeconds() - cpuAtStart));
""")

nb = {"cells": [], "metadata": {"kernelspec": {"display_name": "Java (jjava)", "language": "java", "name": "java"},
      "language_info": {"codemirror_mode": "java", "file_extension": ".jshell", "mimetype": "text/x-java-source",
      "name": "Java", "pygments_lexer": "java", "version": "17"}}, "nbformat": 4, "nbformat_minor": 5}
for i, (t, s) in enumerate(cells):
    lines = s.split("\n")
    src = [l + "\n" for l in lines[:-1]] + [lines[-1]]
    c = {"cell_type": t, "id": f"c{i:02d}", "metadata": {}, "source": src}
    if t == "code":
        c["execution_count"] = None
        c["outputs"] = []
    nb["cells"].append(c)
json.dump(nb, open(sys.argv[1], "w"), indent=1, ensure_ascii=False)
print("cells:", len(cells))
