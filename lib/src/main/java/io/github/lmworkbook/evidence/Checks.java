package io.github.lmworkbook.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The building blocks of claims: a metric against a bound at every seed and budget, two conditions compared seed by
 * seed, the condition chosen on dev. Each returns a {@link Verdict} whose lines print every number it looked at.
 */
public final class Checks {
    private Checks() {}

    /** A comparison. */
    public enum Op {
        /** a &lt; b. */
        LT("<"),
        /** a ≤ b. */
        LE("≤"),
        /** a &gt; b. */
        GT(">"),
        /** a ≥ b. */
        GE("≥");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        boolean test(double a, double b) {
            return switch (this) {
                case LT -> a < b;
                case LE -> a <= b;
                case GT -> a > b;
                case GE -> a >= b;
            };
        }
    }

    /**
     * metric(c) op bound at every seed, at every budget with results.
     *
     * @param ev the experiment's results
     * @param c the condition
     * @param metric the metric's name
     * @param op the comparison
     * @param bound the bound
     * @return the verdict, one line per budget
     */
    public static Verdict every(Evidence ev, Condition c, String metric, Op op, double bound) {
        return every(ev, s -> c, metric, op, bound);
    }

    /**
     * metric op bound at every seed, at every budget, the condition chosen per budget (e.g. its best lr).
     *
     * @param ev the experiment's results
     * @param at the condition at each budget
     * @param metric the metric's name
     * @param op the comparison
     * @param bound the bound
     * @return the verdict, one line per budget
     */
    public static Verdict every(Evidence ev, IntFunction<Condition> at, String metric, Op op, double bound) {
        return every(ev, ev.scales(), at, metric, op, bound);
    }

    /**
     * metric op bound at every seed of one budget (for a claim that holds at one budget and says so).
     *
     * @param ev the experiment's results
     * @param scale the budget, as a multiple of the base budget
     * @param c the condition
     * @param metric the metric's name
     * @param op the comparison
     * @param bound the bound
     * @return the verdict
     */
    public static Verdict everyAt(Evidence ev, int scale, Condition c, String metric, Op op, double bound) {
        return everyAt(ev, scale, s -> c, metric, op, bound);
    }

    /**
     * metric(a) op metric(b) seed by seed at one budget (for a claim that holds at one budget and says so).
     *
     * @param ev the experiment's results
     * @param scale the budget, as a multiple of the base budget
     * @param a the left condition
     * @param b the right condition
     * @param metric the metric's name
     * @param op the comparison
     * @return the verdict
     */
    public static Verdict pairsAt(Evidence ev, int scale, Condition a, Condition b, String metric, Op op) {
        if (java.util.Arrays.stream(ev.scales()).noneMatch(x -> x == scale)) {
            return Verdict.of(false, String.format(Locale.ROOT, "%d×: no results", scale));
        }
        long[] seeds = ev.seeds(a, scale);
        double[] va = new double[seeds.length], vb = new double[seeds.length];
        int ok = 0;
        for (int j = 0; j < seeds.length; j++) {
            va[j] = ev.run(a, scale, seeds[j]).metric(metric);
            vb[j] = ev.run(b, scale, seeds[j]).metric(metric);
            if (op.test(va[j], vb[j])) ok++;
        }
        return Verdict.of(ok == seeds.length && seeds.length > 0, String.format(Locale.ROOT,
                "%d×: %s: %s [%s] %s [%s] (%s) at %d of %d seeds", scale, metric, a.label(), list(va),
                op.symbol, list(vb), b.label(), ok, seeds.length));
    }

    /**
     * metric op bound at every seed of one budget, the condition chosen for that budget.
     *
     * @param ev the experiment's results
     * @param scale the budget, as a multiple of the base budget
     * @param at the condition at each budget
     * @param metric the metric's name
     * @param op the comparison
     * @param bound the bound
     * @return the verdict
     */
    public static Verdict everyAt(Evidence ev, int scale, IntFunction<Condition> at, String metric, Op op,
            double bound) {
        if (java.util.Arrays.stream(ev.scales()).noneMatch(x -> x == scale)) {
            return Verdict.of(false, String.format(Locale.ROOT, "%d×: no results", scale));
        }
        return every(ev, new int[] {scale}, at, metric, op, bound);
    }

    private static Verdict every(Evidence ev, int[] scales, IntFunction<Condition> at, String metric, Op op,
            double bound) {
        List<Verdict> parts = new ArrayList<>();
        for (int s : scales) {
            Condition c = at.apply(s);
            double[] v = ev.values(c, s, metric);
            int ok = 0;
            for (double x : v) if (op.test(x, bound)) ok++;
            boolean holds = ok == v.length && v.length > 0;            // no seeds at a budget is no evidence
            parts.add(Verdict.of(holds, String.format(Locale.ROOT, "%d×: %s: %s %s %s at %d of %d seeds (%s)",
                    s, c.label(), metric, op.symbol, fmt(bound), ok, v.length, list(v))));
        }
        return Verdict.all(parts);
    }

