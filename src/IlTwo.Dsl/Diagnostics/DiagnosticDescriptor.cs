namespace IlTwo.Dsl.Diagnostics;

/// <summary>A kind of diagnostic: its stable code, default severity and a one-line title for docs.</summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity Severity, string Title);
