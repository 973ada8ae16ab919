using System.Runtime.Intrinsics;

namespace EdgeAttention.Kernels;

/// <summary>Element-wise activations (float32); x may be the same span as y.</summary>
public static partial class Activation
{
    /// <summary>GELU, exact erf form: y = ½ x (1 + erf(x/√2)) (PyTorch default), dispatched variant.</summary>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "Gelu", "x", "y");
        RunGelu(KernelDispatch.Float32, x, y);
    }

    /// <summary>GELU with an explicit variant.</summary>
    public static void Gelu(KernelVariant variant, ReadOnlySpan<float> x, Span<float> y)
    {
        KernelDispatch.RequireFloat32(variant, "Gelu");
        KernelChecks.SameLength(x.Length, y.Length, "Gelu", "x", "y");
        RunGelu(variant, x, y);
    }

    /// <summary>ReLU y = max(x, 0), dispatched variant.</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        KernelChecks.SameLength(x.Length, y.Length, "Relu", "x", "y");
        RunRelu(KernelDispatch.Float32, x, y);
    }

    /// <summary>ReLU with an explicit variant.</summary>
    public static void Relu(KernelVariant variant, ReadOnlySpan<float> x, Span<float> y)
    {
        KernelDispatch.RequireFloat32(variant, "Relu");
        KernelChecks.SameLength(x.Length, y.Length, "Relu", "x", "y");
        RunRelu(variant, x, y);
    }

    private static void RunGelu(KernelVariant variant, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableGeluCore<W256, Vector256<float>>(x, y); break;
            case KernelVariant.Vector128: PortableGeluCore<W128, Vector128<float>>(x, y); break;
            default: ScalarGeluCore(x, y); break;
        }
    }

    private static void RunRelu(KernelVariant variant, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (variant)
        {
            case KernelVariant.Vector256: PortableReluCore<W256, Vector256<float>>(x, y); break;
            case KernelVariant.Vector128: PortableReluCore<W128, Vector128<float>>(x, y); break;
            default: ScalarReluCore(x, y); break;
        }
    }
}
