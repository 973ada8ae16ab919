namespace EdgeAttention.Bench;

/// <summary>edge-attention-bench: benchmarks (not timed tests). One subcommand per area; add a case per line.</summary>
public static class Program
{
    /// <summary>The subcommands, for usage messages (keep in step with the switch below).</summary>
    private const string Commands = "kernels|attention|model|frontend|memory";

    public static int Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "";
        string[] rest = args.Length > 0 ? args[1..] : [];
        switch (command)
        {
            // One line per subcommand: case "<name>": return <Area>Bench.Run(rest);
            case "kernels": return KernelBench.Run(rest);
            case "model": return ModelBench.Run(rest);
            case "attention": return AttentionBench.Run(rest);
            case "frontend": return FrontEndBench.Run(rest);
            case "memory": return MemoryBench.Run(rest);
            default:
                Console.Error.WriteLine(command.Length == 0
                    ? $"usage: edge-attention-bench <{Commands}> [options]; run a subcommand with --help for its options."
                    : $"edge-attention-bench: unknown subcommand '{command}'; use one of: {Commands}.");
                return 2;
        }
    }
}
