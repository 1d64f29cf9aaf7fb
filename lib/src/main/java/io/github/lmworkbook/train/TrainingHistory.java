package io.github.lmworkbook.train;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.Arrays;

/**
 * What a {@link Trainer} recorded: for every step its training loss (on that step's batch, before the update),
 * the global gradient norm before clipping and the learning rate; at every evaluation the mean dev loss.
 * Step s means "after s updates". Raw arrays for charts, {@link #table()} for display.
 */
public final class TrainingHistory {
    private int n;                 // recorded steps
    private int[] step = new int[0];
    private double[] trainLoss = new double[0], gradNorm = new double[0], lr = new double[0];
    private int ne;                // recorded evaluations
    private int[] evalStep = new int[0];
    private double[] devLoss = new double[0];
    private double seconds;
    private String stopReason = "";

    /** Makes room for more steps so that recording them allocates nothing. */
    void ensureCapacity(int steps, int evals) {
        if (step.length < n + steps) {
            int cap = n + steps;
            step = Arrays.copyOf(step, cap);
            trainLoss = Arrays.copyOf(trainLoss, cap);
            gradNorm = Arrays.copyOf(gradNorm, cap);
            lr = Arrays.copyOf(lr, cap);
        }
        if (evalStep.length < ne + evals) {
            int cap = ne + evals;
            evalStep = Arrays.copyOf(evalStep, cap);
            devLoss = Arrays.copyOf(devLoss, cap);
        }
    }

    void addStep(int s, double loss, double norm, double rate) {
        if (n == step.length) ensureCapacity(Math.max(16, n), 0); // doubles
        step[n] = s;
        trainLoss[n] = loss;
        gradNorm[n] = norm;
        lr[n] = rate;
        n++;
    }

    void addEval(int s, double loss) {
        if (ne == evalStep.length) ensureCapacity(0, Math.max(16, ne));
        evalStep[ne] = s;
        devLoss[ne] = loss;
        ne++;
    }

    void addSeconds(double s) {
        seconds += s;
    }

    void stopReason(String reason) {
        stopReason = reason;
    }

    /** A copy of the history so far (given to a {@link TrainingDivergedException}). */
    TrainingHistory snapshot() {
        TrainingHistory h = new TrainingHistory();
        h.n = n;
        h.step = steps();
        h.trainLoss = trainLoss();
        h.gradNorm = gradNorms();
        h.lr = lrs();
        h.ne = ne;
        h.evalStep = evalSteps();
        h.devLoss = devLosses();
        h.seconds = seconds;
        h.stopReason = stopReason;
        return h;
    }

    /** {@return the number of recorded training steps} */
    public int size() {
        return n;
    }

    /** {@return the steps whose training loss was recorded} */
    public int[] steps() {
        return Arrays.copyOf(step, n);
    }

    /** {@return the training loss of each recorded step} */
    public double[] trainLoss() {
        return Arrays.copyOf(trainLoss, n);
    }

    /** {@return the global gradient norm of each step, before clipping} */
    public double[] gradNorms() {
        return Arrays.copyOf(gradNorm, n);
    }

    /** {@return the learning rate of each recorded step} */
    public double[] lrs() {
        return Arrays.copyOf(lr, n);
    }

    /** {@return the steps at which the dev split was evaluated} */
    public int[] evalSteps() {
        return Arrays.copyOf(evalStep, ne);
    }

    /** {@return the mean dev loss at each of {@link #evalSteps()}} */
    public double[] devLosses() {
        return Arrays.copyOf(devLoss, ne);
    }

    /**
     * The training loss averaged over windows of w consecutive steps (the curve to plot; one value per window).
     *
     * @param w the window, in steps (≥ 1)
     * @return the mean loss of each window
     */
    public double[] trainLossSmoothed(int w) {
        if (w <= 0) throw new IllegalArgumentException("window " + w + " must be positive");
        double[] out = new double[n / w];
        for (int k = 0; k < out.length; k++) {
            double s = 0;
            for (int i = k * w; i < (k + 1) * w; i++) s += trainLoss[i];
            out[k] = s / w;
        }
        return out;
    }

    /**
     * The mean training loss of the last k recorded steps (all of them if fewer).
     *
     * @param k the number of last steps averaged
     * @return their mean training loss (NaN when nothing was recorded)
     */
    public double lastTrainLoss(int k) {
        int from = Math.max(0, n - k);
        double s = 0;
        for (int i = from; i < n; i++) s += trainLoss[i];
        return n == from ? Double.NaN : s / (n - from);
    }

    /** {@return the last dev loss, NaN when nothing was evaluated} */
    public double lastDevLoss() {
        return ne == 0 ? Double.NaN : devLoss[ne - 1];
    }

    /** {@return wall-clock seconds spent in training steps and evaluations} */
    public double seconds() {
        return seconds;
    }

    /** {@return why the last run stopped early (time budget), or "" when it ran all its steps} */
    public String stopReason() {
        return stopReason;
    }

    /**
     * One row per step: step, train_loss, dev_loss (missing except at evaluations), grad_norm, lr.
     *
     * @return the table of steps
     */
    public Table table() {
        double[] dev = new double[n];
        Arrays.fill(dev, Double.NaN);
        for (int e = 0, i = 0; e < ne; e++) {
            while (i < n && step[i] < evalStep[e]) i++;
            if (i < n && step[i] == evalStep[e]) dev[i] = devLoss[e];
        }
        return Table.create("training history",
                IntColumn.create("step", steps()),
                DoubleColumn.create("train_loss", trainLoss()),
                DoubleColumn.create("dev_loss", dev),
                DoubleColumn.create("grad_norm", gradNorms()),
                DoubleColumn.create("lr", lrs()));
    }

    /**
     * One row per evaluation: step, train_loss (mean over the steps since the previous evaluation), dev_loss.
     *
     * @return the table of evaluations
     */
    public Table evalTable() {
        double[] tr = new double[ne];
        int i = 0;
        for (int e = 0; e < ne; e++) {
            double s = 0;
            int c = 0;
            while (i < n && step[i] <= evalStep[e]) {
                s += trainLoss[i++];
                c++;
            }
            tr[e] = c == 0 ? Double.NaN : s / c;
        }
        return Table.create("evaluations",
                IntColumn.create("step", evalSteps()),
                DoubleColumn.create("train_loss", tr),
                DoubleColumn.create("dev_loss", devLosses()));
    }

    @Override
    public String toString() {
        return String.format("TrainingHistory(%d steps, last train loss %.4f, last dev loss %.4f, %.1f s%s)", n,
                lastTrainLoss(100), lastDevLoss(), seconds, stopReason.isEmpty() ? "" : ", " + stopReason);
    }
}
