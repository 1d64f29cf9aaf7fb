package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Model;

/**
 * Adam (Kingma &amp; Ba 2015): {@link AdamW} with λ = 0, β₁ = 0.9, β₂ = 0.99, ε = 1e-8 unless set otherwise
 * (use {@link #betas} for the paper's β₂ = 0.999).
 */
public class Adam extends AdamW {
    /**
     * Adam on every parameter of the model at learning rate lr (makemore's β₁, β₂, ε; no weight decay).
     *
     * @param model the model whose every parameter {@link #step()} updates
     * @param lr the learning rate η (finite, &gt; 0)
     */
    public Adam(Model model, double lr) {
        super(model, lr, 0.0);
    }
}
