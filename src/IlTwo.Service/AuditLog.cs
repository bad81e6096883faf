using System.Text.Json.Nodes;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Service;

/// <summary>
/// The decision log: JSON Lines, the runtime's <see cref="DecisionLog"/> line with the CDS call's <c>decisionId</c>,
/// <c>hook</c>, <c>hookInstance</c> and <c>service</c> in front. Appended and flushed whole under a lock.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    public AuditLog(string path)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        _writer = new StreamWriter(new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { NewLine = "\n" };
        FilePath = full;
    }

    public string FilePath { get; }

    public void Decision(CallInfo call, DoseDecision decision, PatientRecord record)
    {
        // The runtime's line is a JSON object: the call's fields go in front of its first member, without a re-parse.
        var line = DecisionLog.Format(decision, record);
        var head = With(call, []).ToJsonString();
        WriteText(line.Length > 2 ? head[..^1] + "," + line[1..] : head);
    }

    /// <summary>A line for what the service decided without the engine (a hold on missing data) or was told (feedback).</summary>
    public void Event(CallInfo call, JsonObject fields) => Write(With(call, fields));

    private static JsonObject With(CallInfo call, JsonObject fields)
    {
        var line = new JsonObject
        {
            ["decisionId"] = call.DecisionId,
            ["service"] = call.Service,
            ["hook"] = call.Hook,
            ["hookInstance"] = call.HookInstance,
        };
        foreach (var (key, value) in fields.ToList())
        {
            fields.Remove(key);
            line[key] = value;
        }
        return line;
    }

    private void Write(JsonObject line) => WriteText(line.ToJsonString());

    private void WriteText(string text)
    {
        lock (_lock)
        {
            _writer.Write(text);
            _writer.Write('\n');
            _writer.Flush();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _writer.Dispose();
        }
    }
}

public sealed record CallInfo(string DecisionId, string Service, string? Hook, string? HookInstance);
