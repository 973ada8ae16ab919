using System.Reflection;
using System.Runtime.Loader;
using EdgeAttention.Format;
using EdgeAttention.Kernels;

namespace EdgeAttention.Model.Tests;

// The load-context copies are a test-only technique under the JIT; nothing here is trimmed or published.
#pragma warning disable IL2026, IL2075, IL3000

/// <summary>
/// Whole int8 models under every int8 kernel variant this machine can run: KernelDispatch chooses once per process,
/// so each variant runs in its own collectible AssemblyLoadContext (a fresh copy of the runtime assemblies and of
/// this one) with EDGEATTN_KERNELS set before its dispatch is first used.
/// 1. float32 kernels fixed, int8 kernels varied (EDGEATTN_KERNELS=f:v): logits bit-identical to int8 = scalar.
/// 2. each variant as the device would force it (EDGEATTN_KERNELS=v): continual vs recompute passes <see cref="ExecutionCheck"/>.
/// Models: 2 layers, pre-norm, int8, each landmark mode (the user model's shape).
/// </summary>
public class Int8VariantParityTests
{
    private static readonly object EnvironmentLock = new();

    private static ModelConfig Shape(LandmarkMode mode) =>
        TestModels.Config(f: 6, d: 32, heads: 4, n: 50, layers: 2, ff: 64, norm: NormPlacement.Pre, period: 50,
            attention: AttentionKind.Nystrom, m: 8, mode: mode, classes: 4);

    /// <summary>Runs inside the isolated context: continual and recomputed logits of every Ready step, flattened.</summary>
    public static float[][] RunBoth(byte[] model, float[] frames, int features)
    {
        using ModelFile file = ModelFile.FromBytes(model);
        using var c = new Session(file, Execution.Continual);
        using var r = new Session(file, Execution.Recompute);
        var lc = new float[c.Classes];
        var lr = new float[r.Classes];
        var outC = new List<float>();
        var outR = new List<float>();
        for (int t = 0; t * features < frames.Length; t++)
        {
            ReadOnlySpan<float> frame = frames.AsSpan(t * features, features);
            StepStatus sc = c.Step(frame, lc), sr = r.Step(frame, lr);
            if (sc != sr) throw new InvalidOperationException($"step {t}: continual {sc}, recompute {sr}");
            if (sc != StepStatus.Ready) continue;
            outC.AddRange(lc);
            outR.AddRange(lr);
        }
        return [outC.ToArray(), outR.ToArray(), [(float)KernelDispatch.Float32, (float)KernelDispatch.Int8]];
    }

    private sealed class Isolated(string dir) : AssemblyLoadContext(isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            string path = Path.Combine(dir, name.Name + ".dll");
            return name.Name!.StartsWith("EdgeAttention.", StringComparison.Ordinal) && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }

    /// <summary>RunBoth in a fresh load context whose dispatch sees EDGEATTN_KERNELS = <paramref name="kernels"/>.</summary>
    private static float[][] RunIsolated(string kernels, byte[] model, float[] frames, int features)
    {
        _ = KernelDispatch.Int8;   // this context's dispatch is fixed before the variable changes
        string self = typeof(Int8VariantParityTests).Assembly.Location;
        var alc = new Isolated(Path.GetDirectoryName(self)!);
        lock (EnvironmentLock)
        {
            string? saved = Environment.GetEnvironmentVariable(KernelDispatch.EnvironmentVariable);
            try
            {
                Environment.SetEnvironmentVariable(KernelDispatch.EnvironmentVariable, kernels);
                Assembly copy = alc.LoadFromAssemblyPath(self);
                MethodInfo run = copy.GetType(typeof(Int8VariantParityTests).FullName!)!.GetMethod(nameof(RunBoth))!;
                return (float[][])run.Invoke(null, [model, frames, features])!;
            }
            finally
            {
                Environment.SetEnvironmentVariable(KernelDispatch.EnvironmentVariable, saved);
                alc.Unload();
            }
        }
    }

    private static float[] Stream(int seed) => TestModels.Frames(2 * 50 + 48, 6, seed).SelectMany(f => f).ToArray();

    [Theory]
    [InlineData(LandmarkMode.Window)]
    [InlineData(LandmarkMode.Continual)]
    [InlineData(LandmarkMode.Fixed)]
    public void Int8VariantsGiveBitIdenticalLogitsForTheSameFloat32Kernels(LandmarkMode mode)
    {
        byte[] model = SyntheticModel.CreateBytes(Shape(mode), 3, int8: true);
        float[] frames = Stream(4);
        string f = KernelDispatch.Name(KernelDispatch.AvailableFloat32[^1]);
        float[][] reference = RunIsolated($"{f}:scalar", model, frames, 6);
        Assert.Equal((float)KernelVariant.Scalar, reference[2][1]);
        foreach (KernelVariant v in KernelDispatch.AvailableInt8)
        {
            if (v == KernelVariant.Scalar) continue;
            float[][] got = RunIsolated($"{f}:{KernelDispatch.Name(v)}", model, frames, 6);
            Assert.Equal((float)v, got[2][1]);
            for (int k = 0; k < 2; k++)
            {
                Assert.Equal(reference[k].Length, got[k].Length);
                for (int i = 0; i < got[k].Length; i++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(reference[k][i]) == BitConverter.SingleToInt32Bits(got[k][i]),
                        $"{mode} float32={f} int8={v} {(k == 0 ? "continual" : "recompute")} logit {i}: {got[k][i]:R} vs scalar {reference[k][i]:R}");
                }
            }
        }
    }

    [Theory]
    [InlineData(LandmarkMode.Window)]
    [InlineData(LandmarkMode.Continual)]
    [InlineData(LandmarkMode.Fixed)]
    public void ContinualMatchesRecomputeUnderEveryVariant(LandmarkMode mode)
    {
        foreach (int seed in new[] { 1, 2 })
        {
            byte[] model = SyntheticModel.CreateBytes(Shape(mode), seed, int8: true);
            float[] frames = Stream(seed + 20);
            foreach (KernelVariant v in KernelDispatch.AvailableInt8)
            {
                float[][] got = RunIsolated(KernelDispatch.Name(v), model, frames, 6);
                var check = new ExecutionCheck(4, int8: true);
                for (int i = 0; i < got[0].Length; i += 4) check.Add(got[0].AsSpan(i, 4), got[1].AsSpan(i, 4));
                Assert.True(check.Passed, $"{mode} seed {seed} EDGEATTN_KERNELS={KernelDispatch.Name(v)}: {check.Describe()}");
            }
        }
    }
}
