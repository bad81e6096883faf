using System.Reflection;
using System.Reflection.Emit;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Evaluation;
using IlTwo.Dsl.Lowering;

namespace IlTwo.Dsl.Tests.Architecture;

/// <summary>
/// The folders of IlTwo.Dsl read as its pipeline, and each may use only the folders below it: read by reflection over
/// the built assembly (signatures and every method body), so a new reference upwards — a new namespace cycle — fails here.
/// </summary>
public sealed class NamespaceDependencyTests
{
    /// <summary>Lowest first. A folder may reference itself and any folder before it, never one after it.</summary>
    private static readonly string[] Layers =
    [
        "Text",
        "Diagnostics",
        "Syntax",
        "Formatting",
        "Binding",
        "Analysis",
        "Compilation",
        "Lowering",
        "Evaluation",
        "Emit",
        "Analysis.Comparison",
        "Approvals",
        "Revisions",
        "Rendering",
    ];

    private static readonly Assembly Dsl = typeof(ProtocolCompilation).Assembly;

    [Fact]
    public void Every_namespace_of_the_assembly_has_a_place_in_the_layers()
    {
        // What the compiler generates (<Module>, <PrivateImplementationDetails>, System.Text.RegularExpressions.Generated)
        // is not ours to place.
        var unplaced = Dsl.GetTypes().Where(t => !Outermost(t).Name.StartsWith('<') && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false))
            .Select(t => t.Namespace ?? $"(global: {t.Name})").Distinct()
            .Where(n => !n.StartsWith("System.", StringComparison.Ordinal) && LayerOf(n) is null).ToList();
        Assert.True(unplaced.Count == 0, $"namespaces without a layer (add them to {nameof(Layers)}): {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void No_folder_references_a_folder_above_it()
    {
        var upward = Dependencies()
            .Where(d => Array.IndexOf(Layers, d.To) > Array.IndexOf(Layers, d.From))
            .GroupBy(d => (d.From, d.To))
            .Select(g => $"{g.Key.From} -> {g.Key.To} ({string.Join(", ", g.Select(d => $"{d.User.Name} uses {d.Used.Name}").Distinct().Take(3))})")
            .ToList();
        Assert.True(upward.Count == 0, "references against the layering:\n" + string.Join("\n", upward));
    }

    [Theory]
    [InlineData("Syntax", "Binding")]
    [InlineData("Binding", "Analysis.Comparison")]
    [InlineData("Binding", "Rendering")]
    [InlineData("Analysis", "Rendering")]
    [InlineData("Analysis", "Analysis.Comparison")]
    [InlineData("Compilation", "Rendering")]
    [InlineData("Compilation", "Analysis.Comparison")]
    [InlineData("Lowering", "Approvals")]
    [InlineData("Analysis.Comparison", "Rendering")]
    [InlineData("Analysis.Comparison", "Revisions")]
    public void A_lower_folder_does_not_use_a_higher_one(string lower, string higher)
    {
        var uses = Dependencies().Where(d => d.From == lower && d.To == higher).Select(d => $"{d.User.FullName} uses {d.Used.FullName}").Distinct().ToList();
        Assert.True(uses.Count == 0, string.Join("\n", uses));
    }

    [Fact]
    public void The_reader_sees_references_inside_method_bodies()
    {
        // The interpreter names the lowering only inside its constructor's body; the reader must see it, or a cycle
        // through a method body would pass unnoticed.
        Assert.Contains(Dependencies(), d => d.User == typeof(ProtocolInterpreter) && d.Used == typeof(ProtocolInfoBuilder));
        Assert.Contains(Dependencies(), d => d.From == "Rendering" && d.To == "Analysis.Comparison");
    }

    private static string? LayerOf(string? ns)
    {
        if (ns is null || !ns.StartsWith("IlTwo.Dsl.", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns["IlTwo.Dsl.".Length..];
        return Layers.Where(l => rest == l || rest.StartsWith(l + ".", StringComparison.Ordinal)).MaxBy(l => l.Length);
    }

    private sealed record Dependency(string From, string To, Type User, Type Used);

    private static readonly Lazy<List<Dependency>> All = new(Read);

    private static List<Dependency> Dependencies() => All.Value;

    private static List<Dependency> Read()
    {
        var result = new List<Dependency>();
        foreach (var type in Dsl.GetTypes())
        {
            if (LayerOf(type.Namespace) is not { } from)
            {
                continue;
            }

            var used = new HashSet<Type>();
            foreach (var t in ReferencedBy(type))
            {
                Collect(t, used);
            }

            foreach (var u in used)
            {
                if (u.Assembly == Dsl && LayerOf(u.Namespace) is { } to && to != from)
                {
                    result.Add(new Dependency(from, to, Outermost(type), Outermost(u)));
                }
            }
        }
        return result;
    }

    private static Type Outermost(Type type) => type.DeclaringType is { } outer ? Outermost(outer) : type;

    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static IEnumerable<Type> ReferencedBy(Type type)
    {
        if (type.BaseType is { } b)
        {
            yield return b;
        }

        foreach (var i in type.GetInterfaces())
        {
            yield return i;
        }

        foreach (var f in type.GetFields(Declared))
        {
            yield return f.FieldType;
        }

        foreach (var p in type.GetProperties(Declared))
        {
            yield return p.PropertyType;
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo m)
            {
                yield return m.ReturnType;
            }

            foreach (var p in method.GetParameters())
            {
                yield return p.ParameterType;
            }

            foreach (var t in BodyReferences(method))
            {
                yield return t;
            }
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The types a method body names: every type, field and method token in its IL.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method is MethodInfo { IsGenericMethod: true } g ? g.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            var code = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
            i += code.Size;
            var operandSize = code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (code.OperandType is OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField)
            {
                var token = BitConverter.ToInt32(il, i);
                var member = method.Module.ResolveMember(token, typeArguments, methodArguments);
                switch (member)
                {
                    case Type t:
                        yield return t;
                        break;
                    case FieldInfo f:
                        yield return f.DeclaringType!;
                        yield return f.FieldType;
                        break;
                    case MethodBase m:
                        yield return m.DeclaringType!;
                        if (m is MethodInfo mi)
                        {
                            yield return mi.ReturnType;
                            if (mi.IsGenericMethod)
                            {
                                foreach (var a in mi.GetGenericArguments())
                                {
                                    yield return a;
                                }
                            }
                        }
                        foreach (var p in m.GetParameters())
                        {
                            yield return p.ParameterType;
                        }

                        break;
                }
            }
            i += operandSize;
        }
    }

    private static void Collect(Type? type, HashSet<Type> into)
    {
        if (type is { HasElementType: true })
        {
            Collect(type.GetElementType(), into);
            return;
        }
        if (type is null || type.IsGenericParameter || !into.Add(type))
        {
            return;
        }

        if (type.IsGenericType)
        {
            foreach (var a in type.GetGenericArguments())
            {
                Collect(a, into);
            }

            if (!type.IsGenericTypeDefinition)
            {
                Collect(type.GetGenericTypeDefinition(), into);
            }
        }
    }
}
