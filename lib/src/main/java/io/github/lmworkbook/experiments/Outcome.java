package io.github.lmworkbook.experiments;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run of an experiment measured: named numbers (a final loss, an accuracy) and named curves (a loss
 * against the step), and anything kept for a look afterwards (the trained model, for its attention maps or its
 * gradients). Built fluently: {@code new Outcome().metric("dev loss", d).curve("train loss", steps, l)}.
 */
public final class Outcome {
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final Map<String, double[][]> curves = new LinkedHashMap<>();
    private final Map<String, Object> kept = new LinkedHashMap<>();

    /**
     * Records a number (the first one recorded is the one the progress line shows).
     *
     * @param name the metric's name
     * @param value its value
     * @return this outcome
     */
    public Outcome metric(String name, double value) {
        metrics.put(name, value);
        return this;
    }

    /**
     * Records a curve y(x) (copied).
     *
     * @param name the curve's name
     * @param x the x values
     * @param y the y values
     * @return this outcome
     */
    public Outcome curve(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("curve '" + name + "': " + x.length + " x values but " + y.length
                    + " y values");
        }
        curves.put(name, new double[][] {x.clone(), y.clone()});
        return this;
    }

    /**
     * Keeps an object of the run (not copied), e.g. {@code keep("model", m)} to look inside it afterwards.
     *
     * @param name the name
     * @param value the object
     * @return this outcome
     */
    public Outcome keep(String name, Object value) {
        if (value == null) throw new IllegalArgumentException("keep '" + name + "': null");
        kept.put(name, value);
        return this;
    }

    /**
     * The object kept under this name, as the given type.
     *
     * @param <T> the object's type
     * @param name the name
     * @param type the object's class
     * @return the object
     */
    public <T> T kept(String name, Class<T> type) {
        Object v = kept.get(name);
        if (v == null) throw new IllegalArgumentException("nothing kept as '" + name + "'; kept: " + kept.keySet());
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("'" + name + "' is a " + v.getClass().getSimpleName() + ", not a "
                    + type.getSimpleName());
        }
        return type.cast(v);
    }

    /**
     * The number recorded under this name.
     *
     * @param name the metric's name
     * @return its value
     */
    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) throw new IllegalArgumentException("no metric '" + name + "'; recorded: " + metrics.keySet());
        return v;
    }

    /**
     * The curve recorded under this name, {x, y}.
     *
     * @param name the curve's name
     * @return {x, y}
     */
    public double[][] curve(String name) {
        double[][] c = curves.get(name);
        if (c == null) throw new IllegalArgumentException("no curve '" + name + "'; recorded: " + curves.keySet());
        return c;
    }

    /**
     * Every metric, by name, in the order recorded.
     *
     * @return the metrics
     */
    public Map<String, Double> metrics() {
        return Collections.unmodifiableMap(metrics);
    }

    /**
     * Every curve, by name, each {x, y}.
     *
     * @return the curves
     */
    public Map<String, double[][]> curves() {
        return Collections.unmodifiableMap(curves);
    }

    @Override
    public String toString() {
        return "Outcome" + metrics + (curves.isEmpty() ? "" : " + curves " + curves.keySet());
    }
}
