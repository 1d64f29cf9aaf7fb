package io.github.lmworkbook.charts;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.style.Styler;

/**
 * Curves of several arms of an experiment, each run at several seeds, on one chart: one colour per arm, a thin line
 * for every seed (the spread) and a thick line for the median across the seeds at each x (the legend names the
 * arms). Series are {@code double[][] {xs, ys}}; the seeds of an arm share their x values (a shorter run, e.g. one
 * that diverged, contributes as far as it goes).
 * <pre>{@code
 * var arms = new LinkedHashMap<String, List<double[][]>>();
 * arms.put("GRU", gruCurves);                    // one {x, y} per seed
 * arms.put("RNN", rnnCurves);
 * display(SeedChart.of("adding problem, T = 100", "step", "test MSE", true, arms));
 * }</pre>
 */
public final class SeedChart {
    private SeedChart() {}

    /** Distinct colours, in the order arms are added. */
    public static final List<Color> PALETTE = List.of(new Color(31, 119, 180), new Color(214, 39, 40),
            new Color(44, 160, 44), new Color(148, 103, 189), new Color(255, 127, 14), new Color(23, 190, 207),
            new Color(140, 86, 75), new Color(127, 127, 127));

    /** The chart, {@value Charts#WIDTH} × 420 pixels, legend inside at the upper right. */
    public static BufferedImage of(String title, String xLabel, String yLabel, boolean logY,
                                   Map<String, List<double[][]>> arms) {
        return chart(title, xLabel, yLabel, logY, arms, Styler.LegendPosition.InsideNE).image();
    }

    /** The chart as a {@link LineChart}, for a different size or legend position before {@code image()}. */
    public static LineChart chart(String title, String xLabel, String yLabel, boolean logY,
                                  Map<String, List<double[][]>> arms, Styler.LegendPosition legend) {
        if (arms.isEmpty()) throw new IllegalArgumentException("seed chart: no arms");
        LineChart c = Charts.lines(title, xLabel, yLabel).size(Charts.WIDTH, 420).legend(legend);
        if (logY) c.logY();
        int a = 0;
        for (Map.Entry<String, List<double[][]>> e : arms.entrySet()) {
            Color color = PALETTE.get(a++ % PALETTE.size());
            Color thin = new Color(color.getRed(), color.getGreen(), color.getBlue(), 90);
            List<double[][]> seeds = e.getValue();
            if (seeds.isEmpty()) throw new IllegalArgumentException("seed chart: arm '" + e.getKey() + "' has no runs");
            int s = 0;
            for (double[][] xy : seeds) {
                c.add(e.getKey() + " #" + (++s), xy[0], xy[1]).color(thin).width(1f).hideInLegend();
            }
            double[][] med = median(seeds);
            c.add(seeds.size() > 1 ? e.getKey() + " (median of " + seeds.size() + ")" : e.getKey(), med[0], med[1])
                    .color(color).width(2.5f);
        }
        return c;
    }

    /** The median across the seeds at each x (x from the longest run; NaN values left out). */
    public static double[][] median(List<double[][]> seeds) {
        double[] x = seeds.get(0)[0];
        for (double[][] xy : seeds) {
            Charts.checkSeries("seed", xy);
            if (xy[0].length > x.length) x = xy[0];
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            List<Double> v = new ArrayList<>();
            for (double[][] xy : seeds) if (i < xy[1].length && !Double.isNaN(xy[1][i])) v.add(xy[1][i]);
            y[i] = median(v.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return new double[][] {x.clone(), y};
    }

    /** The median of the values (NaN for none). */
    public static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
