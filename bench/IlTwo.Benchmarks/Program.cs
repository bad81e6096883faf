using BenchmarkDotNet.Running;
using IlTwo.Benchmarks;

if (args.Length > 0 && args[0] == "analysis")
{
    AnalysisScaling.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "verifier")
{
    VerifierTimings.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "cohort-profile")
{
    CohortProfile.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "cohort")
{
    CohortThroughput.Run(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
