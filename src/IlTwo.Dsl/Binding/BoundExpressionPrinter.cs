using IlTwo.Dsl.Syntax;

namespace IlTwo.Dsl.Binding;

/// <summary>Prints a bound expression as the protocol wrote it (canonical layout), for messages, metadata and analysis keys.</summary>
public static class BoundExpressionPrinter
{
    public static string Print(BoundExpression expression) => expression.Syntax switch
    {
        ExpressionSyntax syntax => ExpressionPrinter.Print(syntax),
        QuantitySyntax quantity => ExpressionPrinter.Print(quantity),
        _ => expression.GetType().Name,
    };
}
