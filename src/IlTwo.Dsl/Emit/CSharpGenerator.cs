using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Lowering;
using IlTwo.Runtime.Protocols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

using BinaryOperator = IlTwo.Dsl.Syntax.BinaryOperator;

namespace IlTwo.Dsl.Emit;

/// <summary>
/// Builds the C# for one protocol with Roslyn's syntax factory: one class deriving from <see cref="ProtocolRules"/>.
/// Names in the generated code are fixed; everything a protocol author wrote reaches it only as a literal
/// (the JSON description, the #line file name), so no protocol text can ever become code.
/// </summary>
public static class CSharpGenerator
{
    public const string Namespace = "IlTwo.Generated";
    public const string ClassName = "CompiledRules";
    public const string FullTypeName = Namespace + "." + ClassName;

    private const string SnapshotParameter = "s";
    private const string ResultsParameter = "r";

    public static CompilationUnitSyntax Generate(ProtocolCompilation compilation, ProtocolInfo info)
    {
        var protocol = compilation.Protocol;
        var observations = protocol.Observations.Select((o, i) => (o, i)).ToDictionary(p => p.o, p => p.i);
        var events = protocol.Events.Select((e, i) => (e, i)).ToDictionary(p => p.e, p => p.i);
        var lineFile = Path.GetFileName(compilation.Text.Path) is { Length: > 0 } name ? name : "protocol.il2";
        var emitter = new ExpressionEmitter(observations, events);
        var slots = ConditionSlots.For(protocol);

        var statements = new List<StatementSyntax>();
        for (var i = 0; i < protocol.Rules.Length; i++)
        {
            var rule = protocol.Rules[i];
            var statement = ExpressionStatement(AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                ElementAccessExpression(IdentifierName(ResultsParameter)).WithArgumentList(BracketedArgumentList(SingletonSeparatedList(Argument(Literal(i))))),
                emitter.Truth(rule.Condition)));

            // #line maps the statement to the rule's condition in the .il2 file: stack traces and debuggers land there.
            var source = rule.Location.Source;
            var line = source.GetLinePosition(rule.Condition.Syntax?.Span.Start ?? rule.Location.Span.Start).Line + 1;
            var file = Path.GetFileName(source.Path) is { Length: > 0 } f ? f : lineFile;
            statement = statement.WithLeadingTrivia(Trivia(LineDirectiveTrivia(SyntaxFactory.Literal(line), LineFileName(file), true)));
            statements.Add(statement);
        }
        // The extra conditions (until, corrected when) after the rules, each only when the caller's span has its slot.
        for (var i = 0; i < protocol.Rules.Length; i++)
        {
            var rule = protocol.Rules[i];
            foreach (var (condition, slot) in new[] { (rule.Until, slots.Until.GetValueOrDefault(i, -1)), (rule.Correction, slots.Correction.GetValueOrDefault(i, -1)) })
            {
                if (condition is null || slot < 0)
                {
                    continue;
                }

                var assign = ExpressionStatement(AssignmentExpression(
                    SyntaxKind.SimpleAssignmentExpression,
                    ElementAccessExpression(IdentifierName(ResultsParameter)).WithArgumentList(BracketedArgumentList(SingletonSeparatedList(Argument(Literal(slot))))),
                    emitter.Truth(condition)));
                StatementSyntax guarded = IfStatement(
                    BinaryExpression(SyntaxKind.GreaterThanExpression,
                        MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(ResultsParameter), IdentifierName("Length")),
                        Literal(slot)),
                    assign);
                var source = rule.Location.Source;
                var line = source.GetLinePosition(condition.Syntax?.Span.Start ?? rule.Location.Span.Start).Line + 1;
                var file = Path.GetFileName(source.Path) is { Length: > 0 } f ? f : lineFile;
                statements.Add(guarded.WithLeadingTrivia(Trivia(LineDirectiveTrivia(SyntaxFactory.Literal(line), SyntaxFactory.Literal(file), true))));
            }
        }
        // Every patient value is read once, into a local, before the rules: the snapshot's window scans are not free,
        // and several rules read the same value (measured against a hand-written equivalent in bench/).
        statements.InsertRange(0, emitter.InputLocals().Select((local, i) => i == 0
            ? local.WithLeadingTrivia(Trivia(LineDirectiveTrivia(Token(SyntaxKind.HiddenKeyword), true)))
            : local));
        var body = Block(statements);
        if (statements.Count > 0)
        {
            body = body.WithCloseBraceToken(Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(Trivia(LineDirectiveTrivia(Token(SyntaxKind.DefaultKeyword), true))));
        }

        var infoField = FieldDeclaration(VariableDeclaration(Type("IlTwo.Runtime.Protocols.ProtocolInfo"))
                .WithVariables(SingletonSeparatedList(VariableDeclarator("s_info").WithInitializer(EqualsValueClause(
                    InvocationExpression(MemberAccess("IlTwo.Runtime.Protocols.ProtocolInfoJson", "Deserialize"))
                        .WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(Literal(ProtocolInfoJson.Serialize(info)))))))))))
            .WithModifiers(TokenList(Token(SyntaxKind.PrivateKeyword), Token(SyntaxKind.StaticKeyword), Token(SyntaxKind.ReadOnlyKeyword)));

        var infoProperty = PropertyDeclaration(Type("IlTwo.Runtime.Protocols.ProtocolInfo"), "Info")
            .WithModifiers(TokenList(Token(SyntaxKind.PublicKeyword), Token(SyntaxKind.OverrideKeyword)))
            .WithExpressionBody(ArrowExpressionClause(IdentifierName("s_info")))
            .WithSemicolonToken(Token(SyntaxKind.SemicolonToken));

        var evaluate = EvaluateMethod("EvaluateRules", body);
        var (pastPoint, pastPointObservations) = PastPoint(protocol, info, slots, observations, events);

        var @class = ClassDeclaration(ClassName)
            .WithModifiers(TokenList(Token(SyntaxKind.PublicKeyword), Token(SyntaxKind.SealedKeyword)))
            .WithBaseList(BaseList(SingletonSeparatedList<BaseTypeSyntax>(SimpleBaseType(Type("IlTwo.Runtime.Protocols.ProtocolRules")))))
            .WithMembers(List<MemberDeclarationSyntax>([infoField, infoProperty, evaluate, .. pastPoint, .. pastPointObservations]));

        var attribute = AttributeList(SingletonSeparatedList(CompiledProtocolAttribute(info)))
            .WithTarget(AttributeTargetSpecifier(Token(SyntaxKind.AssemblyKeyword)));

        return CompilationUnit()
            .WithAttributeLists(SingletonList(attribute))
            .WithMembers(SingletonList<MemberDeclarationSyntax>(FileScopedNamespaceDeclaration(ParseName(Namespace)).WithMembers(SingletonList<MemberDeclarationSyntax>(@class))))
            .WithLeadingTrivia(Comment("// <auto-generated>Generated by il2 from a protocol; do not edit.</auto-generated>"), CarriageReturnLineFeed)
            .NormalizeWhitespace(eol: "\n");
    }

    /// <summary><c>public override void NAME(PatientSnapshot s, Span&lt;Truth&gt; r) BODY</c>.</summary>
    private static MethodDeclarationSyntax EvaluateMethod(string name, BlockSyntax body) =>
        MethodDeclaration(PredefinedType(Token(SyntaxKind.VoidKeyword)), name)
            .WithModifiers(TokenList(Token(SyntaxKind.PublicKeyword), Token(SyntaxKind.OverrideKeyword)))
            .WithParameterList(ParameterList(SeparatedList(new[]
            {
                Parameter(Identifier(SnapshotParameter)).WithType(Type("IlTwo.Runtime.Evaluation.PatientSnapshot")),
                Parameter(Identifier(ResultsParameter)).WithType(
                    QualifiedName(AliasQualifiedName(IdentifierName(Token(SyntaxKind.GlobalKeyword)), IdentifierName("System")),
                        GenericName("Span").WithTypeArgumentList(TypeArgumentList(SingletonSeparatedList<TypeSyntax>(Type("IlTwo.Runtime.Evaluation.Truth")))))),
            })))
            .WithBody(body);

    /// <summary>
    /// <c>EvaluatePastPoint</c>: what the course layer reads at its earlier assessment points
    /// (<see cref="IlTwo.Runtime.Evaluation.CourseAssessment.PastPointSlots(ProtocolInfo)"/>: the course rules, the rules with
    /// persistence or correction, the extra conditions), with only the patient values those read; and
    /// <c>PastPointObservations</c>, the observations it reads, so a past point's snapshot looks up only their series.
    /// Hidden from the debugger and stack traces' line mapping (the rules' own lines are <c>EvaluateRules</c>').
    /// </summary>
    private static (MemberDeclarationSyntax[] Method, MemberDeclarationSyntax[] Observations) PastPoint(
        BoundProtocol protocol, ProtocolInfo info, ConditionSlots slots, Dictionary<ObservationSymbol, int> observations, Dictionary<EventSymbol, int> events)
    {
        var emitter = new ExpressionEmitter(observations, events);
        var statements = new List<StatementSyntax>();
        var extra = new Dictionary<int, BoundExpression>();
        for (var i = 0; i < protocol.Rules.Length; i++)
        {
            if (protocol.Rules[i].Until is { } until && slots.Until.TryGetValue(i, out var untilSlot))
            {
                extra[untilSlot] = until;
            }

            if (protocol.Rules[i].Correction is { } correction && slots.Correction.TryGetValue(i, out var correctionSlot))
            {
                extra[correctionSlot] = correction;
            }
        }
        foreach (var slot in IlTwo.Runtime.Evaluation.CourseAssessment.PastPointSlots(info))
        {
            ExpressionSyntax target = ElementAccessExpression(IdentifierName(ResultsParameter)).WithArgumentList(BracketedArgumentList(SingletonSeparatedList(Argument(Literal(slot)))));
            if (slot < protocol.Rules.Length)
            {
                statements.Add(ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, target, emitter.Truth(protocol.Rules[slot].Condition))));
            }
            else if (extra.TryGetValue(slot, out var condition))
            {
                statements.Add(IfStatement(
                    BinaryExpression(SyntaxKind.GreaterThanExpression,
                        MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(ResultsParameter), IdentifierName("Length")),
                        Literal(slot)),
                    ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, target, emitter.Truth(condition)))));
            }
        }
        statements.InsertRange(0, emitter.InputLocals());
        var body = Block(statements);
        if (statements.Count > 0)
        {
            body = body
                .WithOpenBraceToken(Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(Trivia(LineDirectiveTrivia(Token(SyntaxKind.HiddenKeyword), true))))
                .WithCloseBraceToken(Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(Trivia(LineDirectiveTrivia(Token(SyntaxKind.DefaultKeyword), true))));
        }

        // ReadOnlySpan<int> over a constant array: static data, no allocation per call.
        var span = QualifiedName(AliasQualifiedName(IdentifierName(Token(SyntaxKind.GlobalKeyword)), IdentifierName("System")),
            GenericName("ReadOnlySpan").WithTypeArgumentList(TypeArgumentList(SingletonSeparatedList<TypeSyntax>(PredefinedType(Token(SyntaxKind.IntKeyword))))));
        var read = emitter.ObservationsRead.Order().ToArray();
        var array = ArrayCreationExpression(ArrayType(PredefinedType(Token(SyntaxKind.IntKeyword))).WithRankSpecifiers(SingletonList(ArrayRankSpecifier(SingletonSeparatedList<ExpressionSyntax>(OmittedArraySizeExpression())))))
            .WithInitializer(InitializerExpression(SyntaxKind.ArrayInitializerExpression, SeparatedList<ExpressionSyntax>(read.Select(index => Literal(index)))));
        var property = PropertyDeclaration(span, "PastPointObservations")
            .WithModifiers(TokenList(Token(SyntaxKind.PublicKeyword), Token(SyntaxKind.OverrideKeyword)))
            .WithExpressionBody(ArrowExpressionClause(array))
            .WithSemicolonToken(Token(SyntaxKind.SemicolonToken));
        return ([EvaluateMethod("EvaluatePastPoint", body)], [property]);
    }

    private static AttributeSyntax CompiledProtocolAttribute(ProtocolInfo info) =>
        Attribute(Type("IlTwo.Runtime.Protocols.CompiledProtocolAttribute"))
            .WithArgumentList(AttributeArgumentList(SeparatedList(new[]
            {
                AttributeArgument(Literal(info.Id)),
                AttributeArgument(Literal(info.Version)),
                AttributeArgument(Literal(info.SourceHash)),
                AttributeArgument(Literal(info.CompilerVersion)),
                AttributeArgument(Literal(FullTypeName)),
            })));

    /// <summary>
    /// The file name token of a <c>#line</c> directive. Its text is not a C# string literal (no escapes: a backslash is
    /// itself, a quote or a line break ends the directive), so quotes, control and bidirectional-format characters are
    /// replaced by '_' and the token's text is written as is.
    /// </summary>
    internal static SyntaxToken LineFileName(string file)
    {
        var safe = new string([.. file.Select(c => c == '"' || char.IsControl(c) || Text.BidiControls.IsBidiControl(c) || c is '\u2028' or '\u2029' or '\u0085' ? '_' : c)]);
        return SyntaxFactory.Literal(SyntaxFactory.TriviaList(), "\"" + safe + "\"", safe, SyntaxFactory.TriviaList());
    }

    internal static LiteralExpressionSyntax Literal(string value) => LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(value));

    internal static LiteralExpressionSyntax Literal(int value) => LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value));

    internal static ExpressionSyntax Literal(double value)
    {
        if (double.IsNaN(value))
        {
            return MemberAccess("System.Double", "NaN");
        }

        if (double.IsPositiveInfinity(value))
        {
            return MemberAccess("System.Double", "PositiveInfinity");
        }

        if (double.IsNegativeInfinity(value))
        {
            return MemberAccess("System.Double", "NegativeInfinity");
        }

        var literal = LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(Math.Abs(value)));
        return value < 0 || (value == 0 && double.IsNegative(value)) ? PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, literal) : literal;
    }

    /// <summary>A fully qualified type name with <c>global::</c>.</summary>
    internal static NameSyntax Type(string fullName)
    {
        var parts = fullName.Split('.');
        NameSyntax name = AliasQualifiedName(IdentifierName(Token(SyntaxKind.GlobalKeyword)), IdentifierName(parts[0]));
        foreach (var part in parts.Skip(1))
        {
            name = QualifiedName(name, IdentifierName(part));
        }

        return name;
    }

    internal static MemberAccessExpressionSyntax MemberAccess(string type, string member) =>
        MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Type(type), IdentifierName(member));

    /// <summary>Emits bound expressions as C#: numbers as doubles in canonical units (NaN = unknown), conditions as Truth.</summary>
    private sealed class ExpressionEmitter(Dictionary<ObservationSymbol, int> observations, Dictionary<EventSymbol, int> events)
    {
        /// <summary>Guards <c>at least N of GROUP</c> against a cycle of counting rules (the binder reports one as an error).</summary>
        private readonly HashSet<string> _counting = new(StringComparer.Ordinal);

        private const string LogicType = "IlTwo.Runtime.Evaluation.Logic";

        private readonly Dictionary<string, (string Name, ExpressionSyntax Read)> _inputs = new(StringComparer.Ordinal);

        /// <summary>The observations (by index) whose series the emitted reads look up.</summary>
        public HashSet<int> ObservationsRead { get; } = [];

        /// <summary><c>double vN = s.Latest(3);</c> for every distinct patient value the rules read, in first-use order.</summary>
        public IEnumerable<StatementSyntax> InputLocals() => _inputs.Values.Select(input =>
            (StatementSyntax)LocalDeclarationStatement(VariableDeclaration(PredefinedType(Token(SyntaxKind.DoubleKeyword)))
                .WithVariables(SingletonSeparatedList(VariableDeclarator(input.Name).WithInitializer(EqualsValueClause(input.Read))))));

        /// <summary>A read of the snapshot, shared: the first use declares a local, later uses name it.</summary>
        private IdentifierNameSyntax Input(ExpressionSyntax read)
        {
            var key = read.NormalizeWhitespace().ToFullString();
            if (!_inputs.TryGetValue(key, out var input))
            {
                _inputs[key] = input = ($"v{_inputs.Count}", read);
            }

            return IdentifierName(input.Name);
        }

        public ExpressionSyntax Truth(BoundExpression expression) => expression switch
        {
            BoundBinary { Kind: BinaryOperator.And or BinaryOperator.Or } b => Call(b.Kind == BinaryOperator.And ? "And" : "Or", Truth(b.Left), Truth(b.Right)),
            BoundBinary b when Syntax.BinaryOperatorFacts.IsComparison(b.Kind) => Call(b.Kind.ToString(), Number(b.Left), Number(b.Right)),
            BoundNot n => Call("Not", Truth(n.Operand)),
            BoundIsFlag f => Call("Is", Number(f.Operand), LiteralExpression(f.Expected ? SyntaxKind.TrueLiteralExpression : SyntaxKind.FalseLiteralExpression)),
            BoundConstantReference c when c.Constant.Value is { } v => Truth(v),
            BoundAtLeast a => AtLeast(a),
            _ => expression.NodeKind switch
            {
                // every kind not matched above (no _: a new kind must be placed here or above)
                BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                    or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                    or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => Call("ToTruth", Number(expression)),
            },
        };

        /// <summary><c>Logic.AtLeast(n, member conditions...)</c>: the members' <c>when</c>s are evaluated inline.</summary>
        private InvocationExpressionSyntax AtLeast(BoundAtLeast a)
        {
            if (!_counting.Add(a.Group))
            {
                throw new InvalidOperationException($"group '{a.Group}' is counted through itself: the binder should have reported it");
            }

            try
            {
                var members = (a.Members.IsDefault ? [] : a.Members).Select(Truth).ToArray();
                return Call("AtLeast", [Literal(a.Count), .. members]);
            }
            finally
            {
                _counting.Remove(a.Group);
            }
        }

        public ExpressionSyntax Number(BoundExpression expression) => expression switch
        {
            BoundQuantityLiteral l => Literal(l.Value),
            BoundFlagLiteral f => Literal(f.Value ? 1.0 : 0.0),
            BoundConstantReference c when c.Constant.Value is { } v => Number(v),
            BoundObservationValue o => Input(Snapshot("Latest", Literal(Read(o.Observation)))),
            BoundBaseline b => Input(Snapshot("Baseline", Literal(Read(b.Observation)))),
            BoundAggregate a => Input(Snapshot(a.Kind.ToString(), Literal(Read(a.Observation)), Literal(a.WindowSeconds))),
            BoundWeight => Input(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(SnapshotParameter), IdentifierName("Weight"))),
            BoundDoses d => Input(CastExpression(PredefinedType(Token(SyntaxKind.DoubleKeyword)), MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(SnapshotParameter), IdentifierName(d.Held ? "DosesHeld" : "DosesGiven")))),
            BoundTimeSince t => Input(t.Kind switch
            {
                Syntax.TimeSinceKind.LastDose => Snapshot("TimeSinceLastDose"),
                Syntax.TimeSinceKind.FirstDose => Snapshot("TimeSinceFirstDose"),
                _ => Snapshot("TimeSinceEvent", Literal(events[t.Event!])),
            }),
            BoundNegate n => PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, ParenthesizedExpression(Number(n.Operand))),
            BoundBinary { Kind: BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Add or BinaryOperator.Subtract } b =>
                ParenthesizedExpression(BinaryExpression(
                    b.Kind switch
                    {
                        BinaryOperator.Multiply => SyntaxKind.MultiplyExpression,
                        BinaryOperator.Divide => SyntaxKind.DivideExpression,
                        BinaryOperator.Add => SyntaxKind.AddExpression,
                        _ => SyntaxKind.SubtractExpression,
                    },
                    Number(b.Left),
                    Number(b.Right))),
            _ when expression.Type is YesNoType => Call("FromTruth", Truth(expression)),
            _ => expression.NodeKind switch
            {
                // every kind not matched above (no _: a new kind must be placed here or above)
                BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                    or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                    or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => throw new InvalidOperationException($"cannot emit {expression.GetType().Name}: the binder should have reported it"),
            },
        };

        private int Read(ObservationSymbol observation)
        {
            var index = observations[observation];
            ObservationsRead.Add(index);
            return index;
        }

        private static InvocationExpressionSyntax Call(string method, params ExpressionSyntax[] arguments) =>
            InvocationExpression(MemberAccess(LogicType, method)).WithArgumentList(ArgumentList(SeparatedList(arguments.Select(Argument))));

        private static InvocationExpressionSyntax Snapshot(string method, params ExpressionSyntax[] arguments) =>
            InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(SnapshotParameter), IdentifierName(method)))
                .WithArgumentList(ArgumentList(SeparatedList(arguments.Select(Argument))));
    }
}
