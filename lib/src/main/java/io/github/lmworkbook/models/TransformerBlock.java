package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;
import io.github.lmworkbook.layers.CausalSelfAttention;
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
 */
public final class TransformerBlock implements SequenceLayer {
    /** The LayerNorms before the attention and before the MLP; null without LayerNorm. */
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
     */
    public TransformerBlock(String name, int C, int heads, int blockSize, boolean residual, boolean layerNorm,
                            Random rng) {
        this(name, C, heads, blockSize, residual, layerNorm, true, rng);
    }

    /**
     * As above; {@code bias = false} leaves out every bias of the block (the Linears' b and the LayerNorms' β),
     * as nanoGPT's {@code bias=False}.
     */
    public TransformerBlock(String name, int C, int heads, int blockSize, boolean residual, boolean layerNorm,
                            boolean bias, Random rng) {
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

    /** x₁ = x + attn(ln₁(x));  x₂ = x₁ + mlp(ln₂(x₁)). */
    @Override
    public Matrix forward(Matrix x, int[] lengths) {
        Matrix a = attn.forward(ln1 == null ? x : ln1.forward(x), lengths);      // attn(ln₁(x))
        Matrix x1 = add(x1Buf, residual ? x : null, a);                          // x₁ = x + …
        Matrix m = proj.forward(gelu.forward(fc.forward(                          // mlp(ln₂(x₁))
                ln2 == null ? x1 : ln2.forward(x1))));
        return add(x2Buf, residual ? x1 : null, m);                              // x₂ = x₁ + …
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
        Matrix dm = fc.backward(gelu.backward(proj.backward(dx2)));              // through the MLP
        if (ln2 != null) dm = ln2.backward(dm);
        Matrix dx1 = add(dx1Buf, residual ? dx2 : null, dm);                     // + the residual: dx₂
        Matrix da = attn.backward(dx1);                                          // through attention
        if (ln1 != null) da = ln1.backward(da);
        return add(dxBuf, residual ? dx1 : null, da);                            // + the residual: dx₁
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
