package io.github.lmworkbook.core;

import java.util.Arrays;
import java.util.Random;

/**
 * A dense matrix of doubles, stored as one array per row ({@code data[i][j]}, shape rows × cols).
 *
 * <p>Rows as separate arrays is a choice made for the JIT: HotSpot's C2 vectorizes {@code c[j] += a * b[j]}
 * over row arrays but not the same loop over one flat array indexed with offsets (see
 * {@code ../shared/notes/performance.md}). Every hot loop in the library therefore runs over a row.
 *
 * <p>A vector is a matrix with one row (a bias {@code b} has shape 1 × n). Operations check shapes and
 * throw {@link IllegalArgumentException} naming the operation and both shapes. Products live in
 * {@link #matmul}, {@link #addMatmul}, {@link #addMatmulTransA} and {@link #addMatmulTransB}; they write into
 * an output the caller owns, so a training step allocates nothing.
 */
public final class Matrix {
    /** The number of rows. */
    public final int rows;
    /** The number of columns. */
    public final int cols;
    /** The values, data[i] is row i (length cols). */
    public final double[][] data;

    /**
     * A rows × cols matrix of zeros.
     *
     * @param rows the number of rows (≥ 0)
     * @param cols the number of columns (≥ 0)
     */
    public Matrix(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape (" + rows + "×" + cols + ")");
        }
        this.rows = rows;
        this.cols = cols;
        this.data = new double[rows][cols];
    }

    /**
     * Wraps the given rows (not copied); all rows must have the same length.
     *
     * @param data the rows, at least one, all of one length
     */
    public Matrix(double[][] data) {
        this.rows = data.length;
        this.cols = rows == 0 ? 0 : data[0].length;
        for (int i = 0; i < rows; i++) {
            if (data[i].length != cols) {
                throw new IllegalArgumentException("ragged rows: row 0 has " + cols + " values, row " + i
                        + " has " + data[i].length);
            }
        }
        this.data = data;
    }

    /**
     * Wraps the given rows (not copied), each of length cols; an empty array gives a (0 × cols) matrix.
     *
     * @param data the rows, each of length cols
     * @param cols the number of columns (needed when there are no rows)
     */
    public Matrix(double[][] data, int cols) {
        this.rows = data.length;
        this.cols = cols;
        for (int i = 0; i < rows; i++) {
            if (data[i].length != cols) {
                throw new IllegalArgumentException("ragged rows: expected " + cols + " values, row " + i + " has "
                        + data[i].length);
            }
        }
        this.data = data;
    }

    /**
     * Rows from … to−1 of this matrix as a matrix of their own; the rows are shared, not copied.
     *
     * @param from the first row taken
     * @param to one past the last row taken
     * @return the ((to − from) × cols) view
     */
    public Matrix rowRange(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IllegalArgumentException("rowRange: rows " + from + "…" + to + " outside " + shape());
        }
        return new Matrix(Arrays.copyOfRange(data, from, to), cols);
    }

    /**
     * The rows idx[0], idx[1], … of this matrix as a matrix of their own; the rows are shared, not copied. A
     * recurrent layer uses it to see step t of a batch-major (B·T × n) matrix as a (B × n) one: rows t, T+t, ….
     *
     * @param idx the indices of the rows taken, in order
     * @return the (idx.length × cols) view
     */
    public Matrix pickRows(int... idx) {
        double[][] picked = new double[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= rows) {
                throw new IllegalArgumentException("pickRows: row " + idx[i] + " outside " + shape());
            }
            picked[i] = data[idx[i]];
        }
        return new Matrix(picked, cols);
    }

    /**
     * A rows × cols matrix of zeros (the same as {@code new Matrix(rows, cols)}).
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @return the new matrix
     */
    public static Matrix zeros(int rows, int cols) {
        return new Matrix(rows, cols);
    }

    /**
     * A copy of the given rows.
     *
     * @param values the rows to copy, all of one length
     * @return the new matrix
     */
    public static Matrix of(double[][] values) {
        double[][] d = new double[values.length][];
        for (int i = 0; i < values.length; i++) d[i] = values[i].clone();
        return new Matrix(d);
    }

    /**
     * A 1 × n row vector holding a copy of v.
     *
     * @param v the entries
     * @return the (1 × v.length) matrix
     */
    public static Matrix row(double... v) {
        return new Matrix(new double[][] {v.clone()});
    }

    /**
     * Entries drawn from N(0, std²) with the given random source.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param std the standard deviation of every entry
     * @param rng the random source the entries are drawn from
     * @return the new matrix
     */
    public static Matrix randn(int rows, int cols, double std, Random rng) {
        Matrix m = new Matrix(rows, cols);
        for (double[] r : m.data) for (int j = 0; j < cols; j++) r[j] = std * rng.nextGaussian();
        return m;
    }

    /**
     * Entries drawn from U(-bound, bound).
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param bound the half-width of the interval
     * @param rng the random source the entries are drawn from
     * @return the new matrix
     */
    public static Matrix uniform(int rows, int cols, double bound, Random rng) {
        Matrix m = new Matrix(rows, cols);
        for (double[] r : m.data) for (int j = 0; j < cols; j++) r[j] = bound * (2 * rng.nextDouble() - 1);
        return m;
    }

    /**
     * The entry at row i, column j.
     *
     * @param i the row, 0-based
     * @param j the column, 0-based
     * @return the entry
     */
    public double get(int i, int j) {
        return data[i][j];
    }

    /**
     * Sets the entry at row i, column j to v.
     *
     * @param i the row, 0-based
     * @param j the column, 0-based
     * @param v the new value
     */
    public void set(int i, int j, double v) {
        data[i][j] = v;
    }

    /** {@return the number of entries, rows × cols} */
    public int size() {
        return rows * cols;
    }

    /**
     * "(rows×cols)", as used in every error message.
     *
     * @return the shape, e.g. "(32×27)"
     */
    public String shape() {
        return "(" + rows + "×" + cols + ")";
    }

    /**
     * Whether o has as many rows and columns as this matrix.
     *
     * @param o another matrix
     * @return true when the shapes are equal
     */
    public boolean sameShape(Matrix o) {
        return rows == o.rows && cols == o.cols;
    }

    /**
     * A copy with rows of its own.
     *
     * @return the copy
     */
    public Matrix copy() {
        return of(data);
    }

    /**
     * Copies o's values into this matrix (same shape).
     *
     * @param o the matrix copied (same shape)
     * @return this matrix
     */
    public Matrix setFrom(Matrix o) {
        requireSameShape("setFrom", this, o);
        for (int i = 0; i < rows; i++) System.arraycopy(o.data[i], 0, data[i], 0, cols);
        return this;
    }

    /**
     * Sets every entry to v; returns this matrix.
     *
     * @param v the value of every entry
     * @return this matrix
     */
    public Matrix fill(double v) {
        for (double[] r : data) Arrays.fill(r, v);
        return this;
    }

    /**
     * Sets every entry to 0; returns this matrix.
     *
     * @return this matrix
     */
    public Matrix zero() {
        return fill(0.0);
    }

    /**
     * this += o.
     *
     * @param o the matrix added (same shape)
     * @return this matrix
     */
    public Matrix addInPlace(Matrix o) {
        requireSameShape("add", this, o);
        for (int i = 0; i < rows; i++) {
            double[] r = data[i], s = o.data[i];
            for (int j = 0; j < cols; j++) r[j] += s[j];
        }
        return this;
    }

    /**
     * this += alpha · o.
     *
     * @param alpha the factor α
     * @param o the matrix scaled and added (same shape)
     * @return this matrix
     */
    public Matrix axpy(double alpha, Matrix o) {
        requireSameShape("axpy", this, o);
        for (int i = 0; i < rows; i++) {
            double[] r = data[i], s = o.data[i];
            for (int j = 0; j < cols; j++) r[j] += alpha * s[j];
        }
        return this;
    }

    /**
     * this *= alpha.
     *
     * @param alpha the factor α
     * @return this matrix
     */
    public Matrix scaleInPlace(double alpha) {
        for (double[] r : data) for (int j = 0; j < cols; j++) r[j] *= alpha;
        return this;
    }

    /**
     * this ⊙= o (elementwise product).
     *
     * @param o the matrix multiplied in, entry by entry (same shape)
     * @return this matrix
     */
    public Matrix mulInPlace(Matrix o) {
        requireSameShape("elementwise multiply", this, o);
        for (int i = 0; i < rows; i++) {
            double[] r = data[i], s = o.data[i];
            for (int j = 0; j < cols; j++) r[j] *= s[j];
        }
        return this;
    }

    /**
     * Adds the 1 × cols row vector v to every row (a bias broadcast over the batch).
     *
     * @param v the (1 × cols) row vector
     * @return this matrix
     */
    public Matrix addRowVector(Matrix v) {
        if (v.rows != 1 || v.cols != cols) {
            throw new IllegalArgumentException("addRowVector: expected a (1×" + cols + ") vector for a " + shape()
                    + " matrix, got " + v.shape());
        }
        double[] b = v.data[0];
        for (double[] r : data) for (int j = 0; j < cols; j++) r[j] += b[j];
        return this;
    }

    /**
     * out (1 × cols) += the sum of this matrix's rows (the bias gradient: db = Σ_rows dy).
     *
     * @param out the (1 × cols) row the column sums are added to
     */
    public void addColumnSumsTo(Matrix out) {
        if (out.rows != 1 || out.cols != cols) {
            throw new IllegalArgumentException("addColumnSumsTo: expected a (1×" + cols + ") output for a " + shape()
                    + " matrix, got " + out.shape());
        }
        double[] o = out.data[0];
        for (double[] r : data) for (int j = 0; j < cols; j++) o[j] += r[j];
    }

    /** {@return the sum of all entries} */
    public double sum() {
        double s = 0;
        for (double[] r : data) for (double v : r) s += v;
        return s;
    }

    /**
     * The sum of squares of all entries (‖·‖_F²).
     *
     * @return Σ x², the squared Frobenius norm
     */
    public double sumOfSquares() {
        double s = 0;
        for (double[] r : data) for (double v : r) s += v * v;
        return s;
    }

    /**
     * The Frobenius norm (the 2-norm for a vector).
     *
     * @return √(Σ x²)
     */
    public double norm() {
        return Math.sqrt(sumOfSquares());
    }

    /** {@return the largest absolute value of an entry (0 for an empty matrix)} */
    public double maxAbs() {
        double m = 0;
        for (double[] r : data) for (double v : r) m = Math.max(m, Math.abs(v));
        return m;
    }

    /**
     * True when every entry is finite (no NaN, no ±∞).
     *
     * @return true when every entry is finite
     */
    public boolean isFinite() {
        for (double[] r : data) for (double v : r) if (!Double.isFinite(v)) return false;
        return true;
    }

    /**
     * The transpose, a new (cols × rows) matrix.
     *
     * @return the new (cols × rows) matrix
     */
    public Matrix transpose() {
        Matrix t = new Matrix(cols, rows);
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t.data[j][i] = data[i][j];
        return t;
    }

    /**
     * A fresh matrix A·B.
     *
     * @param A the left factor (m × k)
     * @param B the right factor (k × n)
     * @return the new (m × n) product
     */
    public static Matrix matmul(Matrix A, Matrix B) {
        Matrix C = new Matrix(A.rows, B.cols);
        C.addMatmul(A, B);
        return C;
    }

    /**
     * this = A·B. The output must not be A or B (nor share their rows).
     *
     * @param A the left factor (m × k)
     * @param B the right factor (k × n)
     * @return this (m × n) matrix
     */
    public Matrix setMatmul(Matrix A, Matrix B) {
        if (A.cols != B.rows || rows != A.rows || cols != B.cols) {
            throw new IllegalArgumentException("matmul: cannot multiply " + A.shape() + " · " + B.shape()
                    + " into " + shape());
        }
        requireNotAliased("A·B", A, B);  // before C is written, which would wipe the input
        Kernels.setGemm(A.data, false, B.data, false, data, A.rows, A.cols, B.cols);   // zero, then C += A·B
        return this;
    }

    /**
     * this = A·Bᵀ, with A (m × k), B (n × k), this (m × n); the output must not share rows with A or B.
     *
     * @param A the left factor (m × k)
     * @param B the right factor (n × k), used transposed
     * @return this (m × n) matrix
     */
    public Matrix setMatmulTransB(Matrix A, Matrix B) {
        if (A.cols != B.cols || rows != A.rows || cols != B.rows) {
            throw new IllegalArgumentException("matmul: cannot multiply " + A.shape() + " · " + B.shape()
                    + "ᵀ into " + shape());
        }
        requireNotAliased("A·Bᵀ", A, B);
        Kernels.setGemm(A.data, false, B.data, true, data, A.rows, A.cols, B.rows);
        return this;
    }

    /**
     * this += A·B, with A (m × k), B (k × n), this (m × n). The output must not be A or B (nor share their rows).
     *
     * @param A the left factor (m × k)
     * @param B the right factor (k × n)
     * @return this (m × n) matrix
     */
    public Matrix addMatmul(Matrix A, Matrix B) {
        if (A.cols != B.rows || rows != A.rows || cols != B.cols) {
            throw new IllegalArgumentException("matmul: cannot multiply " + A.shape() + " · " + B.shape()
                    + " into " + shape());
        }
        requireNotAliased("A·B", A, B);
        Kernels.gemm(A.data, B.data, data, A.rows, A.cols, B.cols);
        return this;
    }

    /**
     * this += Aᵀ·B, with A (k × m), B (k × n), this (m × n). Used for weight gradients: dW += xᵀ·dy.
     *
     * @param A the left factor (k × m), used transposed (e.g. the layer's input x)
     * @param B the right factor (k × n) (e.g. the upstream gradient dy)
     * @return this (m × n) matrix
     */
    public Matrix addMatmulTransA(Matrix A, Matrix B) {
        if (A.rows != B.rows || rows != A.cols || cols != B.cols) {
            throw new IllegalArgumentException("matmul: cannot multiply " + A.shape() + "ᵀ · " + B.shape()
                    + " into " + shape());
        }
        requireNotAliased("Aᵀ·B", A, B);
        Kernels.gemmTransA(A.data, B.data, data, A.cols, A.rows, B.cols);
        return this;
    }

    /**
     * this += A·Bᵀ, with A (m × k), B (n × k), this (m × n). Used for input gradients: dx += dy·Wᵀ.
     *
     * @param A the left factor (m × k) (e.g. the upstream gradient dy)
     * @param B the right factor (n × k), used transposed (e.g. the weights W)
     * @return this (m × n) matrix
     */
    public Matrix addMatmulTransB(Matrix A, Matrix B) {
        if (A.cols != B.cols || rows != A.rows || cols != B.rows) {
            throw new IllegalArgumentException("matmul: cannot multiply " + A.shape() + " · " + B.shape()
                    + "ᵀ into " + shape());
        }
        requireNotAliased("A·Bᵀ", A, B);
        Kernels.gemmTransB(A.data, B.data, data, A.rows, A.cols, B.rows);
        return this;
    }

    /**
     * The kernels read A and B while they write this matrix, so an output that is (or shares rows with) an input
     * would be overwritten mid-product and give a wrong result. Refused, by reference comparisons: the same matrix,
     * the same row array, or the same first or last row (a view sharing rows).
     */
    private void requireNotAliased(String product, Matrix A, Matrix B) {
        String input = aliases(A) ? "A" : aliases(B) ? "B" : null;
        if (input != null) {
            throw new IllegalArgumentException("matmul " + product + ": the output " + shape() + " is also the input "
                    + input + " (or shares rows with it); write the product into another matrix");
        }
    }

    private boolean aliases(Matrix in) {
        if (in == this || in.data == data) return true;
        if (rows == 0 || in.rows == 0) return false;
        double[] first = data[0], last = data[rows - 1];
        return in.data[0] == first || in.data[0] == last || in.data[in.rows - 1] == first || in.data[in.rows - 1] == last;
    }

    static void requireSameShape(String op, Matrix a, Matrix b) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(op + ": shapes differ, " + a.shape() + " and " + b.shape());
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Matrix" + shape() + "\n");
        int rmax = Math.min(rows, 8), cmax = Math.min(cols, 8);
        for (int i = 0; i < rmax; i++) {
            sb.append("  [");
            for (int j = 0; j < cmax; j++) sb.append(String.format("%9.4f", data[i][j]));
            sb.append(cols > cmax ? "  …]\n" : "]\n");
        }
        if (rows > rmax) sb.append("  …\n");
        return sb.toString();
    }
}
