package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

import java.util.Random;

/**
 * How the weights of a {@link Linear} layer y = x·W + b (W: in × out) are drawn, by name — the variance argument:
 * for inputs x_k with mean 0 and variance v, independent of W, each output y_j = Σ_k x_k W_kj has
 * <pre>
 *   Var(y_j) = in · Var(W) · v             forward: keep the variance of the activations
 *   Var(dx_k) = out · Var(W) · Var(dy)     backward: keep the variance of the gradients
 * </pre>
 * <ul>
 *   <li>{@link #DEFAULT}: PyTorch's {@code nn.Linear} (and makemore's), W, b ~ U(±1/√in): Var(W) = 1/(3·in), so a
 *       linear layer divides the variance by 3 and a stack of them shrinks it geometrically.</li>
 *   <li>{@link #XAVIER} (Glorot &amp; Bengio 2010): Var(W) = gain²·2/(in + out), the compromise between the two
 *       conditions in·Var(W) = 1 and out·Var(W) = 1, drawn uniform: W ~ U(±gain·√(6/(in + out))); b = 0.</li>
 *   <li>{@link #KAIMING} (He et al. 2015): Var(W) = gain²/in, the forward condition with the non-linearity's gain:
 *       a ReLU zeroes half of its inputs, E[relu(z)²] = Var(z)/2, so gain² = 2 keeps E[y²] through ReLU layers;
 *       tanh's slope below 1 away from 0 asks for gain 5/3 (PyTorch's {@code calculate_gain}). Drawn normal:
 *       W ~ N(0, gain²/in); b = 0.</li>
 * </ul>
 * The static {@link #orthogonal} and {@link #identity} fill a square (or wide) block: the recurrent matrices of
 * {@code cells.RecurrentInit}.
 */
public enum Init {
    /** PyTorch's default: W, b ~ U(±1/√in). */
    DEFAULT,
    /** Glorot &amp; Bengio: W ~ U(±gain·√(6/(in + out))), b = 0. */
    XAVIER,
    /** He et al.: W ~ N(0, gain²/in), b = 0. */
    KAIMING;

    /** The gain of a linear layer (and of σ). */
    public static final double GAIN_LINEAR = 1.0;
    /** The gain for tanh, 5/3 (PyTorch's {@code calculate_gain('tanh')}). */
    public static final double GAIN_TANH = 5.0 / 3.0;
    /** The gain for ReLU, √2. */
    public static final double GAIN_RELU = Math.sqrt(2.0);

    /**
     * The standard deviation of W's entries under this scheme (DEFAULT ignores the gain:
     * 1/√(3·in)).
     *
     * @param in the fan-in, the rows of W
     * @param out the fan-out, the columns of W
     * @param gain the factor of the scheme (e.g. 5/3 for tanh)
     * @return the standard deviation of W's entries
     */
    public double std(int in, int out, double gain) {
        return switch (this) {
            case DEFAULT -> 1.0 / Math.sqrt(3.0 * in);
            case XAVIER -> gain * Math.sqrt(2.0 / (in + out));
            case KAIMING -> gain / Math.sqrt(in);
        };
    }

    /**
     * Draws W (and b) of the layer again under this scheme, from rng: DEFAULT draws W then b ~
     * U(±1/√in) (as the
     * constructor does), the others W as above and set b = 0.
     *
     * @param layer the layer whose W and b are drawn again
     * @param gain the factor of the scheme
     * @param rng the random source
     */
    public void apply(Linear layer, double gain, Random rng) {
        int in = layer.in, out = layer.out;
        double[][] W = layer.W.value.data;
        switch (this) {
            case DEFAULT -> {
                double bound = 1.0 / Math.sqrt(in);
                layer.W.value.setFrom(Matrix.uniform(in, out, bound, rng));
                if (layer.b != null) layer.b.value.setFrom(Matrix.uniform(1, out, bound, rng));
                return;
            }
            case XAVIER -> {
                double bound = gain * Math.sqrt(6.0 / (in + out));   // Var(U(±a)) = a²/3
                for (double[] row : W) {
                    for (int j = 0; j < out; j++) row[j] = (2 * rng.nextDouble() - 1) * bound;
                }
            }
            case KAIMING -> {
                double std = gain / Math.sqrt(in);
                for (double[] row : W) for (int j = 0; j < out; j++) row[j] = rng.nextGaussian() * std;
            }
        }
        if (layer.b != null) layer.b.value.zero();
    }

    /**
     * The scheme named s (case-insensitive: "default", "xavier" or "glorot", "kaiming" or "he").
     *
     * @param s the scheme's name
     * @return the scheme
     */
    public static Init of(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "default", "pytorch" -> DEFAULT;
            case "xavier", "glorot" -> XAVIER;
            case "kaiming", "he" -> KAIMING;
            default -> throw new IllegalArgumentException("unknown initialisation '" + s
                    + "'; expected default, xavier or kaiming");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Fills W (n × n) with gain·Q, Q a random orthogonal matrix (Saxe, McClelland &amp; Ganguli 2014): the QR
     * decomposition of a matrix of N(0, 1) entries, A = QR, with each column of Q multiplied by the sign of R's
     * diagonal entry so that Q is uniformly distributed (Haar) and not biased by the decomposition's convention.
     * Every singular value of Q is 1: the linear map preserves the norm of every vector, h·Q·Q·…·Q included, so
     * a product of T of them neither explodes nor vanishes. QᵀQ = I to round-off (~1e-15).
     *
     * @param W the square matrix filled in place (n × n)
     * @param gain the factor g of every singular value
     * @param rng the random source of the Gaussian matrix
     * @return W
     */
    public static Matrix orthogonal(Matrix W, double gain, Random rng) {
        if (W.rows != W.cols) {
            throw new IllegalArgumentException("orthogonal: W " + W.shape() + " must be square");
        }
        int n = W.rows;
        double[][] a = new double[n][n];
        for (double[] row : a) for (int j = 0; j < n; j++) row[j] = rng.nextGaussian();
        QRDecomposition qr = new QRDecomposition(new Array2DRowRealMatrix(a, false));
        RealMatrix Q = qr.getQ(), R = qr.getR();
        for (int j = 0; j < n; j++) {
            double s = R.getEntry(j, j) < 0 ? -gain : gain;             // Q·diag(sign(diag R)): Haar
            for (int i = 0; i < n; i++) W.data[i][j] = s * Q.getEntry(i, j);
        }
        return W;
    }

    /**
     * Fills W (n × n) with scale·I.
     *
     * @param W the square matrix filled in place (n × n)
     * @param scale the diagonal value
     * @return W
     */
    public static Matrix identity(Matrix W, double scale) {
        if (W.rows != W.cols) throw new IllegalArgumentException("identity: W " + W.shape() + " must be square");
        W.zero();
        for (int i = 0; i < W.rows; i++) W.data[i][i] = scale;
        return W;
    }
}
