namespace IlTwo.Dsl.Formatting;

/// <summary>
/// The formatted text. A tree with syntax errors is never formatted: <see cref="Text"/> is then the input unchanged,
/// <see cref="Changed"/> is false and <see cref="HasSyntaxErrors"/> is true.
/// </summary>
public sealed record FormatResult(string Text, bool Changed, bool HasSyntaxErrors = false);
