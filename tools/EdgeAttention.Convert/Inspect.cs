using System.Globalization;
using EdgeAttention.Format;

namespace EdgeAttention.Convert;

/// <summary>`edge-attention-convert inspect model.eam`: config, tensor table (dtype, shape, parameters, bytes), totals, costs.</summary>
public static class Inspect
{
    public static void Print(string path, TextWriter o)
    {
        using ModelFile model = ModelFile.Open(path);
        ModelConfig c = model.Config;
        var ci = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(ci, $"file      {path}"));
        o.WriteLine(string.Create(ci, $"size      {model.FileBytes} bytes, CRC-32C 0x{model.Checksum:X8}, format .eam v1"));
        o.WriteLine(string.Create(ci, $"model     {c}"));
        o.WriteLine();
        int nameWidth = Math.Max(6, model.Tensors.Max(t => t.Name.Length));
        o.WriteLine($"{"tensor".PadRight(nameWidth)}  {"dtype",-7}  {"shape",-16}  {"params",10}  {"bytes",10}");
        long f32Params = 0, i8Params = 0, f32Bytes = 0, i8Bytes = 0;
        foreach (TensorInfo t in model.Tensors)
        {
            string shape = "[" + string.Join(", ", t.Shape) + "]";
            string dtype = t.DType == TensorDType.Int8 ? "int8" : "float32";
            o.WriteLine(string.Create(ci, $"{t.Name.PadRight(nameWidth)}  {dtype,-7}  {shape,-16}  {t.ElementCount,10}  {t.StoredBytes,10}"));
            if (t.DType == TensorDType.Int8) { i8Params += t.ElementCount; i8Bytes += t.StoredBytes; }
            else { f32Params += t.ElementCount; f32Bytes += t.StoredBytes; }
        }
        o.WriteLine();
        o.WriteLine(string.Create(ci, $"parameters {f32Params + i8Params} ({f32Params} float32, {i8Params} int8); tensor bytes {f32Bytes + i8Bytes} ({f32Bytes} float32, {i8Bytes} int8 incl. scales); file {model.FileBytes} bytes"));
        InspectCosts.PrintCosts(model, o);
    }
}
