package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.Transformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A kind of language model in the {@link Comparison}, with one size knob (its "width": the MLP's hidden units, a
 * recurrent model's hidden size H, …) turned until the model has about the parameter count asked for. The count
 * comes from each model's own {@code Config.numParams()}.
 */
public interface Contender {
    /** {@return the name in tables and charts ("MLP", "RNN", …)} */
    String name();

    /**
     * The model for a vocabulary of V tokens and sequences of at most block tokens, at this width.
     *
     * @param V the vocabulary size
     * @param block the longest sequence
     * @param width the width (hidden size, n_embd, …)
     * @param seed the seed of the initialisation
     * @return the model
     */
    LanguageModel create(int V, int block, int width, long seed);

    /**
     * Its parameter count, from the model's Config.numParams().
     *
     * @param V the vocabulary size
     * @param block the longest sequence
     * @param width the width
     * @return the number of parameters
     */
    long numParams(int V, int block, int width);

    /**
     * The sizes at this width, e.g. "n = 8, m = 16, h = 70".
     *
     * @param width the width
     * @return the sizes
     */
    String sizes(int width);

    /**
     * The smallest width and the step between widths (for a model whose width is constrained).
     *
     * @return the smallest width (default 1)
     */
    default int minWidth() {
        return 1;
    }

    /**
     * The step between two widths tried (default 1).
     *
     * @return the step
     */
    default int widthStep() {
        return 1;
    }

    /**
     * The recurrent cell, for a recurrent model (the synthetic tasks' sweeps take a cell); null otherwise.
     *
     * @return the cell, or null
     */
    default CellType cell() {
        return null;
    }

    /**
     * The MLP of Bengio et al.: a window of n tokens, m numbers per token, the width is the hidden layer h.
     *
     * @param context n, the number of previous tokens
     * @param embed m, the size of a token's vector
     * @return the contender
     */
    static Contender mlp(int context, int embed) {
        return new MlpContender(context, embed);
    }

    /**
     * A recurrent language model over a cell, m numbers per token, learned start state; the width is H.
     *
     * @param cell the recurrent cell
     * @param embed m, the size of a token's vector
     * @return the contender
     */
    static Contender recurrent(CellType cell, int embed) {
        return new RecurrentContender(cell, embed);
    }

    /**
     * The MLP (n = 8, m = 16), every cell (m = 16) and the transformer (2 layers, up to 2 heads), in order.
     *
     * @return the contenders
     */
    static List<Contender> defaults() {
        List<Contender> out = new ArrayList<>();
        out.add(mlp(8, 16));
        for (CellType c : CellType.values()) out.add(recurrent(c, 16));
        out.add(transformer(2, 2));
        return out;
    }

    /**
     * The contender named s among the defaults (case-insensitive), or one line naming the choices.
     *
     * @param s the contender's name
     * @return the contender
     */
    static Contender of(String s) {
        List<String> names = new ArrayList<>();
        for (Contender c : defaults()) {
            if (c.name().equalsIgnoreCase(s.trim())) return c;
            names.add(c.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("unknown model '" + s + "'; expected one of " + names);
    }

    /**
     * The transformer (makemore's block: learned positions, residuals, LayerNorms) with a number of layers; the width
     * is n_embd, and the heads are the most of 1 … maxHeads that divide it (every width can be tried, so the parameter
     * count is matched as closely as one width step allows: the count grows as ~24·C², one step is a few percent).
     *
     * @param layers the number of blocks
     * @param maxHeads the most heads per block
     * @return the contender
     */
    static Contender transformer(int layers, int maxHeads) {
        return new TransformerContender(layers, maxHeads);
    }

    /**
     * The transformer with heads of a useful width: a number of layers, and as many heads as fit {@code headSize}
     * dimensions each (C / headSize rounded down, at least 1, the most that divide C): at C = 18 one head of 18, at
     * C = 44 two heads of 22. Narrow heads (makemore's C = 16 with 2 heads of 8) spend their dot products on too
     * few dimensions to tell positions apart.
     *
     * @param layers the number of blocks
     * @param headSize the width of a head
     * @return the contender
     */
    static Contender transformerWithHeadSize(int layers, int headSize) {
        return new HeadSizeTransformer(layers, headSize, false);
    }

    /**
     * The same, with the head tied to the token embedding (weight tying) when tied.
     *
     * @param layers the number of blocks
     * @param headSize the width of a head
     * @param tied whether the head is tied to the token embedding
     * @return the contender
     */
    static Contender transformerWithHeadSize(int layers, int headSize, boolean tied) {
        return new HeadSizeTransformer(layers, headSize, tied);
    }

    /**
     * An LSTM language model (m numbers per token, learned start) whose forget-gate bias b_f is set at
     * initialisation.
     *
     * @param embed m, the size of a token's vector
     * @param forgetBias b_f, the forget gate's bias at initialisation
     * @return the contender
     */
    static Contender lstm(int embed, double forgetBias) {
        return new LstmContender(embed, forgetBias);
    }

    /** The transformer sized by head width. */
    record HeadSizeTransformer(int layers, int headSize, boolean tied) implements Contender {
        public String name() {
            return tied ? "Transformer tied" : "Transformer";
        }

        public LanguageModel create(int V, int block, int width, long seed) {
            return new Transformer(config(V, block, width, seed));
        }

        public long numParams(int V, int block, int width) {
            return config(V, block, width, 0).numParams();
        }

        public String sizes(int width) {
            int h = heads(width);
            return layers + " layers, " + h + (h == 1 ? " head" : " heads") + " of " + width / h + ", C = " + width;
        }

        /**
         * The most heads ≤ max(1, C / headSize) that divide C.
         *
         * @param width C, n_embd
         * @return the number of heads
         */
        public int heads(int width) {
            int h = Math.max(1, width / headSize);
            while (width % h != 0) h--;
            return h;
        }

        private Transformer.Config config(int V, int block, int width, long seed) {
            Transformer.Config c = new Transformer.Config(V, block, layers, heads(width), width,
                    Transformer.Positions.LEARNED, true, true, seed);
            return tied ? c.withTiedWeights(true) : c;
        }
    }

    /** The LSTM with a forget-gate bias. */
    record LstmContender(int embed, double forgetBias) implements Contender {
        public String name() {
            return forgetBias == 1 ? "LSTM" : "LSTM b_f=" + (forgetBias == Math.rint(forgetBias)
                    ? String.valueOf((long) forgetBias) : String.valueOf(forgetBias));
        }

        public LanguageModel create(int V, int block, int width, long seed) {
            RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(V, CellType.LSTM, embed, width, true, seed));
            ((io.github.lmworkbook.cells.LstmCell) m.cell).setForgetBias(forgetBias);
            return m;
        }

        public long numParams(int V, int block, int width) {
            return new RecurrentLM.Config(V, CellType.LSTM, embed, width, true, 0).numParams();
        }

        public String sizes(int width) {
            return "m = " + embed + ", H = " + width + ", b_f = " + forgetBias;
        }

        public CellType cell() {
            return CellType.LSTM;
        }
    }

    /** The transformer contender. */
    record TransformerContender(int layers, int maxHeads) implements Contender {
        public String name() {
            return "Transformer";
        }

        public LanguageModel create(int V, int block, int width, long seed) {
            return new Transformer(config(V, block, width, seed));
        }

        public long numParams(int V, int block, int width) {
            return config(V, block, width, 0).numParams();
        }

        public String sizes(int width) {
            int h = heads(width);
            return layers + " layers, " + h + (h == 1 ? " head" : " heads") + ", C = " + width;
        }

        /** The most heads ≤ maxHeads that divide the width. */
        int heads(int width) {
            int h = maxHeads;
            while (width % h != 0) h--;
            return h;
        }

        private Transformer.Config config(int V, int block, int width, long seed) {
            return new Transformer.Config(V, block, layers, heads(width), width, Transformer.Positions.LEARNED, true,
                    true, seed);
        }
    }

    /** The MLP contender. */
    record MlpContender(int context, int embed) implements Contender {
        public String name() {
            return "MLP";
        }

        public LanguageModel create(int V, int block, int width, long seed) {
            return new Mlp(config(V, width, seed));
        }

        public long numParams(int V, int block, int width) {
            return config(V, width, 0).numParams();
        }

        public String sizes(int width) {
            return "n = " + context + ", m = " + embed + ", h = " + width;
        }

        private Mlp.Config config(int V, int width, long seed) {
            return new Mlp.Config(V, context, embed, width, false, seed);
        }
    }

    /** A recurrent contender. */
    record RecurrentContender(CellType cell, int embed) implements Contender {
        public String name() {
            return cell.name();
        }

        public LanguageModel create(int V, int block, int width, long seed) {
            return new RecurrentLM(config(V, width, seed));
        }

        public long numParams(int V, int block, int width) {
            return config(V, width, 0).numParams();
        }

        public String sizes(int width) {
            return "m = " + embed + ", H = " + width;
        }

        private RecurrentLM.Config config(int V, int width, long seed) {
            return new RecurrentLM.Config(V, cell, embed, width, true, seed);
        }
    }
}
