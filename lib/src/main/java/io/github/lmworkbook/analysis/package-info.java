/**
 * Gradient flow through a recurrence: where does backpropagation through time break.
 *
 * <p>A recurrent model is seen as a map on its state, s_t = F(s_{t−1}, x_t) (a {@link
 * io.github.lmworkbook.cells.RecurrentCell}; for an LSTM the state is [h; c]). By the chain rule
 * <pre>
 *   ∂s_T/∂s_t = J_T · J_{T−1} ⋯ J_{t+1},      J_u = ∂s_u/∂s_{u−1}
 *   ‖∂s_T/∂s_t‖ ≤ Π ‖J_u‖ ≤ (γ·σ_max(W))^(T−t)   for s_u = φ(W s_{u−1} + U x_u), |φ′| ≤ γ
 * </pre>
 * so γ·σ_max(W) &lt; 1 is sufficient for vanishing gradients and γ·σ_max(W) &gt; 1 is necessary (not sufficient)
 * for exploding ones (Pascanu, Mikolov and Bengio 2013). {@link io.github.lmworkbook.analysis.GradientFlow}
 * measures ‖∂L/∂s_t‖, ‖∂s_T/∂s_t‖ and the singular values of every J_t and every product on one trajectory, and
 * {@link io.github.lmworkbook.analysis.GradientFlowReport} fits the per-step factor and draws the curves;
 * {@link io.github.lmworkbook.analysis.Spectra#tanhCell} is the tanh map the instrument is proved on.
 *
 * <pre>
 *   RnnCell map = Spectra.tanhCell(16, 4, 0.9, 1);              // W (16 × 16), σ_max(W) = 0.9
 *   GradientFlowReport r = GradientFlow.analyze(map, new Matrix(1, 16), Matrix.randn(50, 4, 1.0, new Random(2)),
 *                                               StateLoss.randomUnitAtEnd(16, 3));
 *   r.jacobianProductFit().factor();   // per-step factor, ≤ 0.9
 *   display(r.chart(0.9, Charts.WIDTH, Charts.HEIGHT)); display(r.html(), "text/html");
 * </pre>
 */
package io.github.lmworkbook.analysis;
