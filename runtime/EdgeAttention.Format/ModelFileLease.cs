namespace EdgeAttention.Format;

/// <summary>
/// A lease on a <see cref="ModelFile"/>'s native block, from <see cref="ModelFile.Lease"/>: while it is held the
/// block stays allocated, so spans and pointers into the file's tensors stay valid even after the file itself is
/// disposed. Dispose releases it (idempotent, thread-safe); the block is freed when the file is disposed and the
/// last lease is released. Forgetting to dispose a lease keeps the block until the process ends (no finalizer,
/// as for <see cref="ModelFile"/>).
/// </summary>
public sealed class ModelFileLease : IDisposable
{
    private ModelFile? _file;

    internal ModelFileLease(ModelFile file) => _file = file;

    /// <summary>The leased file (its metadata stays readable; tensor access throws once the file is disposed).</summary>
    public ModelFile File => Volatile.Read(ref _file) ?? throw new ObjectDisposedException(nameof(ModelFileLease));

    /// <summary>Releases the lease once; further calls do nothing.</summary>
    public void Dispose() => Interlocked.Exchange(ref _file, null)?.Release();
}
