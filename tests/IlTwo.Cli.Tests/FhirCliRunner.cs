using IlTwo.Runtime.Records;

namespace IlTwo.Cli.Tests;

internal static class FhirCliRunner
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Protocol(string name) => Path.Combine(RepositoryRoot, "protocols", name + ".il2");

    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = CliApplication.Run(args, output, error);
        return (exit, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    public static string TempFile(string name, string content)
    {
        var folder = Directory.CreateTempSubdirectory("il2-cli-test-").FullName;
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A synthetic monotherapy course: six doses 8 h apart with normal findings, except SBP 84 on phenylephrine 0.6 before dose 3.</summary>
    public static PatientRecord HypotensionCourse(DateTimeOffset start)
    {
        var observations = new List<RecordedObservation>();
        var doses = new List<RecordedDose>();
        for (var i = 0; i < 6; i++)
        {
            var dose = start.AddHours(8 * i);
            var before = dose.AddHours(-1);
            observations.Add(RecordedObservation.Numeric("8480-6", before, i == 2 ? 84 : 118 - i, "mm[Hg]"));
            observations.Add(RecordedObservation.Numeric("8867-4", before, 88, "/min"));
            observations.Add(RecordedObservation.Numeric("59408-5", before, 97, "%"));
            observations.Add(RecordedObservation.Numeric("3151-8", before, 0, "L/min"));
            observations.Add(RecordedObservation.Numeric("9187-6", dose.AddHours(-7), 150, "mL"));
            observations.Add(RecordedObservation.Numeric("9187-6", dose.AddHours(-3), 180, "mL"));
            observations.Add(RecordedObservation.Numeric("2160-0", dose.AddHours(-6), 1.1, "mg/dL"));
            observations.Add(RecordedObservation.Numeric("1963-8", dose.AddHours(-6), 24, "mmol/L"));
            observations.Add(RecordedObservation.Numeric("1975-2", dose.AddHours(-6), 0.8, "mg/dL"));
            observations.Add(RecordedObservation.Numeric("777-3", dose.AddHours(-6), 210, "10*3/uL"));
            foreach (var name in new[] { "arrhythmia", "sustained-vt", "cardiac-ischemia", "confusion", "intubated-over-72h", "coma-over-48h", "stool-blood", "dialysis-over-72h" })
            {
                observations.Add(RecordedObservation.YesNo(name, before, false));
            }

            if (i == 2)
            {
                observations.Add(RecordedObservation.Numeric("phenylephrine", before, 0.6, "ug/kg/min"));
            }

            doses.Add(new RecordedDose(dose, i == 2 ? DoseStatus.Held : DoseStatus.Given));
        }
        return new PatientRecord("synthetic-hypotension", new MeasuredValue(80, "kg"), [], [.. doses], [.. observations.OrderBy(o => o.At)]);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (IlTwo.Dsl.sln) not found");
    }
}
