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
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
