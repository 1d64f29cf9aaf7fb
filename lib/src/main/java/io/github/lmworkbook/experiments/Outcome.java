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

    /** Records a number (the first one recorded is the one the progress line shows). */
    public Outcome metric(String name, double value) {
        metrics.put(name, value);
        return this;
    }

    /** Records a curve y(x) (copied). */
    public Outcome curve(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("curve '" + name + "': " + x.length + " x values but " + y.length
                    + " y values");
        }
        curves.put(name, new double[][] {x.clone(), y.clone()});
        return this;
    }

    /** Keeps an object of the run (not copied), e.g. {@code keep("model", m)} to look inside it afterwards. */
    public Outcome keep(String name, Object value) {
        if (value == null) throw new IllegalArgumentException("keep '" + name + "': null");
        kept.put(name, value);
        return this;
    }

    /** The object kept under this name, as the given type. */
    public <T> T kept(String name, Class<T> type) {
        Object v = kept.get(name);
        if (v == null) throw new IllegalArgumentException("nothing kept as '" + name + "'; kept: " + kept.keySet());
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("'" + name + "' is a " + v.getClass().getSimpleName() + ", not a "
                    + type.getSimpleName());
        }
        return type.cast(v);
    }

    /** The number recorded under this name. */
    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) throw new IllegalArgumentException("no metric '" + name + "'; recorded: " + metrics.keySet());
        return v;
    }

    /** The curve recorded under this name, {x, y}. */
    public double[][] curve(String name) {
        double[][] c = curves.get(name);
        if (c == null) throw new IllegalArgumentException("no curve '" + name + "'; recorded: " + curves.keySet());
        return c;
    }

    public Map<String, Double> metrics() {
        return Collections.unmodifiableMap(metrics);
    }

    public Map<String, double[][]> curves() {
        return Collections.unmodifiableMap(curves);
    }

    @Override
    public String toString() {
        return "Outcome" + metrics + (curves.isEmpty() ? "" : " + curves " + curves.keySet());
    }
}
