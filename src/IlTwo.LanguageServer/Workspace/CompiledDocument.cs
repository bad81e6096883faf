using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Text;
using IlTwo.LanguageServer.Protocol;
using Range = IlTwo.LanguageServer.Protocol.Range;

namespace IlTwo.LanguageServer.Workspace;

/// <summary>An open document with its cached compilation, and the position conversions every handler needs.</summary>
public sealed record CompiledDocument(Uri Uri, ProtocolCompilation Compilation)
{
    public SourceText Text => Compilation.Text;

    public int ToOffset(Position position) => Text.GetOffset(new LinePosition(position.Line, position.Character));

    public Position ToPosition(int offset) => ToPosition(Text, offset);

    public Range ToRange(TextSpan span) => ToRange(Text, span);

    public static Position ToPosition(SourceText text, int offset)
    {
        var at = text.GetLinePosition(offset);
        return new Position(at.Line, at.Character);
    }

    public static Range ToRange(SourceText text, TextSpan span) => new(ToPosition(text, span.Start), ToPosition(text, span.End));
}
