/**
 * Gradient checking: is a hand-written backward pass right?
 *
 * <p>{@link io.github.lmworkbook.gradcheck.GradientChecker} compares each analytic gradient entry a with a
 * numeric one n (the five-point stencil, Richardson's extrapolation of central differences) and passes it when
 * <pre>
 *   |a − n|  ≤  z·(σ_n + ρ) + t + rtol·(|a| + |n|)        z = 10, rtol = 1e-7
 * </pre>
 * where σ_n is the round-off of n, measured from the loss's own rounding, t Richardson's estimate of the
 * truncation error and ρ the backward pass's round-off: the error the comparison itself can have, plus the
 * classic relative criterion. {@link io.github.lmworkbook.gradcheck.GradCheckReport} shows the worst entry by
 * this score and by plain relative error, and says in words why a parameter fails (a constant factor, a flipped
 * sign, a transpose, a missing term).
 *
 * <pre>
 *   GradientChecker.check(model, batch).assertPassed();
 *   display(GradientChecker.check(x -> f(x), x -> grad(x), x0).html(), "text/html");
 * </pre>
 * The package depends on {@code io.github.lmworkbook.core} only ({@code Model}, {@code Objective}).
 */
package io.github.lmworkbook.gradcheck;
