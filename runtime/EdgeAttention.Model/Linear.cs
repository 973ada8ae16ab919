using EdgeAttention.Format;
using EdgeAttention.Kernels;

namespace EdgeAttention.Model;

/// <summary>
/// One <c>nn.Linear</c>: y = W x + b with W [Out, In] row-major, float32 or int8. The int8 form keeps the
/// per-output-row weight scales of the file and quantizes every input vector dynamically (one scale per
/// vector, <see cref="Quantize.Vector"/>), then y[r] = s_x · s_w[r] · Σ q_x q_w[r, :] + b[r] (<see cref="MatVecI8"/>).
/// Weights, scales and bias are used in place in the model file's native block (64-byte aligned, no copy); the
/// session's lease on the file keeps them valid. The int8 form also holds the weight row sums Σ_c q_w[r, c]
/// (<see cref="MatVecI8.RowSums"/>, 4 bytes per row, computed at load), which the AVX-VNNI kernel needs.
/// </summary>
internal sealed class Linear
{
    private readonly InPlaceTensor<float> _w;       // [Out, In] float32 (absent for int8)
    private readonly InPlaceTensor<sbyte> _q;       // [Out, In] int8 (absent for float32)
    private readonly InPlaceTensor<float> _scales;  // [Out] per-row int8 scales
    private readonly InPlaceTensor<float> _bias;    // [Out]
    private readonly int[] _rowSums;                // [Out] Σ_c q_w[r, c] (int8), empty for float32

    public int In { get; }
    public int Out { get; }
    public bool IsInt8 => _q.IsPresent;

    private Linear(int rows, int cols, InPlaceTensor<float> w, InPlaceTensor<sbyte> q, InPlaceTensor<float> scales, InPlaceTensor<float> bias)
    {
        Out = rows; In = cols; _w = w; _q = q; _scales = scales; _bias = bias;
        _rowSums = [];
        if (q.IsPresent)
        {
            _rowSums = new int[rows];
            MatVecI8.RowSums(q.Span, cols, _rowSums);
        }
    }

    /// <summary>
    /// Views <paramref name="weightName"/> [rows, cols] (float32 or int8) and <paramref name="biasName"/> [rows] (float32)
    /// in place; the reader has checked their shapes and values.
    /// </summary>
    public static Linear Load(ModelFile file, string weightName, string biasName, int rows, int cols)
    {
        InPlaceTensor<float> bias = TensorReader.Float32(file, biasName);
        if (file.Info(weightName).DType == TensorDType.Int8)
        {
            Int8Tensor t = file.GetInt8(weightName);
            return new Linear(rows, cols, default, new InPlaceTensor<sbyte>(t.Data), new InPlaceTensor<float>(t.Scales), bias);
        }
        return new Linear(rows, cols, TensorReader.Float32(file, weightName), default, default, bias);
    }

    /// <summary>y = W x + b for all rows. <paramref name="scratch"/>: int8 input buffer, at least In long.</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y, Span<sbyte> scratch)
    {
        if (!_q.IsPresent)
        {
            MatVec.Compute(_w.Span, x, _bias.Span, y.Slice(0, Out));
        }
        else
        {
            Span<sbyte> qx = scratch.Slice(0, In);
            float sx = Quantize.Vector(x, qx);
            MatVecI8.Compute(_q.Span, _scales.Span, _rowSums, qx, sx, _bias.Span, y.Slice(0, Out));
        }
    }

    /// <summary>
    /// Output rows [first, first + count) of W x + b, for an input already prepared with <see cref="Prepare"/>
    /// (in_proj's q, k and v blocks share one quantized input).
    /// </summary>
    public void ApplyRows(ReadOnlySpan<float> x, ReadOnlySpan<sbyte> qx, float sx, int first, int count, Span<float> y)
    {
        if (!_q.IsPresent)
        {
            MatVec.Compute(_w.Span.Slice(first * In, count * In), x, _bias.Span.Slice(first, count), y.Slice(0, count));
        }
        else
        {
            MatVecI8.Compute(_q.Span.Slice(first * In, count * In), _scales.Span.Slice(first, count), _rowSums.AsSpan(first, count), qx.Slice(0, In), sx,
                _bias.Span.Slice(first, count), y.Slice(0, count));
        }
    }

    /// <summary>Quantizes x into scratch for the int8 form (returns its scale); a no-op returning 0 for float32.</summary>
    public float Prepare(ReadOnlySpan<float> x, Span<sbyte> scratch) =>
        !_q.IsPresent ? 0f : Quantize.Vector(x, scratch.Slice(0, In));

    /// <summary>Bytes of weights and scales used (bias included), all in the model file's block.</summary>
    public long Bytes => _w.Bytes + _q.Bytes + _scales.Bytes + _bias.Bytes;

    /// <summary>The in-place regions (weight, scales, bias) with their addresses, for the in-place checks of the tests.</summary>
    public IEnumerable<(string What, nint Address, long Bytes)> Regions(string name)
    {
        if (_w.IsPresent) yield return (name + ".weight", _w.Address, _w.Bytes);
        if (_q.IsPresent) yield return (name + ".weight(int8)", _q.Address, _q.Bytes);
        if (_scales.IsPresent) yield return (name + ".scales", _scales.Address, _scales.Bytes);
        yield return (name + ".bias", _bias.Address, _bias.Bytes);
    }
}
