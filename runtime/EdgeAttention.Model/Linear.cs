using EdgeAttention.Format;
using EdgeAttention.Kernels;

namespace EdgeAttention.Model;

/// <summary>
/// One <c>nn.Linear</c>: y = W x + b with W [Out, In] row-major, float32 or int8. The int8 form keeps the
/// per-output-row weight scales of the file and quantizes every input vector dynamically (one scale per
/// vector, <see cref="Quantize.Vector"/>), then y[r] = s_x · s_w[r] · Σ q_x q_w[r, :] + b[r] (<see cref="MatVecI8"/>).
/// Weights are copied out of the model file at load, so a session does not depend on the file's lifetime.
/// </summary>
internal sealed class Linear
{
    private readonly float[]? _w;       // [Out, In] float32
    private readonly sbyte[]? _q;       // [Out, In] int8
    private readonly float[]? _scales;  // [Out] per-row int8 scales
    private readonly float[] _bias;     // [Out]

    public int In { get; }
    public int Out { get; }
    public bool IsInt8 => _q is not null;

    private Linear(int rows, int cols, float[]? w, sbyte[]? q, float[]? scales, float[] bias)
    {
        Out = rows; In = cols; _w = w; _q = q; _scales = scales; _bias = bias;
    }

    /// <summary>Reads <paramref name="weightName"/> [rows, cols] (float32 or int8) and <paramref name="biasName"/> [rows] (float32).</summary>
    public static Linear Load(ModelFile file, string weightName, string biasName, int rows, int cols)
    {
        TensorInfo info = TensorReader.Require(file, weightName, rows, cols);
        float[] bias = TensorReader.Float32(file, biasName, rows);
        if (info.DType == TensorDType.Int8)
        {
            Int8Tensor t = file.GetInt8(weightName);
            if (t.Data.Length != rows * cols || t.Scales.Length != rows)
                throw new ModelFormatException($"tensor '{weightName}': int8 data/scales do not match shape [{rows}, {cols}]; re-convert the model.");
            float[] scales = t.Scales.ToArray();
            foreach (float s in scales)
                if (!float.IsFinite(s) || s < 0)
                    throw new ModelFormatException($"tensor '{weightName}': int8 scale {s} is not a finite non-negative number; re-convert the model.");
            return new Linear(rows, cols, null, t.Data.ToArray(), scales, bias);
        }
        float[] w = TensorReader.Float32(file, weightName, rows, cols);
        return new Linear(rows, cols, w, null, null, bias);
    }

    /// <summary>y = W x + b for all rows. <paramref name="scratch"/>: int8 input buffer, at least In long.</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y, Span<sbyte> scratch)
    {
        if (_q is null) MatVec.Compute(_w, x, _bias, y.Slice(0, Out));
        else
        {
            Span<sbyte> qx = scratch.Slice(0, In);
            float sx = Quantize.Vector(x, qx);
            MatVecI8.Compute(_q, _scales, qx, sx, _bias, y.Slice(0, Out));
        }
    }

    /// <summary>
    /// Output rows [first, first + count) of W x + b, for an input already prepared with <see cref="Prepare"/>
    /// (in_proj's q, k and v blocks share one quantized input).
    /// </summary>
    public void ApplyRows(ReadOnlySpan<float> x, ReadOnlySpan<sbyte> qx, float sx, int first, int count, Span<float> y)
    {
        if (_q is null)
            MatVec.Compute(_w.AsSpan(first * In, count * In), x, _bias.AsSpan(first, count), y.Slice(0, count));
        else
            MatVecI8.Compute(_q.AsSpan(first * In, count * In), _scales.AsSpan(first, count), qx.Slice(0, In), sx,
                _bias.AsSpan(first, count), y.Slice(0, count));
    }

    /// <summary>Quantizes x into scratch for the int8 form (returns its scale); a no-op returning 0 for float32.</summary>
    public float Prepare(ReadOnlySpan<float> x, Span<sbyte> scratch) =>
        _q is null ? 0f : Quantize.Vector(x, scratch.Slice(0, In));

    /// <summary>Bytes of weights and scales held (bias included).</summary>
    public long Bytes => (_w?.LongLength ?? 0) * 4 + (_q?.LongLength ?? 0) + (_scales?.LongLength ?? 0) * 4 + _bias.LongLength * 4;
}
