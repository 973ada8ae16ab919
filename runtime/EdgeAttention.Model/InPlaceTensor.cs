using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeAttention.Model;

/// <summary>
/// A read-only view of <see cref="Length"/> elements inside a <c>ModelFile</c>'s native block: the weights are used
/// in place (no copy). A struct of pointer + length because a span cannot be a field of a class; spans are created per
/// call (no allocation). Valid while the block is allocated — the <see cref="Session"/> holding it takes a lease on the
/// file for its lifetime. <c>default</c> stands for an absent optional tensor.
/// </summary>
internal readonly unsafe struct InPlaceTensor<T> where T : unmanaged
{
    private readonly T* _p;

    /// <summary>Views <paramref name="span"/>, which must lie in native (unmovable) memory.</summary>
    public InPlaceTensor(ReadOnlySpan<T> span)
    {
        _p = (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
        Length = span.Length;
    }

    public int Length { get; }
    public bool IsPresent => _p != null;
    public ReadOnlySpan<T> Span => new(_p, Length);
    /// <summary>Address of element 0 (tests check that it lies inside the file's block).</summary>
    public nint Address => (nint)_p;
    public long Bytes => (long)Length * sizeof(T);
}
