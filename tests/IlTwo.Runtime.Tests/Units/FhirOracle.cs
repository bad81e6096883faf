using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Fhir.Metrics;

namespace IlTwo.Runtime.Tests.Units;

/// <summary>A unit's canonical value and metric according to Fhir.Metrics.</summary>
internal readonly record struct OracleCanonical(double Value, string Metric);

/// <summary>
/// Runs Fhir.Metrics as an independent UCUM oracle.
/// </summary>
/// <remarks>
/// Fhir.Metrics creates <c>CultureInfo("en-US")</c> in a static constructor, which throws under the
/// repository-wide InvariantGlobalization (PredefinedCulturesOnly is fixed at process start). When that
/// culture is unavailable, the oracle runs in a child process: this test assembly started with
/// PredefinedCulturesOnly=false, answering through the module initializer below.
/// </remarks>
internal static class FhirOracle
{
    private const string InputVariable = "ILTWO_UCUM_ORACLE_INPUT";
    private const string OutputVariable = "ILTWO_UCUM_ORACLE_OUTPUT";

    public static IReadOnlyDictionary<string, OracleCanonical> Canonicalize(IReadOnlyCollection<string> codes) =>
        EnUsCultureAvailable() ? Compute(codes) : ComputeInChildProcess(codes);

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "Entry hook for the oracle child process; a no-op inside the test host.")]
    internal static void AnswerAsChildProcess()
    {
        var input = Environment.GetEnvironmentVariable(InputVariable);
        var output = Environment.GetEnvironmentVariable(OutputVariable);
        if (input is null || output is null)
        {
            return;
        }

        var results = Compute(File.ReadAllLines(input));
        File.WriteAllLines(output, results.Select(r =>
            string.Join('\t', r.Key, r.Value.Value.ToString("R", CultureInfo.InvariantCulture), r.Value.Metric)));
        Environment.Exit(0);
    }

    private static Dictionary<string, OracleCanonical> Compute(IReadOnlyCollection<string> codes)
    {
        var system = UCUM.Load();
        return codes.Distinct(StringComparer.Ordinal).ToDictionary(
            code => code,
            code =>
            {
                var quantity = system.Canonical(system.Quantity("1", code));
                return new OracleCanonical((double)quantity.Value.ToDecimal(), NormalizeMetric(quantity.Metric.ToString()));
            },
            StringComparer.Ordinal);
    }

    // Annotations leave a unity factor behind ("{beats}/min" gives "1.s-1"): drop it.
    private static string NormalizeMetric(string metric) =>
        string.Join('.', metric.Split('.').Where(part => part is not ("1" or "")));

    private static bool EnUsCultureAvailable()
    {
        try
        {
            _ = CultureInfo.GetCultureInfo("en-US");
            return true;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    private static Dictionary<string, OracleCanonical> ComputeInChildProcess(IReadOnlyCollection<string> codes)
    {
        var assembly = typeof(FhirOracle).Assembly.Location;
        var directory = Path.GetDirectoryName(assembly)!;
        var name = Path.GetFileNameWithoutExtension(assembly);
        var work = Directory.CreateTempSubdirectory("iltwo-ucum-oracle-");
        try
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, name + ".runtimeconfig.json")))!;
            config["runtimeOptions"]!["configProperties"]!["System.Globalization.PredefinedCulturesOnly"] = false;
            var configPath = Path.Combine(work.FullName, "oracle.runtimeconfig.json");
            File.WriteAllText(configPath, config.ToJsonString());

            var input = Path.Combine(work.FullName, "codes.txt");
            var output = Path.Combine(work.FullName, "canonical.tsv");
            File.WriteAllLines(input, codes);

            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "exec", "--runtimeconfig", configPath, "--depsfile", Path.Combine(directory, name + ".deps.json"), assembly,
            })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment[InputVariable] = input;
            start.Environment[OutputVariable] = output;

            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)) || process.ExitCode != 0 || !File.Exists(output))
            {
                throw new InvalidOperationException($"Fhir.Metrics oracle process failed: {stderr.Result}");
            }

            return File.ReadAllLines(output)
                .Select(line => line.Split('\t'))
                .ToDictionary(
                    parts => parts[0],
                    parts => new OracleCanonical(double.Parse(parts[1], CultureInfo.InvariantCulture), parts[2]),
                    StringComparer.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
