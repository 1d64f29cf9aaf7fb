package io.github.lmworkbook.train;

/**
 * A learning rate as a function of the step (0-based): the {@link Trainer} sets {@code optimizer.setLr(lr(step))}
 * before each step.
 */
@FunctionalInterface
public interface LrSchedule {
    double lr(long step);

    /** η(t) = η. */
    static LrSchedule constant(double lr) {
        return step -> lr;
    }

    /** Step decay: η(t) = η₀ · factor^⌊t / every⌋ (e.g. ×0.1 every 100 000 steps, as in the makemore lectures). */
    static LrSchedule stepDecay(double lr0, long every, double factor) {
        if (every <= 0) throw new IllegalArgumentException("step decay interval " + every + " must be positive");
        return step -> lr0 * Math.pow(factor, step / every);
    }

    /** η for t &lt; boundary, then η·factor: the makemore lectures' "0.1, then 0.01 after 100 000 steps". */
    static LrSchedule dropAt(double lr, long boundary, double factor) {
        return step -> step < boundary ? lr : lr * factor;
    }

    /**
     * Linear warmup then cosine decay (nanoGPT's {@code get_lr}):
     * <pre>
     *   t &lt; W:           η(t) = η_max · (t + 1) / (W + 1)
     *   W ≤ t ≤ D:       η(t) = η_min + ½ (1 + cos(π · (t − W)/(D − W))) · (η_max − η_min)
     *   t &gt; D:           η(t) = η_min
     * </pre>
     * with W = warmupSteps, D = decaySteps (usually the total number of steps).
     */
    static LrSchedule warmupCosine(double maxLr, long warmupSteps, long decaySteps, double minLr) {
        if (warmupSteps < 0 || decaySteps <= warmupSteps) {
            throw new IllegalArgumentException("warmup " + warmupSteps + " must be ≥ 0 and < decay steps " + decaySteps);
        }
        return step -> {
            if (step < warmupSteps) return maxLr * (step + 1) / (warmupSteps + 1);
            if (step > decaySteps) return minLr;
            double ratio = (double) (step - warmupSteps) / (decaySteps - warmupSteps);
            return minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (maxLr - minLr);
        };
    }
}
