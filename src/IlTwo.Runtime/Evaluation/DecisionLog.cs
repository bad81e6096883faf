using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// An optional audit log of dose decisions: one JSON object per line (JSON Lines), camelCase, enums as lowercase
/// strings. Thread-safe: each line is written and flushed whole under a lock. The log does not own the writer.
/// </summary>
/// <remarks>
/// Fields: <c>at</c>, <c>patientId</c>, <c>protocol</c> {id, version, sourceHash}, <c>action</c>, <c>doseNumber</c>,
/// <c>dosesGiven</c>, <c>dosesRemaining</c>, <c>rules</c> (fired rule ids, in decision order), <c>missing</c>,
/// <c>schedule</c>, <c>dataErrors</c>, <c>nextDoseAt</c>, <c>summary</c>.
/// </remarks>
public sealed class DecisionLog
{
    private readonly TextWriter _writer;
    private readonly Lock _lock = new();

    public DecisionLog(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
    }

    public void Write(DoseDecision decision, PatientRecord? record)
    {
        var line = Format(decision, record);
        lock (_lock)
        {
            _writer.Write(line);
            _writer.Write('\n');
            _writer.Flush();
        }
    }

    /// <summary>The log line for a decision (without the newline).</summary>
    public static string Format(DoseDecision decision, PatientRecord? record)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return DoseDecisionJson.SerializeLogLine(decision, record);
    }
}
