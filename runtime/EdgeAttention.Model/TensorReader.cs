using EdgeAttention.Format;

namespace EdgeAttention.Model;

/// <summary>
/// In-place views of a model file's tensors by models/README.md §2 name (no copy). Nothing is checked here: the reader
/// (<see cref="ModelFile"/>) has already checked every tensor's presence, shape, dtype and values against the config.
/// </summary>
internal static class TensorReader
{
    /// <summary>Float32 tensor <paramref name="name"/>, viewed in the file's block.</summary>
    public static InPlaceTensor<float> Float32(ModelFile file, string name) => new(file.GetFloat32(name));

    /// <summary>Like <see cref="Float32"/> for an optional tensor: <c>default</c> (not present) when absent.</summary>
    public static InPlaceTensor<float> OptionalFloat32(ModelFile file, string name) =>
        file.Contains(name) ? Float32(file, name) : default;
}
