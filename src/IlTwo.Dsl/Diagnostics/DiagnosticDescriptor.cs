using System.Globalization;

namespace IlTwo.Dsl.Diagnostics;

/// <summary>
/// A kind of diagnostic: its stable code, default severity, a one-line title, and the message template every
/// report of the code is written from (a composite format: <c>{0}</c>, <c>{1}</c> are the values the typed
/// <c>DiagnosticBag.Report…</c> method passes). <see cref="Description"/> and <see cref="Fix"/> are the reviewed prose of
/// the code's documentation page (docs/diagnostics/ILxxxx.md).
/// </summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity Severity, string Title, string MessageFormat)
{
    /// <summary>What the diagnostic means, for the documentation page: one short paragraph.</summary>
    public string Description { get; init; } = "";

    /// <summary>How to resolve it, for the documentation page: one short paragraph.</summary>
    public string Fix { get; init; } = "";

    /// <summary>The message for one report: <see cref="MessageFormat"/> with the values filled in (invariant culture).</summary>
    public string FormatMessage(params object?[] arguments) => string.Format(CultureInfo.InvariantCulture, MessageFormat, arguments);
}
