using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Formatting;

/// <summary>Replace <see cref="Span"/> of the original text with <see cref="NewText"/>.</summary>
public sealed record TextEdit(TextSpan Span, string NewText);
