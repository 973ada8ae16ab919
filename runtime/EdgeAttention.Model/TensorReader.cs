using EdgeAttention.Format;

namespace EdgeAttention.Model;

/// <summary>Checked access to the tensors of a model file by contract §2 name and shape, in place (no copy).</summary>
internal static class TensorReader
{
    /// <summary>The tensor's info after checking that it exists and has exactly <paramref name="shape"/>.</summary>
    public static TensorInfo Require(ModelFile file, string name, params int[] shape)
    {
        if (!file.Contains(name))
            throw new ModelFormatException($"tensor '{name}' is missing from the model; re-convert it from a state_dict that has it (contract §2).");
        TensorInfo info = file.Info(name);
        if (!info.Shape.AsSpan().SequenceEqual(shape))
            throw new ModelFormatException(
                $"tensor '{name}' has shape [{string.Join(", ", info.Shape)}], the config needs [{string.Join(", ", shape)}]; fix model.json or the weights.");
        return info;
    }

    /// <summary>Float32 tensor <paramref name="name"/> of exactly <paramref name="shape"/>, finite, viewed in the file's block.</summary>
    public static InPlaceTensor<float> Float32(ModelFile file, string name, params int[] shape)
    {
        TensorInfo info = Require(file, name, shape);
        if (info.DType != TensorDType.Float32)
            throw new ModelFormatException($"tensor '{name}' is {info.DType}; only Linear weights may be int8, re-convert the model.");
        ReadOnlySpan<float> data = file.GetFloat32(name);
        int i = Kernels.Finite.IndexOfNonFinite(data);
        if (i >= 0)
            throw new ModelFormatException($"tensor '{name}' holds a non-finite value at element {i}; fix the weights.");
        return new InPlaceTensor<float>(data);
    }

    /// <summary>Like <see cref="Float32"/> for an optional tensor: <c>default</c> (not present) when absent.</summary>
    public static InPlaceTensor<float> OptionalFloat32(ModelFile file, string name, params int[] shape) =>
        file.Contains(name) ? Float32(file, name, shape) : default;
}