    /**
     * metric(a) op metric(b), seed by seed, at every budget with results.
     *
     * @param ev the experiment's results
     * @param a the left condition
     * @param b the right condition
     * @param metric the metric's name
     * @param op the comparison
     * @return the verdict, one line per budget
     */
    public static Verdict pairs(Evidence ev, Condition a, Condition b, String metric, Op op) {
        return pairs(ev, s -> a, s -> b, metric, op);
    }

    /**
     * metric(a) op metric(b), seed by seed, at every budget, the conditions chosen per budget.
     *
     * @param ev the experiment's results
     * @param a the left condition at each budget
     * @param b the right condition at each budget
     * @param metric the metric's name
     * @param op the comparison
     * @return the verdict, one line per budget
     */
    public static Verdict pairs(Evidence ev, IntFunction<Condition> a, IntFunction<Condition> b, String metric, Op op) {
        List<Verdict> parts = new ArrayList<>();
        for (int s : ev.scales()) {
            Condition ca = a.apply(s), cb = b.apply(s);
            long[] seeds = ev.seeds(ca, s);
            double[] va = new double[seeds.length], vb = new double[seeds.length];
            int ok = 0;
            for (int j = 0; j < seeds.length; j++) {
                va[j] = ev.run(ca, s, seeds[j]).metric(metric);
                vb[j] = ev.run(cb, s, seeds[j]).metric(metric);
                if (op.test(va[j], vb[j])) ok++;
            }
            parts.add(Verdict.of(ok == seeds.length && seeds.length > 0, String.format(Locale.ROOT,
                    "%d×: %s: %s [%s] %s [%s] (%s) at %d of %d seeds", s, metric, ca.label(), list(va), op.symbol,
                    list(vb), cb.label(), ok, seeds.length)));
        }
        return Verdict.all(parts);
    }

    /**
     * mean over seeds of metric(a) op that of metric(b), at every budget (a claim about the average, said so).
     *
     * @param ev the experiment's results
     * @param a the left condition
     * @param b the right condition
     * @param metric the metric's name
     * @param op the comparison
     * @return the verdict, one line per budget
     */
    public static Verdict means(Evidence ev, Condition a, Condition b, String metric, Op op) {
        return means(ev, s -> a, s -> b, metric, op);
    }

    /**
     * The same, the conditions chosen per budget (e.g. each at its learning rate chosen on dev).
     *
     * @param ev the experiment's results
     * @param at the left condition at each budget
     * @param bt the right condition at each budget
     * @param metric the metric's name
     * @param op the comparison
     * @return the verdict, one line per budget
     */
    public static Verdict means(Evidence ev, IntFunction<Condition> at, IntFunction<Condition> bt, String metric,
            Op op) {
        List<Verdict> parts = new ArrayList<>();
        for (int s : ev.scales()) {
            Condition a = at.apply(s), b = bt.apply(s);
            double ma = ev.mean(a, s, metric), mb = ev.mean(b, s, metric);
            parts.add(Verdict.of(op.test(ma, mb), String.format(Locale.ROOT, "%d×: mean %s: %s %s (%s) %s %s (%s)", s,
                    metric, a.label(), fmt(ma), list(ev.values(a, s, metric)), op.symbol, b.label(), fmt(mb),
                    list(ev.values(b, s, metric)))));
        }
        return Verdict.all(parts);
    }

    /**
     * Two metrics of the same runs compared, seed by seed (e.g. a factor after training below the one before).
     *
     * @param ev the experiment's results
     * @param at the condition at each budget
     * @param a the left metric's name
     * @param op the comparison
     * @param b the right metric's name
     * @return the verdict, one line per budget
     */
    public static Verdict metrics(Evidence ev, IntFunction<Condition> at, String a, Op op, String b) {
        List<Verdict> parts = new ArrayList<>();
        for (int s : ev.scales()) {
            Condition c = at.apply(s);
            double[] va = ev.values(c, s, a), vb = ev.values(c, s, b);
            int ok = 0;
            for (int j = 0; j < va.length; j++) if (op.test(va[j], vb[j])) ok++;
            parts.add(Verdict.of(ok == va.length && va.length > 0, String.format(Locale.ROOT,
                    "%d×: %s: %s [%s] %s %s [%s] at %d of %d seeds", s, c.label(), a, list(va), op.symbol, b,
                    list(vb), ok, va.length)));
        }
        return Verdict.all(parts);
    }

