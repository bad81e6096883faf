using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Fhir.Tests;

/// <summary>
/// The bundle the attack tests start from: dose 3 of a stable monotherapy course, which gives, so that a hold is the
/// attack's doing (<see cref="MisleadingInputTests"/>, <see cref="RedTeamTests"/>).
/// </summary>
internal static class GivingBundle
{
    public static readonly DateTimeOffset Start = CourseTests.Start;

    /// <summary>The decision time: dose 3, 8 h after dose 2, with normal findings an hour before.</summary>
    public static readonly DateTimeOffset At = Start.AddHours(16);

    public static CourseBundle Giving()
    {
        var bundle = new CourseBundle("p-1");
        bundle.Weight(Start.AddDays(-1), 70);
        bundle.Dose(Start);
        bundle.Dose(Start.AddHours(8));
        bundle.NormalFindings(At, postTil: false);
        return bundle;
    }

    /// <summary>The bundle read as of <paramref name="at"/> (default <see cref="At"/>), and the monotherapy decision then.</summary>
    public static (RecordReadResult Read, DoseDecision? Decision) Decide(CourseBundle bundle, DateTimeOffset? at = null)
    {
        var when = at ?? At;
        var read = FhirBundleReader.Read(bundle.Json, Protocols.Monotherapy.Info, when);
        return (read, read.Record is null ? null : ProtocolEvaluator.Evaluate(Protocols.Monotherapy, read.Record, when, null, read.Issues));
    }
}
