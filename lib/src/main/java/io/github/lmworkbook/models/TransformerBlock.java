package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;
import io.github.lmworkbook.layers.CausalSelfAttention;
import io.github.lmworkbook.layers.Dropout;
import io.github.lmworkbook.layers.Gelu;
import io.github.lmworkbook.layers.LayerNorm;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.layers.SequenceLayer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One transformer block, pre-LayerNorm as in GPT-2 (and makemore's {@code Block}): attention, then a
 * position-wise MLP, each reading a normalised copy of the residual stream x and adding its result back into it.
 * <pre>
 * x₁ = x  + attn(ln₁(x))                      x, x₁, x₂ (N × C)
 * x₂ = x₁ + mlp(ln₂(x₁))                      mlp(u) = gelu(u·W₁ + b₁)·W₂ + b₂,  W₁ (C × 4C), W₂ (4C × C)
 * </pre>
 * It has no math of its own beyond the two additions; backward is the layers' backwards in reverse, and an
 * addition passes its gradient to both of its inputs — the residual stream carries dx₂ straight through:
 * <pre>
 * dx₁ = dx₂ + ln₂ᵀ(mlpᵀ(dx₂))          dx = dx₁ + ln₁ᵀ(attnᵀ(dx₁))
 * </pre>
 * For the experiments, the residual connections ({@code residual = false}: x₁ = attn(ln₁(x)), x₂ = mlp(ln₂(x₁))) and
 * the LayerNorms ({@code layerNorm = false}: ln is the identity) can be left out.
 *
 * <h2>Post-LN and dropout</h2>
 * {@code postLayerNorm = true} puts each LayerNorm after its residual addition, as the original transformer (Vaswani
 * et al. 2017) and BERT do:
 * <pre>
 * x₁ = ln₁(x + attn(x))                x₂ = ln₂(x₁ + mlp(x₁))
 * dx₁ = ds₂ + mlpᵀ(ds₂), ds₂ = ln₂ᵀ(dx₂)          dx = ds₁ + attnᵀ(ds₁), ds₁ = ln₁ᵀ(dx₁)
 * </pre>
 * so that every gradient that reaches an earlier block has passed through every later LayerNorm: the residual
 * stream no longer carries dx₂ straight through (Xiong et al. 2020). With {@code dropout = p > 0}, the output of
 * attention and of the MLP each pass a {@link Dropout} before they are added to the stream (nanoGPT's
 * {@code resid_dropout}); with p = 0 there is no dropout layer and the block computes exactly what it did without
 * the option.
 */
public final class TransformerBlock implements SequenceLayer {
    /** The LayerNorms before the attention and the MLP (after the residual additions: post-LN); null without. */
    public final LayerNorm ln1, ln2;        // null without LayerNorm
    /** The causal self-attention. */
    public final CausalSelfAttention attn;
    /** The MLP's first layer W₁ (C × 4C), b₁. */
    public final Linear fc;                 // W₁ (C × 4C), b₁
    /** The MLP's GELU. */
    public final Gelu gelu = new Gelu();
    /** The MLP's second layer W₂ (4C × C), b₂. */
    public final Linear proj;               // W₂ (4C × C), b₂
    /** Whether the block adds its input back (x + attn(…), x + mlp(…)). */
    public final boolean residual;
    /** LayerNorm after each residual addition (true) or before each sub-layer (false, GPT-2's default). */
    public final boolean postLayerNorm;
    /** The dropouts after attention and after the MLP; null when p = 0. */
    public final Dropout drop1, drop2;      // after attention, after the MLP; null when p = 0
    private final List<Param> params;
    private final RowBuffer x1Buf, x2Buf, dx1Buf, dxBuf;   // (N × C) each

    /**
     * PyTorch's defaults, as makemore: LayerNorm γ = 1, β = 0; every Linear U(±1/√in).
     *
     * @param name      prefix of the parameter names ("h0" gives "h0.ln1.g", "h0.attn.qkv.W", "h0.mlp.fc.W", …)
     * @param C         the width of the residual stream (n_embd)
     * @param heads     attention heads (n_head)
     * @param blockSize the longest sequence
     * @param residual  the residual connections (true in every transformer)
     * @param layerNorm the two LayerNorms (true in every transformer)
     * @param rng       the random source of the initial weights
     */
    public TransformerBlock(String name, int C, int heads, int blockSize, boolean residual, boolean layerNorm,
                            Random rng) {
        this(name, C, heads, blockSize, residual, layerNorm, true, rng);
    }

    /**
     * As above; {@code bias = false} leaves out every bias of the block (the Linears' b and the LayerNorms' β),
     * as nanoGPT's {@code bias=False}.
     *
     * @param name prefix of the parameter names ("h0" gives "h0.ln1.g", "h0.attn.qkv.W", "h0.mlp.fc.W", …)
     * @param C the width of the residual stream (n_embd)
     * @param heads attention heads (n_head)
     * @param blockSize the longest sequence
     * @param residual the residual connections (true in every transformer)
     * @param layerNorm the two LayerNorms (true in every transformer)
     * @param bias the Linears' b and the LayerNorms' β (false: nanoGPT's {@code bias=False})
     * @param rng the random source of the initial weights
     */
    public TransformerBlock(String name, int C, int heads, int blockSize, boolean residual, boolean layerNorm,
                            boolean bias, Random rng) {
        this(name, C, heads, blockSize, residual, layerNorm, bias, false, 0.0, 0L, rng);
    }

    /**
     * With biases, the placement of the LayerNorms and dropout as in the constructor below.
     *
     * @param name prefix of the parameter names ("h0" gives "h0.ln1.g", "h0.attn.qkv.W", "h0.mlp.fc.W", …)
     * @param C the width of the residual stream (n_embd)
     * @param heads attention heads (n_head)
     * @param blockSize the longest sequence
     * @param residual the residual connections (true in every transformer)
     * @param layerNorm the two LayerNorms (true in every transformer)
     * @param postLayerNorm each LayerNorm after its residual addition (the original transformer) instead of before
     *     its sub-layer
     * @param dropout the drop probability after attention and after the MLP (0: no dropout layers)
     * @param dropoutSeed the seed of the dropout masks (the two layers get dropoutSeed and dropoutSeed + 1)
     * @param rng the random source of the initial weights
     */
    public TransformerBlock(String name, int C, int heads, int blockSize, boolean residual, boolean layerNorm,
                            boolean postLayerNorm, double dropout, long dropoutSeed, Random rng) {
        this(name, C, heads, blockSize, residual, layerNorm, true, postLayerNorm, dropout, dropoutSeed, rng);
    }

    /**
     * As above, with the biases, the placement of the LayerNorms and dropout.
     *
     * @param name          prefix of the parameter names ("h0" gives "h0.ln1.g", "h0.attn.qkv.W", "h0.mlp.fc.W", …)
     * @param C             the width of the residual stream (n_embd)
     * @param heads         attention heads (n_head)
     * @param blockSize     the longest sequence
     * @param residual      the residual connections (true in every transformer)
     * @param layerNorm     the two LayerNorms (true in every transformer)
     * @param bias          the Linears' b and the LayerNorms' β (false: nanoGPT's {@code bias=False})
     * @param postLayerNorm each LayerNorm after its residual addition (the original transformer) instead of before
     *                      its sub-layer
     * @param dropout       the drop probability after attention and after the MLP (0: no dropout layers)
     * @param dropoutSeed   the seed of the dropout masks (the two layers get dropoutSeed and dropoutSeed + 1)
     * @param rng           the random source of the initial weights
     */
    public TransformerBlock(String name, int C, int heads, int blockSize, boolean residual, boolean layerNorm,
                            boolean bias, boolean postLayerNorm, double dropout, long dropoutSeed, Random rng) {
        this.postLayerNorm = postLayerNorm;
        this.drop1 = dropout > 0 ? new Dropout(dropout, dropoutSeed) : null;
        this.drop2 = dropout > 0 ? new Dropout(dropout, dropoutSeed + 1) : null;
        this.ln1 = layerNorm ? new LayerNorm(name + ".ln1", C, LayerNorm.EPS, bias) : null;
        this.attn = new CausalSelfAttention(name + ".attn", C, heads, blockSize, bias, rng);
        this.ln2 = layerNorm ? new LayerNorm(name + ".ln2", C, LayerNorm.EPS, bias) : null;
        this.fc = new Linear(name + ".mlp.fc", C, 4 * C, bias, rng);
        this.proj = new Linear(name + ".mlp.proj", 4 * C, C, bias, rng);
        this.residual = residual;
        List<Param> ps = new ArrayList<>();
        if (ln1 != null) ps.addAll(ln1.params());
        ps.addAll(attn.params());
        if (ln2 != null) ps.addAll(ln2.params());
        ps.addAll(fc.params());
        ps.addAll(proj.params());
        this.params = List.copyOf(ps);
        this.x1Buf = new RowBuffer(C);
        this.x2Buf = new RowBuffer(C);
        this.dx1Buf = new RowBuffer(C);
        this.dxBuf = new RowBuffer(C);
    }

    @Override
    public List<Param> params() {
        return params;
    }

    /**
     * x₁ = x + attn(ln₁(x));  x₂ = x₁ + mlp(ln₂(x₁))
     * (post-LN: x₁ = ln₁(x + attn(x)), x₂ = ln₂(x₁ + mlp(x₁))).
     */
    @Override
    public Matrix forward(Matrix x, int[] lengths) {
        if (postLayerNorm) return forwardPost(x, lengths);
        Matrix a = attn.forward(ln1 == null ? x : ln1.forward(x), lengths);      // attn(ln₁(x))
        if (drop1 != null) a = drop1.forward(a);
        Matrix x1 = add(x1Buf, residual ? x : null, a);                          // x₁ = x + …
        Matrix m = proj.forward(gelu.forward(fc.forward(                          // mlp(ln₂(x₁))
                ln2 == null ? x1 : ln2.forward(x1))));
        if (drop2 != null) m = drop2.forward(m);
        return add(x2Buf, residual ? x1 : null, m);                              // x₂ = x₁ + …
    }

    /** Post-LN: x₁ = ln₁(x + attn(x));  x₂ = ln₂(x₁ + mlp(x₁)). */
    private Matrix forwardPost(Matrix x, int[] lengths) {
        Matrix a = attn.forward(x, lengths);                                     // attn(x)
        if (drop1 != null) a = drop1.forward(a);
        Matrix x1 = add(x1Buf, residual ? x : null, a);                          // x + attn(x)
        if (ln1 != null) x1 = ln1.forward(x1);                                   // x₁ = ln₁(…)
        Matrix m = proj.forward(gelu.forward(fc.forward(x1)));                   // mlp(x₁)
        if (drop2 != null) m = drop2.forward(m);
        Matrix x2 = add(x2Buf, residual ? x1 : null, m);                         // x₁ + mlp(x₁)
        return ln2 == null ? x2 : ln2.forward(x2);                               // x₂ = ln₂(…)
    }

    @Override
    public Matrix forward(Matrix x, int T) {
        if (T < 1 || x.rows % T != 0) {
            throw new IllegalArgumentException("TransformerBlock: " + x.rows
                    + " rows are not sequences of T = " + T + " positions");
        }
        return forward(x, uniformLengths(x.rows, T));
    }

    /** dx₁ = dx₂ + ln₂ᵀ(mlpᵀ(dx₂));  dx = dx₁ + ln₁ᵀ(attnᵀ(dx₁)). */
    @Override
    public Matrix backward(Matrix dx2) {
        if (postLayerNorm) return backwardPost(dx2);
        Matrix dm2 = drop2 == null ? dx2 : drop2.backward(dx2);
        Matrix dm = fc.backward(gelu.backward(proj.backward(dm2)));              // through the MLP
        if (ln2 != null) dm = ln2.backward(dm);
        Matrix dx1 = add(dx1Buf, residual ? dx2 : null, dm);                     // + the residual: dx₂
        Matrix da = attn.backward(drop1 == null ? dx1 : drop1.backward(dx1));    // through attention
        if (ln1 != null) da = ln1.backward(da);
        return add(dxBuf, residual ? dx1 : null, da);                            // + the residual: dx₁
    }

    /** Post-LN: ds₂ = ln₂ᵀ(dx₂), dx₁ = ds₂ + mlpᵀ(ds₂);  ds₁ = ln₁ᵀ(dx₁), dx = ds₁ + attnᵀ(ds₁). */
    private Matrix backwardPost(Matrix dx2) {
        Matrix ds2 = ln2 == null ? dx2 : ln2.backward(dx2);                      // through ln₂
        Matrix dm = fc.backward(gelu.backward(proj.backward(drop2 == null ? ds2 : drop2.backward(ds2))));
        Matrix dx1 = add(dx1Buf, residual ? ds2 : null, dm);                     // + the residual: ds₂
        Matrix ds1 = ln1 == null ? dx1 : ln1.backward(dx1);                      // through ln₁
        Matrix da = attn.backward(drop1 == null ? ds1 : drop1.backward(ds1));    // through attention
        return add(dxBuf, residual ? ds1 : null, da);                            // + the residual: ds₁
    }

    /**
     * Generation with a key–value cache: x (B × C) is one new position of each of B streams (the
     * next after those
     * in the cache); attention reads the cached keys and values of the earlier positions and
     * appends this one's
     * ({@link CausalSelfAttention#forwardCached}). The rest of the block is row by row, so the
     * result is the last
     * row of {@link #forward} over the whole prefix. No dropout (generation is evaluation).
     *
     * @param x one new position of each stream (B × C)
     * @param cache the streams' keys and values so far, appended to
     * @return the block's output for the new position (B × C), the block's buffer
     */
    public Matrix forwardCached(Matrix x, CausalSelfAttention.KvCache cache) {
        if (postLayerNorm) {
            Matrix x1 = add(x1Buf, residual ? x : null, attn.forwardCached(x, cache));
            if (ln1 != null) x1 = ln1.forward(x1);
            Matrix x2 = add(x2Buf, residual ? x1 : null, proj.forward(gelu.forward(fc.forward(x1))));
            return ln2 == null ? x2 : ln2.forward(x2);
        }
        Matrix a = attn.forwardCached(ln1 == null ? x : ln1.forward(x), cache);   // attn(ln₁(x))
        Matrix x1 = add(x1Buf, residual ? x : null, a);
        Matrix m = proj.forward(gelu.forward(fc.forward(ln2 == null ? x1 : ln2.forward(x1))));
        return add(x2Buf, residual ? x1 : null, m);
    }

    /**
     * Training (dropout masks drawn) or evaluation (dropout is the identity); nothing without dropout.
     *
     * @param on true for training
     */
    public void training(boolean on) {
        if (drop1 != null) {
            drop1.training(on);
            drop2.training(on);
        }
    }

    /**
     * Freezes (or thaws) the dropout masks, for a gradient check (see {@link Dropout#freeze}).
     *
     * @param on true to freeze the masks
     */
    public void freezeDropout(boolean on) {
        if (drop1 != null) {
            drop1.freeze(on);
            drop2.freeze(on);
        }
    }

    /** out = x + y (or y alone when x is null), into the buffer. */
    private static Matrix add(RowBuffer buf, Matrix x, Matrix y) {
        Matrix out = buf.rows(y.rows).setFrom(y);
        return x == null ? out : out.addInPlace(x);
    }

    private int[] uniform = new int[0];

    private int[] uniformLengths(int rows, int T) {
        int B = rows / T;
        if (uniform.length != B) uniform = new int[B];
        java.util.Arrays.fill(uniform, T);
        return uniform;
    }
}
