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

    /// <summary>
    /// Writes the truth of rule <c>i</c> (in <see cref="ProtocolInfo.Rules"/> order) to <c>results[i]</c>, then the truth of
    /// each extra condition (<see cref="RuleInfo.Until"/>, <see cref="RuleInfo.Correction"/>) to its slot when
    /// <paramref name="results"/> is long enough (<see cref="ProtocolInfo.ConditionSlots"/>). Must not keep state.
    /// </summary>
    public abstract void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results);
}
