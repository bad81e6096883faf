using System.Runtime.CompilerServices;
using IlTwo.Dsl.Binding;

namespace IlTwo.Dsl.Tests.Architecture;

/// <summary>The switches over bound expressions are exhaustive on <see cref="BoundNodeKind"/>; that holds only while kinds and records match one to one.</summary>
public sealed class BoundNodeKindTests
{
    [Fact]
    public void Every_bound_expression_record_has_its_own_kind_and_every_kind_a_record()
    {
        var records = typeof(BoundExpression).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(BoundExpression)) && !t.IsAbstract)
            .ToDictionary(t => t, t => ((BoundExpression)RuntimeHelpers.GetUninitializedObject(t)).NodeKind);

        var shared = records.GroupBy(p => p.Value).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(p => p.Key.Name))}").ToList();
        Assert.True(shared.Count == 0, "kinds shared by several records: " + string.Join("; ", shared));
        Assert.Equal(Enum.GetValues<BoundNodeKind>().Order(), records.Values.Order());
    }
}
