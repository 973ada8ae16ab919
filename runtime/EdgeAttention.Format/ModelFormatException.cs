namespace EdgeAttention.Format;

/// <summary>
/// A model, config, weights or array file is malformed, inconsistent or unsupported.
/// The message is one line: what is wrong (naming the file, field or tensor) and how to fix it.
/// </summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException(string message) : base(message) { }
    public ModelFormatException(string message, Exception inner) : base(message, inner) { }
}
