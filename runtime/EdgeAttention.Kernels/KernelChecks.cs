using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace EdgeAttention.Kernels;

/// <summary>Argument checks shared by the kernels: one-line messages naming the kernel, the problem and the fix.</summary>
internal static class KernelChecks
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SameLength(int a, int b, string kernel, string nameA, string nameB)
    {
        if (a != b) ThrowLength(kernel, nameA, a, nameB, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Elements(int actual, long expected, string kernel, string name, string shape)
    {
        if (actual != expected) ThrowShape(kernel, name, actual, expected, shape);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Bias(int biasLength, int rows, string kernel)
    {
        if (biasLength != 0 && biasLength != rows) ThrowBias(kernel, biasLength, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void NonNegative(int value, string kernel, string name)
    {
        if (value < 0) ThrowNegative(kernel, name, value);
    }

    /// <summary>A block count for kernels over independent blocks (e.g. one per attention head): blocks ≥ 1 and divides length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Blocks(int blocks, int length, string kernel, string name)
    {
        if (blocks <= 0 || length % blocks != 0) ThrowBlocks(kernel, name, length, blocks);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBlocks(string kernel, string name, int length, int blocks) =>
        throw new ArgumentException($"{kernel}: {name} has {length} elements, not a multiple of blocks = {blocks}; pass blocks ≥ 1 equal blocks.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(string kernel, string nameA, int a, string nameB, int b) =>
        throw new ArgumentException($"{kernel}: {nameA} has {a} elements but {nameB} has {b}; pass spans of equal length.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShape(string kernel, string name, int actual, long expected, string shape) =>
        throw new ArgumentException($"{kernel}: {name} has {actual} elements but its shape {shape} needs {expected}; pass a row-major buffer of exactly that size.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBias(string kernel, int biasLength, int rows) =>
        throw new ArgumentException($"{kernel}: bias has {biasLength} elements but the output has {rows} rows; pass an empty bias or one value per output row.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNegative(string kernel, string name, int value) =>
        throw new ArgumentOutOfRangeException(name, $"{kernel}: {name} = {value} is negative; matrix dimensions must be ≥ 0.");
}
