using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Engine.Benchmarks;

/// <summary>
/// The post-TIL protocol's 30 conditions as a C# developer would write them by hand: named observation indices,
/// thresholds as constants in canonical UCUM base units (the same doubles the generator emits), each shared input
/// read once into a local, and the engine's three-valued <see cref="Logic"/> for missing data. The baseline of the
/// evaluation benchmarks; GlobalSetup checks that it agrees with the compiled protocol.
/// </summary>
public sealed class HandWrittenPostTilRules(ProtocolInfo info) : ProtocolRules
{
    // observation indices (ProtocolInfo.Observations order: the base protocol's, then post-TIL's)
    private const int Sbp = 0, HeartRate = 1, SpO2 = 2, O2Flow = 3, Phenylephrine = 4, MaxPhenylephrine = 5, UrineOutput = 6,
        Creatinine = 7, Bicarbonate = 8, Bilirubin = 9, Platelets = 10, Arrhythmia = 11, SustainedVt = 12, CardiacIschemia = 13,
        Confusion = 14, StoolBlood = 15, IntubatedOver72h = 16, ComaOver48h = 17, DialysisOver72h = 18,
        FluidRefractoryHypotension = 19, OliguriaDespiteBoluses = 20;

    // thresholds in canonical base units (g, m, s, mol)
    private const double Mmhg90 = 11998980;                          // 90 mm[Hg], g/(m.s2)
    private const double Percent90 = 0.9;
    private const double PerMin100 = 1.6666666666666667;            // 100 /min, 1/s
    private const double PerMin130 = 2.1666666666666665;
    private const double UgKgMin05 = 8.333333333333334E-12;         // 0.5 ug/kg/min, 1/s
    private const double UgKgMin08 = 1.3333333333333334E-11;
    private const double UgKgMin1 = 1.6666666666666667E-11;
    private const double UgKgMin15 = 2.5E-11;
    private const double EightHours = 28800;                         // s
    private const double Ml160 = 0.00015999999999999999;            // 160 mL, m3
    private const double Ml80 = 7.999999999999999E-05;
    private const double MlPerKg4 = 4E-09;                           // 4 mL/kg, m3/g
    private const double MgDl25 = 25;                                // 2.5 mg/dL, g/m3
    private const double MgDl3 = 30;
    private const double MmolL18 = 18;                               // 18 mmol/L, mol/m3
    private const double LMin3 = 5E-05;                              // 3 L/min, m3/s
    private const double LMin4 = 6.666666666666667E-05;
    private const double MgDl7 = 70;
    private const double K50PerUl = 50000000000000;                  // 50 10*3/uL, 1/m3
    private const double K30PerUl = 30000000000000;

    public override ProtocolInfo Info { get; } = info;

    public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results)
    {
        var s = snapshot;
        var r = results;
        var heartRate = s.Latest(HeartRate);
        var phenylephrine = s.Latest(Phenylephrine);
        var maxPhenylephrine = s.Latest(MaxPhenylephrine);
        var urine8h = s.Sum(UrineOutput, EightHours);
        var creatinine = s.Latest(Creatinine);
        var o2Flow = s.Latest(O2Flow);
        var platelets = s.Latest(Platelets);

        r[0] = Logic.Less(s.Latest(Sbp), Mmhg90);
        r[1] = Logic.Less(s.Latest(SpO2), Percent90);
        r[2] = Yes(s, Arrhythmia);
        r[3] = Yes(s, Confusion);
        r[4] = Yes(s, StoolBlood);
        r[5] = Yes(s, SustainedVt);
        r[6] = Yes(s, CardiacIschemia);
        r[7] = Yes(s, IntubatedOver72h);
        r[8] = Yes(s, ComaOver48h);
        r[9] = Yes(s, DialysisOver72h);
        r[10] = Logic.GreaterOrEqual(heartRate, PerMin100);
        r[11] = Logic.Greater(heartRate, PerMin130);
        r[12] = Logic.Greater(phenylephrine, UgKgMin05);
        r[13] = Logic.Greater(phenylephrine, UgKgMin08);
        r[14] = Logic.GreaterOrEqual(maxPhenylephrine, UgKgMin1);
        r[15] = Logic.GreaterOrEqual(maxPhenylephrine, UgKgMin15);
        r[16] = Logic.Less(urine8h, Ml160);
        r[17] = Logic.Less(urine8h, Ml80);
        r[18] = Logic.GreaterOrEqual(creatinine, MgDl25);
        r[19] = Logic.GreaterOrEqual(creatinine, MgDl3);
        r[20] = Logic.LessOrEqual(s.Latest(Bicarbonate), MmolL18);
        r[21] = Logic.GreaterOrEqual(o2Flow, LMin3);
        r[22] = Logic.Greater(o2Flow, LMin4);
        r[23] = Logic.Greater(s.Latest(Bilirubin), MgDl7);
        r[24] = Logic.Less(platelets, K50PerUl);
        r[25] = Logic.Less(platelets, K30PerUl);
        r[26] = Logic.GreaterOrEqual(s.DosesHeld, 3);
        r[27] = Logic.Less(urine8h, MlPerKg4 * s.Weight);
        r[28] = Yes(s, OliguriaDespiteBoluses);
        r[29] = Yes(s, FluidRefractoryHypotension);
    }

    private static Truth Yes(PatientSnapshot s, int flag) => Logic.Is(s.Latest(flag), true);
}
