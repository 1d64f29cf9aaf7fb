package io.github.lmworkbook.gradcheck;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every planted bug is caught: small forward/backward pairs written out here (a linear layer, softmax
 * cross-entropy, a two-layer tanh network, a tanh RNN language model with its BPTT, an LSTM step, a GRU step),
 * each with its correct backward (which must pass at the checker's defaults) and planted bugs (each must fail).
 * Three bugs are small on purpose: the entries they change move by 2e-4 relative or less (median), one of them
 * (a clamped tanh derivative) on five entries only, by at most 5e-5.
 *
 * <p>For each bug the test also compares the buggy analytic gradient with the correct one, so that it knows which
 * parameters the bug changed: the checker must fail a non-empty subset of them (and nothing else), and where the
 * bug has a signature (a constant factor, a flipped sign, a transpose, a missing term) the report must name it.
 */
class BugCorpusTest {

    /** The planted bugs, where they live, what they do, and the words the report must use (or null). */
    enum Bug {
        LINEAR_DX_NO_TRANSPOSE(Kind.LINEAR, "dx = dy·W instead of dy·Wᵀ (a missing transpose)", null),
        LINEAR_DW_TRANSPOSED(Kind.LINEAR, "dW = dyᵀ·x instead of xᵀ·dy", "transpose"),
        LINEAR_DB_MISSING(Kind.LINEAR, "the bias gradient is never accumulated", "never accumulated"),
        LINEAR_DB_MEAN(Kind.LINEAR, "db = mean over rows instead of the sum (an extra 1/N)", "≈ 1/6"),
        LINEAR_DW_TWICE(Kind.LINEAR, "dW accumulated twice", "≈ 2 on every failing entry"),
        CE_NO_MEAN(Kind.CE, "dz = p − q: the 1/N of the mean forgotten", "≈ 4 on every failing entry"),
        CE_SIGN(Kind.CE, "dz = (q − p)/N: the sign flipped", "the sign is flipped"),
        CE_PADDING_COUNTED(Kind.CE, "divided by all rows, padded ones included (6 instead of 4)", "≈ 0.6667"),
        CE_GRADIENT_ON_PADDING(Kind.CE, "padded rows get p/N as if they counted", "numeric ≈ 0"),
        CE_SMOOTHING_FORGOTTEN(Kind.CE, "dz = (p − onehot)/N: the label smoothing α = 1e-4 forgotten (small)", "small term"),
        MLP_TANH_DERIVATIVE_OF_Z(Kind.MLP, "dz = dh ⊙ (1 − z²): the derivative at the pre-activation", null),
        MLP_CLAMPED_TANH_DERIVATIVE(Kind.MLP, "dz = dh ⊙ max(1 − h², 1e-5): a clamp (small, few entries)", "small term"),
        RNN_WHH_OFF_BY_ONE(Kind.RNN, "dW_hh += h_tᵀ·dz_t instead of h_{t−1}ᵀ·dz_t (a time step off by one)", null),
        RNN_NO_FUTURE(Kind.RNN, "dh_t without dz_{t+1}·W_hhᵀ: the h_{t−1} term of the recurrence dropped", null),
        RNN_WINDOW_ONE_SHORT(Kind.RNN, "truncated BPTT with window T − 1 where full BPTT was meant (small)", "small term"),
        LSTM_FORGET_TANH_DERIVATIVE(Kind.LSTM, "dz_f = df ⊙ (1 − f²): the sigmoid gate with tanh's derivative", null),
        LSTM_FORGET_USES_C_T(Kind.LSTM, "df = dc ⊙ c_t instead of c_{t−1}", null),
        LSTM_NO_PATH_THROUGH_H(Kind.LSTM, "dc misses dh ⊙ o ⊙ (1 − tanh² c)", null),
        GRU_Z_SWAPPED(Kind.GRU, "dn = dh ⊙ z and dh_prev = dh ⊙ (1 − z): z and 1 − z swapped", null),
        GRU_RESET_FACTOR_MISSING(Kind.GRU, "d(h·U_n) = dn̂ without the factor r", null);

        final Kind kind;
        final String what;
        final String words;

        Bug(Kind kind, String what, String words) {
            this.kind = kind;
            this.what = what;
            this.words = words;
        }
    }

    enum Kind {
        LINEAR(LinearNet::new), CE(CrossEntropyNet::new), MLP(TanhMlp::new), RNN(TanhRnn::new), LSTM(LstmStep::new),
        GRU(GruStep::new);

        final Function<Bug, Net> make;

        Kind(Function<Bug, Net> make) {
            this.make = make;
        }
    }

    /** A loss and its backward, with one bug planted (or none: bug == null). */
    abstract static class Net implements Model {
        final Bug bug;
        final Random rng = new Random(20240601);
        final List<Param> params = new ArrayList<>();

        Net(Bug bug) {
            this.bug = bug;
        }

        Param param(String name, Matrix value) {
            Param p = new Param(name, value);
            params.add(p);
            return p;
        }

        @Override
        public List<Param> params() {
            return params;
        }

        abstract double loss();

        /** The loss, then the backward pass, adding into every grad. */
        abstract void lossAndGrad();

        GradCheckReport check() {
            return GradientChecker.check(this, this::loss, this::lossAndGrad);
        }
    }

    private static final List<String> LINES = new ArrayList<>();

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theCorrectBackwardPasses(Kind kind) {
        Net net = kind.make.apply(null);
        GradCheckReport r = net.check();
        assertTrue(r.passed(), r.toString());
        for (GradCheckReport.Entry e : r.entries()) assertTrue(e.flagged().isEmpty(), e.toString());
    }

    @ParameterizedTest
    @EnumSource(Bug.class)
    void everyPlantedBugIsCaught(Bug bug) {
        Net ok = bug.kind.make.apply(null), bad = bug.kind.make.apply(bug);
        // which parameters the bug changes, and by how much: compare the two analytic gradients
        ok.zeroGrad();
        ok.lossAndGrad();
        bad.zeroGrad();
        bad.lossAndGrad();
        Set<String> changed = new LinkedHashSet<>();
        int changedEntries = 0, entries = 0;
        double largestEffect = 0; // max |a_bug − a_ok| / |a_ok| over the entries it changes
        List<Double> effects = new ArrayList<>();
        for (int p = 0; p < ok.params().size(); p++) {
            Matrix a = ok.params().get(p).grad, b = bad.params().get(p).grad;
            for (int i = 0; i < a.rows; i++) {
                for (int j = 0; j < a.cols; j++) {
                    entries++;
                    double d = Math.abs(a.data[i][j] - b.data[i][j]);
                    if (d > 1e-13 * Math.max(1e-3, Math.abs(a.data[i][j]))) {
                        changed.add(ok.params().get(p).name);
                        changedEntries++;
                        largestEffect = Math.max(largestEffect, d / Math.abs(a.data[i][j]));
                        effects.add(d / Math.abs(a.data[i][j]));
                    }
                }
            }
        }
        assertFalse(changed.isEmpty(), "the planted bug changes nothing: " + bug);

        GradCheckReport r = bad.check();
        List<String> failing = r.failures().stream().map(GradCheckReport.Entry::name).toList();
        assertFalse(r.passed(), bug + " (" + bug.what + ") was not caught:\n" + r);
        assertTrue(changed.containsAll(failing), "fails " + failing + " but the bug changes only " + changed + "\n" + r);
        for (GradCheckReport.Entry e : r.failures()) {
            assertTrue(e.verdict().startsWith("FAIL: " + e.failed() + " of " + e.checked() + " entries disagree."),
                    e.verdict());
            assertTrue(e.verdict().contains("allowed"), e.verdict()); // the worst entries are listed
        }
        if (bug.words != null) {
            assertTrue(r.failures().stream().allMatch(e -> e.hint() != null && e.hint().contains(bug.words)),
                    "expected \"" + bug.words + "\" in the hint:\n" + r);
        }
        String hint = r.failures().get(0).hint();
        synchronized (LINES) {
            LINES.add(String.format(Locale.ROOT, "%-28s %-6s changes %3d of %3d entries (median %.0e, largest %.0e "
                            + "relative); fails %s, worst score %.1e; %s", bug, bug.kind, changedEntries, entries,
                    median(effects), largestEffect, failing, r.maxScore(),
                    hint == null ? "(worst entries listed)" : hint));
        }
        if (bug.what.endsWith("(small)") || bug.what.contains("(small,")) {
            // small: the typical entry it changes moves by ≤ 3e-4 relative (the largest by ≤ 5e-3)
            assertTrue(median(effects) <= 3e-4 && largestEffect <= 5e-3, median(effects) + ", " + largestEffect);
        }
        if (bug == Bug.MLP_CLAMPED_TANH_DERIVATIVE) { // ≤ 1e-4 relative on a handful of entries
            assertTrue(changedEntries <= 6 && largestEffect <= 1e-4, changedEntries + ", " + largestEffect);
        }
    }

    @Test
    void windowedBpttWithTheFullWindowIsFullBptt() {
        // the reference for RNN_WINDOW_ONE_SHORT: the per-loss-term loop with K = T equals the usual BPTT loop
        TanhRnn a = new TanhRnn(null), b = new TanhRnn(null);
        a.zeroGrad();
        a.lossAndGrad();
        b.zeroGrad();
        b.loss();
        b.backwardWindowed(TanhRnn.T);
        for (int p = 0; p < a.params().size(); p++) {
            Matrix ga = a.params().get(p).grad, gb = b.params().get(p).grad;
            for (int i = 0; i < ga.rows; i++) {
                for (int j = 0; j < ga.cols; j++) assertEquals(ga.data[i][j], gb.data[i][j], 1e-15);
            }
        }
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        java.util.Collections.sort(s);
        return s.isEmpty() ? 0 : s.get(s.size() / 2);
    }

    @AfterAll
    static void printSummary() {
        System.out.println("bug corpus (" + Bug.values().length + " planted bugs):");
        for (String l : LINES) System.out.println("  " + l);
    }

    // ---- the nets ------------------------------------------------------------------------------------------

    private static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.rows; i++) for (int j = 0; j < a.cols; j++) s += a.data[i][j] * b.data[i][j];
        return s;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** y = x·W + b, L = Σ dout ⊙ y; x (N × d), W (d × d), b (1 × d). */
    static final class LinearNet extends Net {
        static final int N = 6, d = 5;
        final Param x = param("x", Matrix.randn(N, d, 1.0, rng));
        final Param W = param("W", Matrix.randn(d, d, 0.5, rng));
        final Param b = param("b", Matrix.randn(1, d, 0.5, rng));
        final Matrix dout = Matrix.randn(N, d, 1.0, rng);

        LinearNet(Bug bug) {
            super(bug);
        }

        @Override
        double loss() {
            return dot(dout, Matrix.matmul(x.value, W.value).addRowVector(b.value));
        }

        @Override
        void lossAndGrad() {
            loss();
            Matrix dy = dout;                                                  // (N × d)
            if (bug == Bug.LINEAR_DW_TRANSPOSED) W.grad.addMatmulTransA(dy, x.value);
            else W.grad.addMatmulTransA(x.value, dy);                          // dW = xᵀ·dy
            if (bug == Bug.LINEAR_DW_TWICE) W.grad.addMatmulTransA(x.value, dy);
            if (bug != Bug.LINEAR_DB_MISSING) {
                Matrix db = new Matrix(1, d);
                dy.addColumnSumsTo(db);                                        // db = Σ_rows dy
                if (bug == Bug.LINEAR_DB_MEAN) db.scaleInPlace(1.0 / N);
                b.grad.addInPlace(db);
            }
            if (bug == Bug.LINEAR_DX_NO_TRANSPOSE) x.grad.addMatmul(dy, W.value);
            else x.grad.addMatmulTransB(dy, W.value);                          // dx = dy·Wᵀ
        }
    }

    /**
     * Cross-entropy with label smoothing: L = −(1/n) Σ_r Σ_j q_rj·log softmax(z_r)_j over the n = 4 rows whose
     * target is not −1 (padding), q_r = (1 − α)·onehot(y_r) + α/V, α = 1e-4; z (6 × 7). dz_r = (p_r − q_r)/n.
     */
    static final class CrossEntropyNet extends Net {
        static final int N = 6, V = 7;
        static final double ALPHA = 1e-4;
        final int[] y = {3, 0, -1, 6, 2, -1};
        final Param z = param("z", Matrix.randn(N, V, 1.5, rng));

        CrossEntropyNet(Bug bug) {
            super(bug);
        }

        /** The softmax of every row (N × V). */
        Matrix probs() {
            Matrix p = new Matrix(N, V);
            for (int r = 0; r < N; r++) {
                double max = Double.NEGATIVE_INFINITY, s = 0;
                for (double v : z.value.data[r]) max = Math.max(max, v);
                for (int j = 0; j < V; j++) s += p.data[r][j] = Math.exp(z.value.data[r][j] - max);
                for (int j = 0; j < V; j++) p.data[r][j] /= s;
            }
            return p;
        }

        /** The smoothed target q_rj. */
        double q(int r, int j) {
            return (j == y[r] ? 1 - ALPHA : 0) + ALPHA / V;
        }

        @Override
        double loss() {
            Matrix p = probs();
            double L = 0;
            int n = 0;
            for (int r = 0; r < N; r++) {
                if (y[r] < 0) continue;
                n++;
                for (int j = 0; j < V; j++) L -= q(r, j) * Math.log(p.data[r][j]);
            }
            return L / n;
        }

        @Override
        void lossAndGrad() {
            loss();
            Matrix p = probs();
            int n = 0;
            for (int t : y) if (t >= 0) n++;
            double divide = bug == Bug.CE_NO_MEAN ? 1 : bug == Bug.CE_PADDING_COUNTED ? N : n;
            for (int r = 0; r < N; r++) {
                if (y[r] < 0 && bug != Bug.CE_GRADIENT_ON_PADDING) continue;
                for (int j = 0; j < V; j++) {
                    double target = y[r] < 0 ? 0 : bug == Bug.CE_SMOOTHING_FORGOTTEN ? (j == y[r] ? 1 : 0) : q(r, j);
                    double dz = p.data[r][j] - target;                             // dz = (p − q) / n
                    if (bug == Bug.CE_SIGN) dz = -dz;
                    z.grad.data[r][j] += dz / divide;
                }
            }
        }
    }

    /** x (N × 4) → h = tanh(x·W1 + b1) (N × 5) → h·W2 + b2 (N × 3) → mean softmax cross-entropy. */
    static final class TanhMlp extends Net {
        static final int N = 16, D = 4, H = 5, V = 3;
        static final double CLAMP = 1e-5; // of MLP_CLAMPED_TANH_DERIVATIVE: touches only units with |z| > 6.4
        final Param W1 = param("W1", Matrix.randn(D, H, 1.2, rng)); // large enough for a few saturated units
        final Param b1 = param("b1", Matrix.randn(1, H, 0.5, rng));
        final Param W2 = param("W2", Matrix.randn(H, V, 0.7, rng));
        final Param b2 = param("b2", Matrix.randn(1, V, 0.5, rng));
        final Matrix x = Matrix.randn(N, D, 1.0, rng);
        final int[] y = new int[N];
        Matrix z1, h;

        TanhMlp(Bug bug) {
            super(bug);
            for (int r = 0; r < N; r++) y[r] = r % V;
        }

        @Override
        double loss() {
            z1 = Matrix.matmul(x, W1.value).addRowVector(b1.value);            // (N × H)
            h = new Matrix(N, H);
            for (int r = 0; r < N; r++) for (int j = 0; j < H; j++) h.data[r][j] = Math.tanh(z1.data[r][j]);
            Matrix logits = Matrix.matmul(h, W2.value).addRowVector(b2.value); // (N × V)
            double L = 0;
            dlogits = new Matrix(N, V);
            for (int r = 0; r < N; r++) {
                double max = Double.NEGATIVE_INFINITY, s = 0;
                for (double v : logits.data[r]) max = Math.max(max, v);
                for (int j = 0; j < V; j++) s += Math.exp(logits.data[r][j] - max);
                L -= logits.data[r][y[r]] - max - Math.log(s);
                for (int j = 0; j < V; j++) {
                    dlogits.data[r][j] = (Math.exp(logits.data[r][j] - max) / s - (j == y[r] ? 1 : 0)) / N;
                }
            }
            return L / N;
        }

        private Matrix dlogits;

        @Override
        void lossAndGrad() {
            loss();
            W2.grad.addMatmulTransA(h, dlogits);                                // dW2 = hᵀ·dy
            dlogits.addColumnSumsTo(b2.grad);
            Matrix dz = new Matrix(N, H).addMatmulTransB(dlogits, W2.value);   // dh = dy·W2ᵀ
            for (int r = 0; r < N; r++) {
                for (int j = 0; j < H; j++) {
                    double hj = h.data[r][j], zj = z1.data[r][j];
                    double d = 1 - hj * hj;                                     // tanh′ = 1 − h²
                    if (bug == Bug.MLP_TANH_DERIVATIVE_OF_Z) d = 1 - zj * zj;
                    if (bug == Bug.MLP_CLAMPED_TANH_DERIVATIVE) d = Math.max(d, CLAMP);
                    dz.data[r][j] *= d;
                }
            }
            W1.grad.addMatmulTransA(x, dz);
            dz.addColumnSumsTo(b1.grad);
        }
    }

    /**
     * A tanh RNN language model over V = 5 tokens, B = 3 sequences of T = 8 steps, with its BPTT written out:
     * <pre>
     * x_t = C[tok_t],  h_t = tanh(x_t·W_xh + h_{t−1}·W_hh + b),  h_0 = h0,  y_t = h_t·W_hy + b_y
     * L = mean over t, b of −log softmax(y_t[b])[target_t[b]]
     * </pre>
     * W_hh is small (a contractive recurrence), so a gradient that travels T − 1 steps back is ~1e-4 of the rest.
     */
    static final class TanhRnn extends Net {
        static final int V = 5, m = 3, H = 4, B = 3, T = 8;
        final Param C = param("C", Matrix.randn(V, m, 1.0, rng));
        final Param Wxh = param("Wxh", Matrix.randn(m, H, 0.5, rng));
        final Param Whh = param("Whh", Matrix.randn(H, H, 0.15, rng));
        final Param b = param("b", Matrix.randn(1, H, 0.3, rng));
        final Param h0 = param("h0", Matrix.randn(1, H, 0.5, rng));
        final Param Why = param("Why", Matrix.randn(H, V, 0.7, rng));
        final Param by = param("by", Matrix.randn(1, V, 0.3, rng));
        final int[][] tok = new int[T][B], target = new int[T][B];
        final Matrix[] x = new Matrix[T + 1], hs = new Matrix[T + 1], dy = new Matrix[T + 1];

        TanhRnn(Bug bug) {
            super(bug);
            for (int t = 0; t < T; t++) {
                for (int s = 0; s < B; s++) {
                    tok[t][s] = rng.nextInt(V);
                    target[t][s] = rng.nextInt(V);
                }
            }
        }

        @Override
        double loss() {
            hs[0] = new Matrix(B, H);
            for (int s = 0; s < B; s++) hs[0].data[s] = h0.value.data[0].clone();
            double L = 0;
            for (int t = 1; t <= T; t++) {
                x[t] = new Matrix(B, m);
                for (int s = 0; s < B; s++) x[t].data[s] = C.value.data[tok[t - 1][s]].clone();
                Matrix z = Matrix.matmul(x[t], Wxh.value).addMatmul(hs[t - 1], Whh.value).addRowVector(b.value);
                hs[t] = new Matrix(B, H);
                for (int s = 0; s < B; s++) for (int j = 0; j < H; j++) hs[t].data[s][j] = Math.tanh(z.data[s][j]);
                Matrix y = Matrix.matmul(hs[t], Why.value).addRowVector(by.value);
                dy[t] = new Matrix(B, V);
                for (int s = 0; s < B; s++) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (double v : y.data[s]) max = Math.max(max, v);
                    for (int j = 0; j < V; j++) sum += Math.exp(y.data[s][j] - max);
                    L -= y.data[s][target[t - 1][s]] - max - Math.log(sum);
                    for (int j = 0; j < V; j++) {
                        dy[t].data[s][j] = (Math.exp(y.data[s][j] - max) / sum - (j == target[t - 1][s] ? 1 : 0))
                                / (B * T);
                    }
                }
            }
            return L / (B * T);
        }

        @Override
        void lossAndGrad() {
            loss();
            if (bug == Bug.RNN_WINDOW_ONE_SHORT) {
                backwardWindowed(T - 1);
                return;
            }
            Matrix dhNext = new Matrix(B, H);                                   // dz_{t+1}·W_hhᵀ
            for (int t = T; t >= 1; t--) {
                Why.grad.addMatmulTransA(hs[t], dy[t]);                         // dW_hy += h_tᵀ·dy_t
                dy[t].addColumnSumsTo(by.grad);
                Matrix dh = new Matrix(B, H).addMatmulTransB(dy[t], Why.value); // dh_t = dy_t·W_hyᵀ + dhNext
                if (bug != Bug.RNN_NO_FUTURE) dh.addInPlace(dhNext);
                Matrix dz = stepBackward(t, dh, bug == Bug.RNN_WHH_OFF_BY_ONE ? hs[t] : hs[t - 1]);
                dhNext = new Matrix(B, H).addMatmulTransB(dz, Whh.value);      // into step t − 1
            }
            dhNext.addColumnSumsTo(h0.grad);                                    // dh0 = Σ_rows dz_1·W_hhᵀ
        }

        /** Through tanh at step t, then into W_xh, W_hh (with the given h_{t−1}), b and C; returns dz_t. */
        Matrix stepBackward(int t, Matrix dh, Matrix hPrev) {
            Matrix dz = new Matrix(B, H);
            for (int s = 0; s < B; s++) {
                for (int j = 0; j < H; j++) {
                    double h = hs[t].data[s][j];
                    dz.data[s][j] = dh.data[s][j] * (1 - h * h);                // dz_t = dh_t ⊙ (1 − h_t²)
                }
            }
            Wxh.grad.addMatmulTransA(x[t], dz);                                 // dW_xh += x_tᵀ·dz_t
            Whh.grad.addMatmulTransA(hPrev, dz);                                // dW_hh += h_{t−1}ᵀ·dz_t
            dz.addColumnSumsTo(b.grad);
            Matrix dx = new Matrix(B, m).addMatmulTransB(dz, Wxh.value);       // dC[tok_t] += dz_t·W_xhᵀ
            for (int s = 0; s < B; s++) {
                double[] row = C.grad.data[tok[t - 1][s]];
                for (int j = 0; j < m; j++) row[j] += dx.data[s][j];
            }
            return dz;
        }

        /** Truncated BPTT: the loss at step u sends its gradient back through steps u, u − 1, …, u − K + 1 only. */
        void backwardWindowed(int K) {
            for (int u = T; u >= 1; u--) {
                Why.grad.addMatmulTransA(hs[u], dy[u]);
                dy[u].addColumnSumsTo(by.grad);
                Matrix dh = new Matrix(B, H).addMatmulTransB(dy[u], Why.value);
                int t = u;
                for (; t >= 1 && t > u - K; t--) {
                    Matrix dz = stepBackward(t, dh, hs[t - 1]);
                    dh = new Matrix(B, H).addMatmulTransB(dz, Whh.value);
                }
                if (t == 0) dh.addColumnSumsTo(h0.grad);
            }
        }
    }

    private static Matrix cols(Matrix a, int from, int n) {
        Matrix c = new Matrix(a.rows, n);
        for (int i = 0; i < a.rows; i++) System.arraycopy(a.data[i], from, c.data[i], 0, n);
        return c;
    }

    /**
     * One LSTM step with upstream gradients dh, dc: gates [i, f, o, g] = [σ, σ, σ, tanh](x·W_x + h_prev·W_h + b),
     * c = f ⊙ c_prev + i ⊙ g, h = o ⊙ tanh(c), L = Σ dh ⊙ h + Σ dc ⊙ c.
     */
    static final class LstmStep extends Net {
        static final int B = 3, D = 4, H = 3;
        final Param x = param("x", Matrix.randn(B, D, 1.0, rng));
        final Param hPrev = param("hPrev", Matrix.randn(B, H, 0.5, rng));
        final Param cPrev = param("cPrev", Matrix.randn(B, H, 1.0, rng));
        final Param Wx = param("Wx", Matrix.randn(D, 4 * H, 0.5, rng));
        final Param Wh = param("Wh", Matrix.randn(H, 4 * H, 0.5, rng));
        final Param b = param("b", Matrix.randn(1, 4 * H, 0.3, rng));
        final Matrix dhUp = Matrix.randn(B, H, 1.0, rng), dcUp = Matrix.randn(B, H, 1.0, rng);
        Matrix i, f, o, g, c, tc;

        LstmStep(Bug bug) {
            super(bug);
        }

        @Override
        double loss() {
            Matrix a = Matrix.matmul(x.value, Wx.value).addMatmul(hPrev.value, Wh.value).addRowVector(b.value);
            i = cols(a, 0, H);
            f = cols(a, H, H);
            o = cols(a, 2 * H, H);
            g = cols(a, 3 * H, H);
            c = new Matrix(B, H);
            tc = new Matrix(B, H);
            Matrix h = new Matrix(B, H);
            for (int s = 0; s < B; s++) {
                for (int j = 0; j < H; j++) {
                    i.data[s][j] = sigmoid(i.data[s][j]);
                    f.data[s][j] = sigmoid(f.data[s][j]);
                    o.data[s][j] = sigmoid(o.data[s][j]);
                    g.data[s][j] = Math.tanh(g.data[s][j]);
                    c.data[s][j] = f.data[s][j] * cPrev.value.data[s][j] + i.data[s][j] * g.data[s][j];
                    tc.data[s][j] = Math.tanh(c.data[s][j]);
                    h.data[s][j] = o.data[s][j] * tc.data[s][j];
                }
            }
            return dot(dhUp, h) + dot(dcUp, c);
        }

        @Override
        void lossAndGrad() {
            loss();
            Matrix da = new Matrix(B, 4 * H);                                   // d(pre-activations), [i, f, o, g]
            for (int s = 0; s < B; s++) {
                for (int j = 0; j < H; j++) {
                    double dh = dhUp.data[s][j], t = tc.data[s][j];
                    double I = i.data[s][j], F = f.data[s][j], O = o.data[s][j], G = g.data[s][j];
                    double dc = dcUp.data[s][j];
                    if (bug != Bug.LSTM_NO_PATH_THROUGH_H) dc += dh * O * (1 - t * t); // through h = o ⊙ tanh(c)
                    double dO = dh * t, dI = dc * G, dG = dc * I;
                    double dF = dc * (bug == Bug.LSTM_FORGET_USES_C_T ? c.data[s][j] : cPrev.value.data[s][j]);
                    cPrev.grad.data[s][j] += dc * F;
                    da.data[s][j] = dI * I * (1 - I);
                    da.data[s][H + j] = bug == Bug.LSTM_FORGET_TANH_DERIVATIVE ? dF * (1 - F * F) : dF * F * (1 - F);
                    da.data[s][2 * H + j] = dO * O * (1 - O);
                    da.data[s][3 * H + j] = dG * (1 - G * G);
                }
            }
            Wx.grad.addMatmulTransA(x.value, da);
            Wh.grad.addMatmulTransA(hPrev.value, da);
            da.addColumnSumsTo(b.grad);
            x.grad.addMatmulTransB(da, Wx.value);
            hPrev.grad.addMatmulTransB(da, Wh.value);
        }
    }

    /**
     * One GRU step (PyTorch's form) with upstream gradient dh: a = x·W_x + b, u = h_prev·W_h, columns [z, r, n];
     * z = σ(a_z + u_z), r = σ(a_r + u_r), n = tanh(a_n + r ⊙ u_n), h = (1 − z) ⊙ n + z ⊙ h_prev; L = Σ dh ⊙ h.
     */
    static final class GruStep extends Net {
        static final int B = 3, D = 4, H = 3;
        final Param x = param("x", Matrix.randn(B, D, 1.0, rng));
        final Param hPrev = param("hPrev", Matrix.randn(B, H, 0.7, rng));
        final Param Wx = param("Wx", Matrix.randn(D, 3 * H, 0.5, rng));
        final Param Wh = param("Wh", Matrix.randn(H, 3 * H, 0.5, rng));
        final Param b = param("b", Matrix.randn(1, 3 * H, 0.3, rng));
        final Matrix dhUp = Matrix.randn(B, H, 1.0, rng);
        Matrix z, r, n, un;

        GruStep(Bug bug) {
            super(bug);
        }

        @Override
        double loss() {
            Matrix a = Matrix.matmul(x.value, Wx.value).addRowVector(b.value);
            Matrix u = Matrix.matmul(hPrev.value, Wh.value);
            z = new Matrix(B, H);
            r = new Matrix(B, H);
            n = new Matrix(B, H);
            un = cols(u, 2 * H, H);
            Matrix h = new Matrix(B, H);
            for (int s = 0; s < B; s++) {
                for (int j = 0; j < H; j++) {
                    z.data[s][j] = sigmoid(a.data[s][j] + u.data[s][j]);
                    r.data[s][j] = sigmoid(a.data[s][H + j] + u.data[s][H + j]);
                    n.data[s][j] = Math.tanh(a.data[s][2 * H + j] + r.data[s][j] * un.data[s][j]);
                    h.data[s][j] = (1 - z.data[s][j]) * n.data[s][j] + z.data[s][j] * hPrev.value.data[s][j];
                }
            }
            return dot(dhUp, h);
        }

        @Override
        void lossAndGrad() {
            loss();
            Matrix da = new Matrix(B, 3 * H), du = new Matrix(B, 3 * H);
            for (int s = 0; s < B; s++) {
                for (int j = 0; j < H; j++) {
                    double dh = dhUp.data[s][j], Z = z.data[s][j], R = r.data[s][j], N = n.data[s][j];
                    boolean swap = bug == Bug.GRU_Z_SWAPPED;
                    double dn = dh * (swap ? Z : 1 - Z);
                    double dz = dh * (hPrev.value.data[s][j] - N);
                    hPrev.grad.data[s][j] += dh * (swap ? 1 - Z : Z);
                    double dan = dn * (1 - N * N);
                    double dr = dan * un.data[s][j];
                    da.data[s][j] = du.data[s][j] = dz * Z * (1 - Z);
                    da.data[s][H + j] = du.data[s][H + j] = dr * R * (1 - R);
                    da.data[s][2 * H + j] = dan;
                    du.data[s][2 * H + j] = bug == Bug.GRU_RESET_FACTOR_MISSING ? dan : dan * R;
                }
            }
            Wx.grad.addMatmulTransA(x.value, da);
            da.addColumnSumsTo(b.grad);
            x.grad.addMatmulTransB(da, Wx.value);
            Wh.grad.addMatmulTransA(hPrev.value, du);
            hPrev.grad.addMatmulTransB(du, Wh.value);
        }
    }
}
