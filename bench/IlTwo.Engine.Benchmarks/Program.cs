using BenchmarkDotNet.Running;

namespace IlTwo.Engine.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["--print-generated"])
        {
            Console.WriteLine(BenchmarkData.Compile().GeneratedCode);
            return;
        }
        if (args is ["--profile"])
        {
            StageProfile.Run();
            return;
        }
        if (args is ["--profile-verdict"])
        {
            StageProfile.RunVerdicts();
            return;
        }
        if (args is ["--loop", var seconds, ..] && args.Length <= 3)
        {
            // For a sampling profiler (dotnet-trace): the pooled verdict from the benchmark record, over and over.
            var rules = BenchmarkData.CompileAndLoad(out _).Rules;
            var record = BenchmarkData.CreateRecord();
            if (args is [_, _, "empty"])
            {
                // The fixed part: the record without its observations (the course's dose slots, the snapshot, the checks).
                record = record with { Observations = [] };
            }

            if (args is [_, _, "no-doses"])
            {
                // The record's read and the decision-time rules, without the course's earlier points.
                record = record with { Doses = [] };
            }

            if (args is [_, _, "course"])
            {
                // Late in a course: 28 doses, each an earlier point the course assesses.
                record = BenchmarkData.WithCourseOf(record, 28);
            }

            var watch = System.Diagnostics.Stopwatch.StartNew();
            long calls = 0;
            while (watch.Elapsed.TotalSeconds < double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture))
            {
                for (var i = 0; i < 1000; i++)
                {
                    IlTwo.Runtime.Evaluation.ProtocolEvaluator.Decide(rules, record, BenchmarkData.At);
                }

                calls += 1000;
            }
            Console.WriteLine($"{calls} verdicts, {watch.Elapsed.TotalMicroseconds / calls:F2} us each");
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
