using IlTwo.Runtime.Evaluation;

namespace IlTwo.Runtime.Protocols;

/// <summary>
/// The contract a compiled protocol implements (and the interpreter too): its description, and the truth of
/// every rule condition for one patient snapshot. Everything else — schedule, combining rules, explaining the
/// decision — is the engine's, shared by both.
/// </summary>
public abstract class ProtocolRules
{
    public abstract ProtocolInfo Info { get; }

    /// <summary>Writes the truth of rule <c>i</c> (in <see cref="ProtocolInfo.Rules"/> order) to <c>results[i]</c>. Must not allocate or keep state.</summary>
    public abstract void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results);
}
