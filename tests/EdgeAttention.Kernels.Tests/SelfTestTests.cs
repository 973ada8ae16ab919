using System.Reflection;
using EdgeAttention.Kernels;
using Xunit.Abstractions;

namespace EdgeAttention.Kernels.Tests;

// Reflection over the kernel assembly is a test-only technique under the JIT; nothing here is trimmed or published.
#pragma warning disable IL2026, IL2070

public class SelfTestTests(ITestOutputHelper output)
{
    /// <summary>
    /// Every public static kernel method that takes a <see cref="KernelVariant"/> → the self-test line that checks it
    /// (float32/float64 kernels once per non-scalar float32 variant, int8 kernels once per non-scalar int8 variant).
    /// A new kernel entry point fails <see cref="EveryKernelEntryPointWithAVariantHasASelfTestLine"/> until it is
    /// listed here and checked by <see cref="KernelSelfTest.RunAll"/>.
    /// </summary>
    private static readonly Dictionary<string, (string Kernel, bool Int8)> SelfTestLines = new()
    {
        ["Activation.Gelu(KernelVariant, ReadOnlySpan<Single>, Span<Single>)"] = ("Gelu", false),
        ["Activation.Relu(KernelVariant, ReadOnlySpan<Single>, Span<Single>)"] = ("Relu", false),
        ["Axpy.Compute(KernelVariant, Single, ReadOnlySpan<Single>, Span<Single>)"] = ("Axpy", false),
        ["Dot.Compute(KernelVariant, ReadOnlySpan<Single>, ReadOnlySpan<Single>)"] = ("Dot", false),
        ["Exp64.NonPositive(KernelVariant, ReadOnlySpan<Double>, Span<Double>)"] = ("Exp64.NonPositive", false),
        ["Finite.IndexOfNonFinite(KernelVariant, ReadOnlySpan<Single>)"] = ("Finite.IndexOfNonFinite", false),
        ["Finite.AllWithin(KernelVariant, ReadOnlySpan<Single>, Single)"] = ("Finite.AllWithin", false),
        ["LayerNorm.Compute(KernelVariant, ReadOnlySpan<Single>, ReadOnlySpan<Single>, ReadOnlySpan<Single>, Single, Span<Single>)"] = ("LayerNorm", false),
        ["MatMul.Compute(KernelVariant, ReadOnlySpan<Single>, ReadOnlySpan<Single>, Span<Single>, Int32, Int32, Int32)"] = ("MatMul", false),
        ["MatMul.ComputeTransposedB(KernelVariant, ReadOnlySpan<Single>, ReadOnlySpan<Single>, Span<Single>, Int32, Int32, Int32)"] = ("MatMulTransposedB", false),
        ["MatVec.Compute(KernelVariant, ReadOnlySpan<Single>, ReadOnlySpan<Single>, ReadOnlySpan<Single>, Span<Single>)"] = ("MatVec", false),
        ["MatVecTransposed.Compute(KernelVariant, ReadOnlySpan<Single>, ReadOnlySpan<Single>, Span<Single>)"] = ("MatVecTransposed", false),
        ["MelFilterbank.Apply(KernelVariant, ReadOnlySpan<Single>, ReadOnlySpan<Single>, ReadOnlySpan<Int32>, ReadOnlySpan<Int32>, Span<Single>)"] = ("MelFilterbank", false),
        ["Precision.Widen(KernelVariant, ReadOnlySpan<Single>, Span<Double>, Boolean)"] = ("Precision.Widen", false),
        ["Precision.Narrow(KernelVariant, ReadOnlySpan<Double>, Span<Single>)"] = ("Precision.Narrow", false),
        ["Rank2Update.Compute(KernelVariant, Span<Double>, ReadOnlySpan<Double>, ReadOnlySpan<Double>, ReadOnlySpan<Double>, ReadOnlySpan<Double>, ReadOnlySpan<Double>)"] = ("Rank2Update", false),
        ["Rank2Update.ComputeBlocks(KernelVariant, Span<Double>, ReadOnlySpan<Double>, ReadOnlySpan<Double>, ReadOnlySpan<Double>, ReadOnlySpan<Double>, ReadOnlySpan<Double>, Int32)"] = ("Rank2Update.Blocks", false),
        ["RealFft.PowerSpectrum(KernelVariant, ReadOnlySpan<Double>, ReadOnlySpan<Double>, ReadOnlySpan<Int32>, Span<Double>, Span<Double>, Span<Single>)"] = ("RealFft", false),
        ["RowScale.Compute(KernelVariant, ReadOnlySpan<Single>, Single, Span<Single>)"] = ("RowScale", false),
        ["ShiftedTerms.Slide(KernelVariant, ReadOnlySpan<Double>, Span<Double>, Span<Double>, Span<Double>, Span<Double>, Span<Double>, Span<Double>, Span<Double>, Span<Double>, Double)"] = ("ShiftedTerms.Slide", false),
        ["Softmax.Compute(KernelVariant, ReadOnlySpan<Single>, Span<Single>)"] = ("Softmax", false),
        ["Softmax.ShiftedExp(KernelVariant, ReadOnlySpan<Single>, Single, Span<Single>)"] = ("Softmax.ShiftedExp", false),
        ["Softmax.ExpMaxShifted(KernelVariant, ReadOnlySpan<Double>, Double, Span<Double>)"] = ("Softmax.ExpMaxShifted", false),
        ["Softmax.ExpMaxShiftedBlocks(KernelVariant, ReadOnlySpan<Double>, Double, Span<Double>, Span<Double>)"] = ("Softmax.ExpMaxShiftedBlocks", false),
        ["VecMat.Compute(KernelVariant, ReadOnlySpan<Single>, ReadOnlySpan<Single>, Span<Single>, Span<Double>)"] = ("VecMat.f32", false),
        ["VecMat.Compute(KernelVariant, ReadOnlySpan<Double>, ReadOnlySpan<Double>, Double, ReadOnlySpan<Double>, Span<Double>)"] = ("VecMat.f64", false),
        ["VecMat.Compute(KernelVariant, ReadOnlySpan<Double>, Int32, ReadOnlySpan<Double>, Span<Double>)"] = ("VecMat.Strided.f64", false),
        ["VecMat.ComputeBlocks(KernelVariant, ReadOnlySpan<Single>, ReadOnlySpan<Single>, Span<Single>, Span<Double>, Int32)"] = ("VecMat.Blocks.f32", false),
        ["VecMat.ComputeBlocks(KernelVariant, ReadOnlySpan<Double>, ReadOnlySpan<Double>, ReadOnlySpan<Double>, ReadOnlySpan<Double>, Span<Double>, Int32)"] = ("VecMat.Blocks.f64", false),
        ["DotI8.Compute(KernelVariant, ReadOnlySpan<SByte>, ReadOnlySpan<SByte>)"] = ("DotI8", true),
        ["MatVecI8.Compute(KernelVariant, ReadOnlySpan<SByte>, ReadOnlySpan<Single>, ReadOnlySpan<SByte>, Single, ReadOnlySpan<Single>, Span<Single>)"] = ("MatVecI8", true),
        ["MatVecI8.Compute(KernelVariant, ReadOnlySpan<SByte>, ReadOnlySpan<Single>, ReadOnlySpan<Int32>, ReadOnlySpan<SByte>, Single, ReadOnlySpan<Single>, Span<Single>)"] = ("MatVecI8+rowsums", true),
        ["Quantize.Weights(KernelVariant, ReadOnlySpan<Single>, Int32, Int32, Span<SByte>, Span<Single>)"] = ("Quantize.Weights", true),
        ["Quantize.Vector(KernelVariant, ReadOnlySpan<Single>, Span<SByte>)"] = ("Quantize.Vector", true),
    };

