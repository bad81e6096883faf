using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Engine.Benchmarks;

/// <summary>The protocol, record and moment every benchmark uses.</summary>
public static class BenchmarkData
{
    public const string ProtocolFile = "post-til-il2.il2";
    public const string BaseProtocolFile = "hd-il2-monotherapy.il2";
    public const int ExpectedRuleCount = 30;

    /// <summary>The moment of the shipped example's decision.</summary>
    public static DateTimeOffset At { get; } = new(2026, 3, 4, 6, 0, 0, TimeSpan.Zero);

    /// <summary>The repository root (the folder holding IlTwo.Dsl.sln), found upwards from the running assembly.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>
    /// A frozen copy of the shipped protocols as the hand-written rules (<see cref="HandWrittenPostTilRules"/>) encode
    /// them (the 30-rule post-TIL chain before the course revision): the same job for every contender, whatever the
    /// shipped files become.
    /// </summary>
    public static string ProtocolsFolder => Path.Combine(RepositoryRoot, "bench", "IlTwo.Engine.Benchmarks", "Protocols");

    public static ProtocolCompilation CreateCompilation()
    {
        var path = Path.Combine(ProtocolsFolder, ProtocolFile);
        var compilation = ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path));
        var errors = compilation.Chain.SelectMany(c => c.Diagnostics).Where(d => d.IsError).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"{ProtocolFile} does not compile: {string.Join("; ", errors.Select(e => e.ToCompilerFormat()))}");
        }

        if (compilation.Protocol.Rules.Length != ExpectedRuleCount)
        {
            throw new InvalidOperationException($"expected {ExpectedRuleCount} rules in {ProtocolFile}, found {compilation.Protocol.Rules.Length}");
        }

        return compilation;
    }

    public static ProtocolAssembly Compile()
    {
        var assembly = ProtocolCompiler.Compile(CreateCompilation());
        if (!assembly.Success)
        {
            throw new InvalidOperationException($"{ProtocolFile} did not compile: {string.Join("; ", assembly.Errors)}");
        }

        return assembly;
    }

    /// <summary>Compiles, writes to a private temporary folder and loads through the verifying loader, as <c>il2 eval</c> does.</summary>
    public static CompiledProtocol CompileAndLoad(out string folder)
    {
        var assembly = Compile();
        folder = Directory.CreateTempSubdirectory("il2-bench-").FullName;
        var path = Path.Combine(folder, assembly.AssemblyName + ".dll");
        File.WriteAllBytes(path, [.. assembly.Assembly]);
        File.WriteAllBytes(Path.ChangeExtension(path, ".pdb"), [.. assembly.Pdb]);
        return CompiledProtocol.Load(path, CompiledProtocolLoadOptions.Development);
    }

    /// <summary>
    /// protocols/examples/post-til-patient.json (21 observations) padded to 50 with the earlier charting a ward would
    /// have: four-hourly vitals and urine output over the previous day, yesterday's labs, and the phenylephrine rates.
    /// The padding leaves every latest value of the example as it is (so the decision is still "hold dose 5 for SBP 84").
    /// </summary>
    public static PatientRecord CreateRecord()
    {
        var path = Path.Combine(ProtocolsFolder, "examples", "post-til-patient.json");
        var read = PatientJsonReader.ReadFile(path);
        var record = read.Record ?? throw new InvalidOperationException($"{path}: {string.Join("; ", read.Issues)}");

        static DateTimeOffset T(int day, int hour, int minute = 0) => new(2026, 3, day, hour, minute, 0, TimeSpan.Zero);
        static RecordedObservation N(string code, DateTimeOffset at, double value, string unit) => RecordedObservation.Numeric(code, at, value, unit);

        RecordedObservation[] extra =
        [
            // systolic BP, falling over the day (latest stays 84 at 05:00)
            N("8480-6", T(3, 9), 118, "mm[Hg]"), N("8480-6", T(3, 13), 109, "mm[Hg]"), N("8480-6", T(3, 17), 101, "mm[Hg]"), N("8480-6", T(4, 1), 96, "mm[Hg]"),
            // heart rate
            N("8867-4", T(3, 9), 88, "/min"), N("8867-4", T(3, 13), 92, "/min"), N("8867-4", T(3, 17), 98, "/min"), N("8867-4", T(3, 21), 102, "/min"), N("8867-4", T(4, 1), 99, "/min"),
            // SpO2
            N("59408-5", T(3, 9), 98, "%"), N("59408-5", T(3, 13), 97, "%"), N("59408-5", T(3, 17), 97, "%"), N("59408-5", T(3, 21), 96, "%"), N("59408-5", T(4, 1), 95, "%"),
            // oxygen flow
            N("3151-8", T(3, 21), 1, "L/min"), N("3151-8", T(4, 1), 2, "L/min"),
            // urine output charted every four hours; one (01:00) inside the 8-hour window
            N("9187-6", T(3, 7), 220, "mL"), N("9187-6", T(3, 11), 210, "mL"), N("9187-6", T(3, 15), 190, "mL"), N("9187-6", T(3, 19), 170, "mL"), N("9187-6", T(4, 1), 120, "mL"),
            // yesterday's labs (creatinine once in mg/dL, once in umol/L)
            N("2160-0", T(3, 2), 1.0, "mg/dL"), N("14682-9", T(3, 14), 97, "umol/L"),
            N("1963-8", T(3, 2), 24, "mmol/L"), N("1975-2", T(3, 2), 0.9, "mg/dL"), N("777-3", T(3, 2), 168, "10*3/uL"),
            // vasopressor rates (no LOINC code: recorded under the observation's name)
            N("phenylephrine", T(4, 5, 30), 0.3, "ug/kg/min"), N("max-phenylephrine", T(4, 5, 30), 0.6, "ug/kg/min"),
            RecordedObservation.YesNo("confusion", T(4, 1), false),
        ];

        var observations = record.Observations.AddRange(extra).Sort((a, b) => a.At.CompareTo(b.At));
        return record with { Observations = observations };
    }

    /// <summary>
    /// <paramref name="record"/> late in a course: <paramref name="doses"/> given doses every 8 hours up to the benchmark
    /// moment (a full cycle is up to 14), each an earlier point the course assesses. Only for timing the course layer.
    /// </summary>
    public static PatientRecord WithCourseOf(PatientRecord record, int doses)
    {
        var first = At.AddHours(-8 * doses);
        return record with { Doses = [.. Enumerable.Range(0, doses).Select(k => new RecordedDose(first.AddHours(8 * k), DoseStatus.Given))] };
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
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IlTwo.Dsl.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the repository root (IlTwo.Dsl.sln) above " + AppContext.BaseDirectory);
    }
}
