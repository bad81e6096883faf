namespace IlTwo.Dsl.Binding;

/// <summary>
/// The LOINC codes our protocols use, vendored with what each measures (source: ../shared/domain/clinical-reference.md §4).
/// The binder checks a declared unit against the code's property, and the observation's name against the code's component.
/// </summary>
public static class LoincTable
{
    /// <param name="ReferenceUnit">A UCUM unit of the code's property (PRES → mm[Hg], MCnc → mg/dL, SCnc → mmol/L ...); null for findings.</param>
    public sealed record Entry(string Code, string Name, string Property, string? ReferenceUnit)
    {
        public bool IsYesNo => ReferenceUnit is null;

        /// <summary>
        /// Words that tell apart codes of one property (a diastolic code on a systolic observation).
        /// Returns what the observation reads as when that contradicts this code's name; otherwise null.
        /// </summary>
        public string? ConflictsWith(string observationWords)
        {
            var mine = Discriminators.Where(d => Name.Contains(d.Word, StringComparison.OrdinalIgnoreCase)).Select(d => d.Word).ToHashSet();
            if (mine.Count == 0)
            {
                return null;
            }

            var tokens = observationWords.ToLowerInvariant().Split([' ', '-', '_', '(', ')', ',', '.'], StringSplitOptions.RemoveEmptyEntries);
            foreach (var (word, abbreviations) in Discriminators)
            {
                if (mine.Contains(word))
                {
                    continue;
                }

                if (tokens.Contains(word.ToLowerInvariant()) || tokens.Any(abbreviations.Contains))
                {
                    return word.ToLowerInvariant();
                }
            }
            return null;
        }
    }

    private static readonly (string Word, string[] Abbreviations)[] Discriminators =
    [
        ("Systolic", ["sbp", "sys"]),
        ("Diastolic", ["dbp", "dia"]),
        ("Mean", ["map"]),
        ("arterial", ["sao2"]),
        ("pulse oximetry", ["spo2"]),
    ];

    private static readonly Dictionary<string, Entry> Entries = new[]
    {
        new Entry("8480-6", "Systolic blood pressure", "PRES", "mm[Hg]"),
        new Entry("8462-4", "Diastolic blood pressure", "PRES", "mm[Hg]"),
        new Entry("8478-0", "Mean blood pressure", "PRES", "mm[Hg]"),
        new Entry("8867-4", "Heart rate", "NRat", "/min"),
        new Entry("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "MFr", "%"),
        new Entry("2708-6", "Oxygen saturation in Arterial blood", "MFr", "%"),
        new Entry("3151-8", "Inhaled oxygen flow rate", "VRat", "L/min"),
        new Entry("3150-0", "Inhaled oxygen concentration", "VFr", "%"),
        new Entry("9279-1", "Respiratory rate", "NRat", "/min"),
        new Entry("8310-5", "Body temperature", "Temp", "Cel"),
        new Entry("29463-7", "Body weight", "Mass", "kg"),
        new Entry("9187-6", "Urine output", "Vol", "mL"),
        new Entry("9192-6", "Urine output 24 hour", "VRat", "mL/d"),
        new Entry("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "MCnc", "mg/dL"),
        new Entry("14682-9", "Creatinine [Moles/volume] in Serum or Plasma", "SCnc", "umol/L"),
        new Entry("1963-8", "Bicarbonate [Moles/volume] in Serum or Plasma", "SCnc", "mmol/L"),
        new Entry("2028-9", "Carbon dioxide, total [Moles/volume] in Serum or Plasma", "SCnc", "mmol/L"),
        new Entry("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "MCnc", "mg/dL"),
        new Entry("14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma", "SCnc", "umol/L"),
        new Entry("777-3", "Platelets [#/volume] in Blood", "NCnc", "10*3/uL"),
        new Entry("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "CCnc", "U/L"),
        new Entry("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "CCnc", "U/L"),
        new Entry("10839-9", "Troponin I.cardiac [Mass/volume] in Serum or Plasma", "MCnc", "ng/mL"),
        new Entry("89579-7", "Troponin I.cardiac [Mass/volume] in Serum or Plasma by High sensitivity method", "MCnc", "ng/L"),
    }.ToDictionary(e => e.Code, StringComparer.Ordinal);

    public static Entry? Find(string code) => Entries.GetValueOrDefault(code);

    public static IEnumerable<Entry> All => Entries.Values;
}