    /// <summary>Classes with KernelVariant methods that are not kernels: the dispatch point and the self-test itself.</summary>
    private static readonly Type[] NotKernels = [typeof(KernelDispatch), typeof(KernelSelfTest)];

    [Fact]
    public void EveryAvailableVariantPassesTheSelfTest()
    {
        output.WriteLine(KernelDispatch.Describe());
        IReadOnlyList<KernelCheckResult> results = KernelSelfTest.RunAll();
        foreach (KernelCheckResult r in results) output.WriteLine(r.ToString());
        int float32Lines = SelfTestLines.Values.Count(l => !l.Int8), int8Lines = SelfTestLines.Values.Count(l => l.Int8);
        int expected = float32Lines * (KernelDispatch.AvailableFloat32.Count - 1) + int8Lines * (KernelDispatch.AvailableInt8.Count - 1);
        Assert.Equal(expected, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, r.ToString()));
        Assert.Equal(results.Count, results.Select(r => (r.Kernel, r.Variant)).Distinct().Count());   // one line per kernel and variant
    }

    [Fact]
    public void EveryKernelEntryPointWithAVariantHasASelfTestLine()
    {
        // The public static methods of the kernel classes taking a KernelVariant, as "Class.Method(parameter types)".
        string[] entryPoints = typeof(KernelVariant).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && !NotKernels.Contains(t))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(KernelVariant)))
            .Select(Signature)
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToArray();
        Assert.NotEmpty(entryPoints);
        string[] missing = entryPoints.Where(e => !SelfTestLines.ContainsKey(e)).ToArray();
        Assert.True(missing.Length == 0,
            "kernel entry points with a KernelVariant but no self-test line (check them in KernelSelfTest.RunAll and list them in SelfTestLines):\n" + string.Join('\n', missing));
        string[] stale = SelfTestLines.Keys.Where(k => !entryPoints.Contains(k)).ToArray();
        Assert.True(stale.Length == 0, "SelfTestLines lists methods that do not exist:\n" + string.Join('\n', stale));

        // Every listed line is produced for every non-scalar variant of its family, and nothing else is.
        IReadOnlyList<KernelCheckResult> results = KernelSelfTest.RunAll();
        var lines = results.Select(r => (r.Kernel, r.Variant)).ToHashSet();
        var expected = new HashSet<(string, KernelVariant)>();
        foreach ((string kernel, bool int8) in SelfTestLines.Values)
        {
            foreach (KernelVariant v in int8 ? KernelDispatch.AvailableInt8 : KernelDispatch.AvailableFloat32)
                if (v != KernelVariant.Scalar) expected.Add((kernel, v));
        }
        Assert.Equal(SelfTestLines.Count, SelfTestLines.Values.Select(l => l.Kernel).Distinct().Count());   // names unique
        Assert.Empty(expected.Except(lines));
        Assert.Empty(lines.Except(expected));
    }

    /// <summary>"Class.Method(T1, T2 …)" with generic arguments spelled out: "Span&lt;Single&gt;".</summary>
    private static string Signature(MethodInfo m) =>
        $"{m.DeclaringType!.Name}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => TypeName(p.ParameterType)))})";

    private static string TypeName(Type t) =>
        t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", t.GetGenericArguments().Select(TypeName))}>" : t.Name;
}