    /**
     * The spread of the means of a metric over several conditions (e.g. the models, each at its best lr) at every
     * budget: largest mean − smallest mean op bound.
     *
     * @param ev the experiment's results
     * @param at the conditions, each chosen per budget
     * @param metric the metric's name
     * @param op the comparison
     * @param bound the bound on the spread
     * @return the verdict, one line per budget
     */
    public static Verdict spread(Evidence ev, List<IntFunction<Condition>> at, String metric, Op op, double bound) {
        List<Verdict> parts = new ArrayList<>();
        for (int s : ev.scales()) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            StringBuilder means = new StringBuilder();
            for (IntFunction<Condition> f : at) {
                Condition c = f.apply(s);
                double m = ev.mean(c, s, metric);
                lo = Math.min(lo, m);
                hi = Math.max(hi, m);
                means.append(means.length() == 0 ? "" : ", ").append(c.label()).append(' ').append(fmt(m));
            }
            parts.add(Verdict.of(op.test(hi - lo, bound), String.format(Locale.ROOT,
                    "%d×: mean %s: %s; spread %s %s %s", s, metric, means, fmt(hi - lo), op.symbol, fmt(bound))));
        }
        return Verdict.all(parts);
    }

    /**
     * metric at the larger budget op metric at the smaller one, seed by seed (e.g. 4× lowers the loss of every seed),
     * the condition chosen per budget.
     *
     * @param ev the experiment's results
     * @param at the condition at each budget
     * @param metric the metric's name
     * @param op the comparison of the larger budget's value with the smaller's
     * @return the verdict
     */
    public static Verdict acrossBudgets(Evidence ev, IntFunction<Condition> at, String metric, Op op) {
        int[] scales = ev.scales();
        if (scales.length < 2) return Verdict.of(false, metric + ": needs two budgets, found " + scales.length);
        return acrossBudgets(ev, at, metric, op, scales[0], scales[scales.length - 1]);
    }

    /**
     * The same between each budget and the next (1× → 4×, 4× → 16×, …), seed by seed: e.g. every step up of the
     * budget still raises an accuracy — the quantity has not stopped moving at the largest budget.
     */
    public static Verdict eachBudgetStep(Evidence ev, IntFunction<Condition> at, String metric, Op op) {
        int[] scales = ev.scales();
        if (scales.length < 2) return Verdict.of(false, metric + ": needs two budgets, found " + scales.length);
        List<Verdict> parts = new ArrayList<>();
        for (int i = 1; i < scales.length; i++) parts.add(acrossBudgets(ev, at, metric, op, scales[i - 1], scales[i]));
        return Verdict.all(parts);
    }

    /** metric at budget hi op metric at budget lo, seed by seed, each budget's condition chosen for it. */
    public static Verdict acrossBudgets(Evidence ev, IntFunction<Condition> at, String metric, Op op, int lo, int hi) {
        Condition cl = at.apply(lo), ch = at.apply(hi);
        long[] seeds = ev.seeds(ch, hi);
        double[] a = new double[seeds.length], b = new double[seeds.length];
        int ok = 0;
        for (int j = 0; j < seeds.length; j++) {
            a[j] = ev.run(ch, hi, seeds[j]).metric(metric);
            b[j] = ev.run(cl, lo, seeds[j]).metric(metric);
            if (op.test(a[j], b[j])) ok++;
        }
        return Verdict.of(ok == seeds.length && seeds.length > 0, String.format(Locale.ROOT,
                "%s: %d× %s [%s] %s %d× %s [%s] at %d of %d seeds", metric, hi, ch.label(), list(a), op.symbol, lo,
                cl.label(), list(b), ok, seeds.length));
    }

    /**
     * The condition among those matching {@code partial} with the lowest mean of {@code metric} at each budget (the
     * learning rate chosen on dev), as a function of the budget, and a note line naming the choice.
     *
     * @param ev the experiment's results
     * @param metric the metric whose mean is minimised (e.g. the dev loss)
     * @param partial name, value pairs the candidates must match
     * @return the best condition at each budget
     */
    public static IntFunction<Condition> bestOn(Evidence ev, String metric, Object... partial) {
        return s -> ev.best(s, metric, partial);
    }

    /**
     * A note naming the condition chosen on dev at each budget.
     *
     * @param ev the experiment's results
     * @param metric the metric whose mean is minimised
     * @param partial name, value pairs the candidates must match
     * @return the note
     */
    public static Verdict chosen(Evidence ev, String metric, Object... partial) {
        List<Verdict> parts = new ArrayList<>();
        for (int s : ev.scales()) {
            Condition c = ev.best(s, metric, partial);
            parts.add(Verdict.note(String.format(Locale.ROOT, "%d×: chosen on %s: %s (mean %s)", s, metric, c.label(),
                    fmt(ev.mean(c, s, metric)))));
        }
        return Verdict.all(parts);
    }

    /**
     * A number with four significant digits.
     *
     * @param v the number
     * @return the text
     */
    public static String fmt(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "∞" : "−∞";
        if (v == Math.rint(v) && Math.abs(v) < 1e7) return String.valueOf((long) v);
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) {
            String s = String.format(Locale.ROOT, "%.4g", v);
            if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
            return s;
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }

    /**
     * The values, space-separated, four significant digits each.
     *
     * @param v the numbers
     * @return the text
     */
    public static String list(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double x : v) sb.append(sb.length() == 0 ? "" : " ").append(fmt(x));
        return sb.toString();
    }
}
