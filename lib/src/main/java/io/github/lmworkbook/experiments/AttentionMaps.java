package io.github.lmworkbook.experiments;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.layers.CausalSelfAttention;
import io.github.lmworkbook.models.Transformer;

import java.util.ArrayList;
import java.util.List;

/**
 * What the heads of a transformer attend to: the weights of every head of every layer over one sequence (for
 * heatmaps), and, over a data set, how much weight each head puts on the previous position, on the first position
 * (the start token of a name) and on the position itself — the usual signatures of specialised heads.
 */
public final class AttentionMaps {
    private AttentionMaps() {}

    /** One head's mean weights over every position i ≥ 1 of the data: on i − 1, on 0, on i itself. */
    public record HeadStats(int layer, int head, double previous, double first, double self) {
        /**
         * "previous token", "first token", "itself" when that share is above one half, else "mixed".
         *
         * @return the head's role
         */
        public String role() {
            if (previous > 0.5) return "previous token";
            if (first > 0.5) return "first token";
            if (self > 0.5) return "itself";
            return "mixed";
        }
    }

    /**
     * The weights of every head of every layer over one sequence of tokens (at most the block size), layer by layer,
     * head by head: entry [l·heads + h] is an (L × L) matrix whose row i is a_i (zero above the diagonal).
     *
     * @param m the transformer
     * @param tokens the sequence, at most the block size
     * @return the (L × L) weights of every head
     */
    public static List<Matrix> of(Transformer m, int[] tokens) {
        m.nextLogits(new int[][] {tokens}, new Matrix(1, m.V));
        List<Matrix> out = new ArrayList<>();
        for (var block : m.blocks) {
            CausalSelfAttention a = block.attn;
            for (int h = 0; h < a.heads; h++) out.add(a.weights(0, h));
        }
        return out;
    }

    /**
     * The mean weights on the previous position, the first position and the position itself, of every head. A large
     * batch is read in chunks of whole sequences of at most {@link Transformer#MAX_ROWS} rows (the same sums in the
     * same order), so that the model does not keep buffers for the whole batch.
     *
     * @param m the transformer
     * @param data the batches read
     * @return one entry per head, layer by layer
     */
    public static List<HeadStats> stats(Transformer m, Iterable<Batch> data) {
        int layers = m.blocks.size(), heads = layers == 0 ? 0 : m.blocks.get(0).attn.heads;
        double[][] prev = new double[layers][heads], first = new double[layers][heads], self = new double[layers][heads];
        long count = 0;
        List<Batch> chunks = new ArrayList<>();
        for (Batch batch : data) {
            int per = Math.max(1, Transformer.MAX_ROWS / Math.max(1, batch.length()));
            for (int from = 0; from < batch.size(); from += per) {
                chunks.add(batch.slice(from, Math.min(batch.size(), from + per)));
            }
        }
        for (Batch batch : chunks) {
            m.forward(batch);
            int[] lengths = m.rowsOf();
            for (int b = 0; b < lengths.length; b++) {
                if (lengths[b] < 2) continue;
                for (int l = 0; l < layers; l++) {
                    for (int h = 0; h < heads; h++) {
                        Matrix w = m.blocks.get(l).attn.weights(b, h);
                        for (int i = 1; i < lengths[b]; i++) {
                            prev[l][h] += w.data[i][i - 1];
                            first[l][h] += w.data[i][0];
                            self[l][h] += w.data[i][i];
                        }
                    }
                }
                count += lengths[b] - 1;
            }
        }
        List<HeadStats> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                out.add(new HeadStats(l, h, prev[l][h] / count, first[l][h] / count, self[l][h] / count));
            }
        }
        return out;
    }
}
