namespace IlTwo.Dsl.Formatting;

/// <summary>The few knobs of the one canonical layout.</summary>
public sealed record FormattingOptions
{
    public static FormattingOptions Default { get; } = new();

    /// <summary>Spaces per nesting level (block items, reference details).</summary>
    public int IndentSize { get; init; } = 2;

    /// <summary>The line break written after every line, the last one included.</summary>
    public string NewLine { get; init; } = "\n";
}
