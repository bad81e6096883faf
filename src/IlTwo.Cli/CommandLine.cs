namespace IlTwo.Cli;

/// <summary>
/// The options and operands of one command, parsed against the options it declares. Options are <c>--name</c> or
/// <c>--name value</c> (also <c>--name=value</c>); <c>-h</c> is <c>--help</c>; <c>--</c> ends the options.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    private CommandLine()
    {
    }

    public List<string> Operands { get; } = [];

    public bool Help => _options.ContainsKey("help");

    public bool Has(string option) => _options.ContainsKey(option);

    public string? Value(string option) => _options.GetValueOrDefault(option);

    /// <summary>Parses <paramref name="args"/>; <paramref name="flags"/> take no value, <paramref name="valued"/> take one. Null with an error message on bad usage.</summary>
    public static CommandLine? Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> flags, IReadOnlyCollection<string> valued, out string? error)
    {
        var line = new CommandLine();
        error = null;
        var operandsOnly = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (operandsOnly || !arg.StartsWith('-') || arg == "-")
            {
                line.Operands.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                operandsOnly = true;
                continue;
            }
            if (arg is "-h" or "--help" or "-?")
            {
                line._options["help"] = null;
                continue;
            }
            var name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
                (name, value) = (name[..equals], name[(equals + 1)..]);
            if (flags.Contains(name) && value is null)
            {
                line._options[name] = null;
            }
            else if (valued.Contains(name))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Count)
                    {
                        error = $"option '--{name}' needs a value";
                        return null;
                    }
                    value = args[++i];
                }
                line._options[name] = value;
            }
            else
            {
                error = $"unknown option '{arg}'";
                return null;
            }
        }
        return line;
    }
}
