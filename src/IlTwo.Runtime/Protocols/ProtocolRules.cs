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

    /// <summary>
    /// Writes the truths the course layer reads at an earlier assessment point: at least the slots of
    /// <see cref="CourseAssessment.PastPointSlots(ProtocolInfo)"/> (the rules that act over the course, the rules with
    /// persistence or correction, and every extra condition), each as <see cref="EvaluateRules"/> writes it. Other
    /// slots may be left as they are. The default evaluates every slot; a compiled protocol evaluates only those.
    /// </summary>
    public virtual void EvaluatePastPoint(PatientSnapshot snapshot, Span<Truth> results) => EvaluateRules(snapshot, results);

    /// <summary>
    /// The observations (by index) <see cref="EvaluatePastPoint"/> reads, or empty when it may read any: the course
    /// layer's snapshot for an earlier point then looks up only these series (the others read as having no value).
    /// </summary>
    public virtual ReadOnlySpan<int> PastPointObservations => [];
}
