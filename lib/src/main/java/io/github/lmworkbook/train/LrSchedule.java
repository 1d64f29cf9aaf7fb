package io.github.lmworkbook.train;

/**
 * A learning rate as a function of the step (0-based): the {@link Trainer} sets {@code optimizer.setLr(lr(step))}
 * before each step.
 */
@FunctionalInterface
public interface LrSchedule {
    /**
     * The learning rate η(t) at a step.
     *
     * @param step t, the 0-based number of the step about to be taken
     * @return η(t), finite and ≥ 0
     */
    double lr(long step);

    /**
     * η(t) = η.
     *
     * @param lr η, the rate at every step
     * @return the constant schedule
     */
    static LrSchedule constant(double lr) {
        return step -> lr;
    }

    /**
     * Step decay: η(t) = η₀ · factor^⌊t / every⌋ (e.g. ×0.1 every 100 000 steps, as in the makemore lectures).
     *
     * @param lr0 η₀, the rate of the first steps
     * @param every the number of steps between two drops
     * @param factor the factor applied at each drop (e.g. 0.1)
     * @return the step-decay schedule
     */
    static LrSchedule stepDecay(double lr0, long every, double factor) {
        if (every <= 0) throw new IllegalArgumentException("step decay interval " + every + " must be positive");
        return step -> lr0 * Math.pow(factor, step / every);
    }

    /**
     * η for t &lt; boundary, then η·factor: the makemore lectures' "0.1, then 0.01 after 100 000 steps".
     *
     * @param lr η, the rate before the boundary
     * @param boundary the first step at the lower rate
     * @param factor the factor applied from the boundary on
     * @return the two-rate schedule
     */
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
     *
     * @param maxLr η_max, the peak reached at the end of the warmup
     * @param warmupSteps W, the number of warmup steps
     * @param decaySteps D, the step where the cosine reaches η_min
     * @param minLr η_min, the rate after D
     * @return the warmup-cosine schedule
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
