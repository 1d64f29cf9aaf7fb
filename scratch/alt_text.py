"""One-off edit (issue 25, item 8): every chart of 00-03, 05, 06 shown as an HTML <img> with alternative text.
LineCharts: display(c.image()) -> display(c.html(), "text/html") (the alt text is LineChart.describe()); the other
images get a written description through Images.html(image, alt)."""
import json, re, sys

ALT = {
    ("01", 33): ('display(Charts.scatter("Character embeddings C (seed 1), two principal components",\n'
                 '    "PC 1", "PC 2", proj.getColumn(0), proj.getColumn(1), labels, true))',
                 'display(Images.html(Charts.scatter("Character embeddings C (seed 1), two principal components",\n'
                 '    "PC 1", "PC 2", proj.getColumn(0), proj.getColumn(1), labels, true),\n'
                 '    "Scatter plot: each character\'s embedding (seed 1) on its first two principal components,"\n'
                 '    + " labelled with the character"), "text/html")'),
    ("02", 28): ('display(GradientFlowReport.compareChart(flows, GradientFlowReport.Quantity.LOSS_GRADIENT, bounds,\n'
                 '    "h"))',
                 'display(Images.html(GradientFlowReport.compareChart(flows,\n'
                 '    GradientFlowReport.Quantity.LOSS_GRADIENT, bounds, "h"),\n'
                 '    "Line chart, log y: ‖∂L/∂h_t‖ against the distance T − t, one line per σ_max (0.5, 0.9,"\n'
                 '    + " 1.0, 1.5, 3.0), each with its bound (γ·σ_max)^(T−t) dashed in the same colour"),\n'
                 '    "text/html")'),
    ("02", 33): ('display(GradientFlowReport.compareChart(linear, GradientFlowReport.Quantity.JACOBIAN_PRODUCT,\n'
                 '    linearBounds, "h"))',
                 'display(Images.html(GradientFlowReport.compareChart(linear,\n'
                 '    GradientFlowReport.Quantity.JACOBIAN_PRODUCT, linearBounds, "h"),\n'
                 '    "Line chart, log y: ‖∂h_T/∂h_t‖ of the linear RNN against the distance T − t, one line"\n'
                 '    + " per σ_max (0.5, 0.9, 1.5, 3.0), each with its bound (γ·σ_max)^(T−t) dashed"),\n'
                 '    "text/html")'),
    ("02", 35): ('display(trained.singularValuesChart())',
                 'display(Images.html(trained.singularValuesChart(), "Line chart, log y: the largest and the"\n'
                 '    + " smallest singular value of each step Jacobian J_t of the trained RNN against the step t"),\n'
                 '    "text/html")'),
    ("03", 35): ('display(Charts.image(cp))',
                 'display(Images.html(Charts.image(cp), "Scatter plot, one point per unit: log10 of the"\n'
                 '    + " carry path ∏(1 − z) on x against log10 |(∂h_200/∂h_100)_ii| on y, for the GRU with"\n'
                 '    + " b_z default, with b_z −3 and untrained, and the line y = x"), "text/html")'),
    ("05", 51): ('display(Heatmaps.grid("attention weights of the trained tiny GPT over \\"" + shown + "\\"",\n'
                 '    mapTitles, mapData, shownLabels, 4, 200))',
                 'display(Images.html(Heatmaps.grid("attention weights of the trained tiny GPT over \\""\n'
                 '    + shown + "\\"", mapTitles, mapData, shownLabels, 4, 200), "Heatmaps, one per layer"\n'
                 '    + " and head (4 × 4): the attention weights of the trained tiny GPT over \\"" + shown\n'
                 '    + "\\", rows the query position, columns the key position, darker = more weight"),\n'
                 '    "text/html")'),
}

def edit(path):
    nb = json.load(open(path))
    key = path.split("/")[-1][:2]
    n = 0
    for i, c in enumerate(nb["cells"], 1):
        if c["cell_type"] != "code":
            continue
        s = "".join(c["source"])
        t = s
        if (key, i) in ALT:
            old, new = ALT[(key, i)]
            assert old in t, (key, i)
            t = t.replace(old, new)
        t = re.sub(r'display\(((?:\w+|CompareReport\.\w+\([^()]*\)))\.image\(\)\)', r'display(\1.html(), "text/html")', t)
        if key == "02" and i == 49:
            t = t.replace('"curve").image())', '"curve").html(),\n    "text/html")') if '"curve").image())' in t else t
        if key == "05":
            if i == 3:
                t = t.replace("/** A line chart with its legend where it is given (inside the plot, or below it). */\n"
                              "BufferedImage plot(",
                              "/** A line chart, its legend where it is given (inside the plot, or below it), as"
                              " HTML. */\nString plot(")
                t = t.replace("    return ch.image();\n}", "    return ch.html();\n}")
            t = re.sub(r'(display\(plot\((?:[^;]|\n)*?)\)\);', lambda m: m.group(1) + '), "text/html");', t)
        if t != s:
            n += 1
            lines = t.split("\n")
            c["source"] = [l + "\n" for l in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    json.dump(nb, open(path, "w"), indent=1, ensure_ascii=False)
    open(path, "a").write("\n")
    print(path, n, "cells edited")

for p in sys.argv[1:]:
    edit(p)
