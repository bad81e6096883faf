using System.Diagnostics;
using System.Globalization;
using IlTwo.Cli.Tests;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using IlTwo.Runtime.Records;

namespace IlTwo.Benchmarks;

/// <summary>
/// <c>cohort-profile DLL_DIR [courses]</c>: cohort replay in this process on one thread, stage by stage (read, simulate,
/// compare), over the synthetic cohort as patient JSON; the protocols are built assemblies
/// (<c>il2 build</c> into DLL_DIR).
/// </summary>
internal static class CohortProfile
{
    public static void Run(IReadOnlyList<string> args)
    {
        var dlls = args[0];
        var courses = args.Count > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        using var old = CompiledProtocol.Load(Path.Combine(dlls, "il2.hd-il2-monotherapy.dll"), CompiledProtocolLoadOptions.Development);
        using var @new = CompiledProtocol.Load(Path.Combine(dlls, "il2.post-til-il2.dll"), CompiledProtocolLoadOptions.Development);
        var patients = SyntheticCohort.Records(SyntheticCohort.ExamplesFolder, courses, seed: 2026)
            .Select(r => new CohortPatient(r.Name, r.Name, _ => PatientJsonReader.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(r.Json)))))
            .ToList();
        for (var round = 0; round < 3; round++)
        {
            TimeSpan read = default, simulate = default, compare = default;
            long decisions = 0, observations = 0;
            foreach (var p in patients)
            {
                var clock = Stopwatch.StartNew();
                var a = p.Read(old.Info);
                var b = p.Read(@new.Info);
                read += clock.Elapsed;
                if (!a.Succeeded || !b.Succeeded)
                {
                    continue;
                }

                observations += a.Record!.Observations.Length;
                clock.Restart();
                var x = CourseSimulator.Simulate(old.Rules, a.Record!, new CourseOptions { ReadIssues = a.Issues });
                var y = CourseSimulator.Simulate(@new.Rules, b.Record!, new CourseOptions { ReadIssues = b.Issues });
                simulate += clock.Elapsed;
                clock.Restart();
                _ = CohortReplay.Compare(x, y);
                compare += clock.Elapsed;
                decisions += x.Steps.Length + y.Steps.Length;
            }
            var total = read + simulate + compare;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: {patients.Count} patients, {observations / (double)patients.Count:0} observations each, {decisions} decisions; read {read.TotalMilliseconds:0} ms, simulate {simulate.TotalMilliseconds:0} ms ({simulate.TotalMicroseconds / decisions:0.0} us/decision), compare {compare.TotalMilliseconds:0} ms; {decisions / total.TotalSeconds:0} decisions/s on one thread"));
        }
    }
}
