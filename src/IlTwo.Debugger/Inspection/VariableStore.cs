using IlTwo.Debugger.Protocol;

namespace IlTwo.Debugger.Inspection;

/// <summary>
/// The variablesReference handles of one stop: each maps to the function that lists its children. Cleared when the
/// session moves on (DAP: references are valid only while stopped); numbers are never reused.
/// </summary>
public sealed class VariableStore
{
    private readonly Dictionary<int, Func<IReadOnlyList<DapVariable>>> _children = [];
    private int _next = 1;

    public int Add(Func<IReadOnlyList<DapVariable>> children)
    {
        var id = _next++;
        _children[id] = children;
        return id;
    }

    public IReadOnlyList<DapVariable>? Children(int reference) => _children.TryGetValue(reference, out var list) ? list() : null;

    public void Clear() => _children.Clear();
}
