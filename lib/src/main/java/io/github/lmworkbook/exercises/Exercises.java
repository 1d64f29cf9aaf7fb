package io.github.lmworkbook.exercises;

import java.util.Map;

/** The learner's names for the entries the exercises' checks compare ({@link Exercise.Entries}). */
final class Exercises {
    private Exercises() {}

    /** The function's result, whatever the checker calls it: "dz[1][2]". */
    static Exercise.Entries result(String name) {
        return (p, r, c) -> r < 0 ? name : name + "[" + r + "][" + c + "]";
    }

    /** The checker's names mapped to the learner's ("C" → "dC"); others as checked. */
    static Exercise.Entries renamed(Map<String, String> names) {
        return (p, r, c) -> {
            String n = names.getOrDefault(p, p);
            return r < 0 ? n : n + "[" + r + "][" + c + "]";
        };
    }

    /**
     * A cell's step backward checked inside BPTT ({@link RnnExercises#checkCell}): the learner writes the
     * pre-activations' gradients into t.dxw (blocks of H columns, named as the notebook names them), adds into
     * prev.dh (prev.dc) and into the recurrent weights' gradient; the checker compares what these make: dW_x, db and
     * dx (from t.dxw), the recurrent weights' gradients and the start state's (what reaches prev.dh back to t = 0).
     *
     * @param H         the cell's hidden size
     * @param T         the steps of each sequence (x's rows are batch-major: row b·T + t − 1)
     * @param recurrent the learner's name of the recurrent weights' gradient, e.g. "cell.Whh.grad"
     * @param blocks    the names of t.dxw's blocks of H columns, e.g. {"da_z", "da_r", "da_h"}
     * @param cellState whether the start state is [h_0 | c_0]
     */
    static Exercise.Entries cell(int H, int T, String recurrent, String[] blocks, boolean cellState) {
        return (p, r, c) -> {
            String block = blocks.length == 1 ? blocks[0] : blocks[Math.min(blocks.length - 1, Math.max(0, c) / H)];
            switch (p) {
                case "Wxh", "Wx" -> {
                    return r < 0 ? "dW_x" : "dW_x[" + r + "][" + c + "] (made from the "
                            + block + " you write into t.dxw)";
                }
                case "b" -> {
                    return r < 0 ? "db" : "db[0][" + c + "] (made from the " + block
                            + " you write into t.dxw)";
                }
                case "x" -> {
                    return r < 0 ? "dx" : "dx of sequence " + r / T + ", step " + (r % T + 1)
                            + ", column " + c + " (made from your t.dxw)";
                }
                case "start" -> {
                    boolean h = !cellState || c < H;
                    String what = h ? "dh_0" : "dc_0";
                    return r < 0 ? "the start state's gradient"
                            : what + "[" + (h ? c : c - H) + "] (what you add into prev." + (h ? "dh" : "dc")
                            + ", carried back to t = 0)";
                }
                case "Whh", "Wh", "Whzr" -> {
                    String name = recurrent.contains("." + p + ".") ? recurrent : "cell." + p + ".grad";
                    String of = blocks.length > 1 && !p.equals("Whh") ? " (the " + block + " block)" : "";
                    return r < 0 ? name : name + "[" + r + "][" + c + "]" + of;
                }
                default -> {
                    return r < 0 ? p : p + "[" + r + "][" + c + "]";
                }
            }
        };
    }
}
