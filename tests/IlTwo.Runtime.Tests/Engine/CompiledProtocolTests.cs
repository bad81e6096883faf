using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;
using IlTwo.Runtime.Approvals;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Protocols;
using static IlTwo.Runtime.Tests.Engine.ProtocolAssemblies;

namespace IlTwo.Runtime.Tests.Engine;

public sealed class CompiledProtocolTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("il2-engine-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Refusal(string path, CompiledProtocolLoadOptions? options = null)
    {
        var e = Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(path, options ?? CompiledProtocolLoadOptions.Development).Dispose());
        Assert.Equal(Path.GetFullPath(path), e.AssemblyPath);
        Assert.StartsWith("cannot load protocol assembly '", e.Message, StringComparison.Ordinal);
        return e.Reason!;
    }

    [Fact]
    public void Refuses_a_missing_file() =>
        Assert.Contains("does not exist", Refusal(Path.Combine(_directory, "nope.dll")), StringComparison.Ordinal);

    [Theory]
    [InlineData("this is not an assembly")]
    [InlineData("")]
    [InlineData("MZ")]
    public void Refuses_a_file_that_is_not_an_assembly(string content)
    {
        var path = Path.Combine(_directory, "fake.dll");
        File.WriteAllText(path, content);
        Assert.Contains("not a .NET assembly", Refusal(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_an_assembly_without_the_attribute() =>
        Assert.Contains("no [assembly: IlTwo.Runtime.Protocols.CompiledProtocolAttribute(...)]", Refusal(typeof(CompiledProtocolTests).Assembly.Location), StringComparison.Ordinal);

    public static TheoryData<string, string> BadAssemblies() => new()
    {
        { "no attribute", "no [assembly: IlTwo.Runtime.Protocols.CompiledProtocolAttribute" },
        { "no source resource", "'il2/source' resource) is missing" },
        { "wrong hash", "does not match its hash" },
        { "rules type missing", "is not defined in the assembly" },
        { "rules type not ProtocolRules", "does not derive from IlTwo.Runtime.Protocols.ProtocolRules" },
        { "info disagrees", "version '9.9.9' disagrees with the assembly attribute's '1.2.0'" },
        { "constructor throws", "failed to start: InvalidOperationException: boom" },
    };

    private static Spec SpecFor(string name) => name switch
    {
        "no attribute" => new Spec { Attribute = false },
        "no source resource" => new Spec { Resource = false },
        "wrong hash" => new Spec { Hash = Hash("something else") },
        "rules type missing" => new Spec { EmittedTypeName = "Il2.Generated.Other" },
        "rules type not ProtocolRules" => new Spec { BaseType = typeof(object) },
        "info disagrees" => new Spec { BaseType = typeof(MislabelledProtocolBase) },
        "constructor throws" => new Spec { BaseType = typeof(ThrowingProtocolBase) },
        _ => new Spec(),
    };

    [Theory]
    [MemberData(nameof(BadAssemblies))]
    public void Refuses_a_protocol_assembly_that_fails_a_check(string name, string reason) =>
        Assert.Contains(reason, Refusal(Write(_directory, SpecFor(name))), StringComparison.Ordinal);

    [Fact]
    public void Refuses_an_assembly_whose_source_was_altered_after_compiling()
    {
        var path = Write(_directory, new Spec());
        var bytes = File.ReadAllBytes(path);
        var source = Encoding.UTF8.GetBytes("version 1.2.0");
        var at = bytes.AsSpan().IndexOf(source);
        Assert.True(at > 0);
        bytes[at + source.Length - 1] = (byte)'1'; // 1.2.0 -> 1.2.1
        File.WriteAllBytes(path, bytes);

        Assert.Contains("does not match its hash", Refusal(path), StringComparison.Ordinal);
    }

    private static readonly CompiledProtocolLoadOptions Dev = CompiledProtocolLoadOptions.Development;

    [Fact]
    public void Without_a_trust_store_the_loader_refuses_unless_unsigned_is_accepted_explicitly()
    {
        var path = Write(_directory, new Spec());

        var refused = Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(path));
        Assert.Equal(TrustCodes.NoTrustStore, refused.Code);
        Assert.Contains("TRUST001: no trust store was given", refused.Message, StringComparison.Ordinal);
        Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(path, new CompiledProtocolLoadOptions()));

        using var unsigned = CompiledProtocol.Load(path, Dev);
        Assert.Null(unsigned.Approval);
        var (patient, at) = ProtocolEvaluatorTests.Scenarios.Values.First();
        var decision = unsigned.Evaluate(patient.Build(), at);
        Assert.Equal(CompiledProtocolLoadOptions.DevelopmentNotice, decision.UnsignedProtocol);
        Assert.Contains("\"unsigned\":\"unsigned protocol loaded for development", DoseDecisionJson.Serialize(decision, indented: false), StringComparison.Ordinal);
        var log = new StringWriter();
        unsigned.Evaluate(patient.Build(), at, new DecisionLog(log));
        Assert.Contains("\"unsigned\":", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_trust_store_an_unsigned_assembly_is_refused_before_it_is_loaded()
    {
        var path = Write(_directory, new Spec());
        using var key = SigningKey.Create("A. Pharmacist", ApprovalRole.Pharmacist);
        var options = new CompiledProtocolLoadOptions { Trust = new TrustStore([key.PublicEntry()]), Signatures = [] };

        var refused = Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(path, options));

        Assert.Equal(TrustCodes.NoSignatures, refused.Code);
        var name = Path.GetFileNameWithoutExtension(path);
        Assert.DoesNotContain(AssemblyLoadContext.All.SelectMany(c => c.Assemblies), a => a.GetName().Name == name);
        var missingFile = Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(path, options with { Signatures = null }));
        Assert.Equal(TrustCodes.NoSignatures, missingFile.Code);
    }

    [Fact]
    public void Loads_a_verified_protocol_and_evaluates_like_the_hand_written_one()
    {
        using var protocol = CompiledProtocol.Load(Write(_directory, new Spec()), Dev);

        Assert.Equal(("test-protocol", "1.2.0", Hash(Source)), (protocol.Info.Id, protocol.Info.Version, protocol.Info.SourceHash));
        Assert.Equal(Source, protocol.Source);
        Assert.Equal("Il2.Generated.TestProtocolRules", protocol.Rules.GetType().FullName);
        Assert.Same(typeof(ProtocolRules).Assembly, protocol.Rules.GetType().BaseType!.BaseType!.Assembly);
        foreach (var (patient, at) in ProtocolEvaluatorTests.Scenarios.Values)
        {
            var record = patient.Build();
            var expected = ProtocolEvaluator.Evaluate(TestProtocol.Instance, record, at);
            var actual = protocol.Evaluate(record, at);
            Assert.Equal(expected.Summary, actual.Summary);
            Assert.Equal(expected.Action, actual.Action);
        }
    }

    [Fact]
    public void Disposed_protocols_refuse_evaluation_and_unload()
    {
        var path = Write(_directory, new Spec());
        var context = LoadEvaluateDispose(path);
        for (var i = 0; i < 20 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(context.IsAlive, "the protocol's load context was not collected after Dispose");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadEvaluateDispose(string path)
    {
        var protocol = CompiledProtocol.Load(path, Dev);
        var (patient, at) = ProtocolEvaluatorTests.Scenarios["sbp 84"];
        Assert.Equal(DoseAction.Hold, protocol.Evaluate(patient.Build(), at).Action);
        var context = protocol.ContextReference();
        protocol.Dispose();
        protocol.Dispose();
        Assert.True(protocol.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => protocol.Evaluate(patient.Build(), at));
        Assert.Equal("test-protocol", protocol.Info.Id);
        return context;
    }

    [Fact]
    public void Registry_replaces_and_unloads_the_old_version_when_its_last_user_is_done()
    {
        using var registry = new ProtocolRegistry();
        var v1 = CompiledProtocol.Load(Write(_directory, new Spec { Version = "1.0.0" }), Dev);
        var v2 = CompiledProtocol.Load(Write(_directory, new Spec { Version = "2.0.0" }), Dev);
        var (patient, at) = ProtocolEvaluatorTests.Scenarios["normal"];

        Assert.Null(registry.Replace(v1));
        Assert.Equal("1.0.0", registry.Evaluate("test-protocol", patient.Build(), at).ProtocolVersion);
        Assert.True(registry.TryAcquire("test-protocol", out var lease));

        Assert.Equal("1.0.0", registry.Replace(v2)!.Version);
        Assert.False(v1.IsDisposed); // still leased
        Assert.Equal("1.0.0", lease.Protocol.Evaluate(patient.Build(), at).ProtocolVersion);
        Assert.Equal("2.0.0", registry.Evaluate("test-protocol", patient.Build(), at).ProtocolVersion);

        lease.Dispose();
        lease.Dispose();
        Assert.True(v1.IsDisposed);
        Assert.False(v2.IsDisposed);
        Assert.Equal(["test-protocol"], registry.Protocols.Select(p => p.Id));
        Assert.Throws<KeyNotFoundException>(() => registry.Evaluate("other", patient.Build(), at));

        Assert.True(registry.Remove("test-protocol"));
        Assert.True(v2.IsDisposed);
        Assert.False(registry.TryAcquire("test-protocol", out _));
    }

    [Fact]
    public async Task Registry_swaps_safely_under_concurrent_evaluation()
    {
        using var registry = new ProtocolRegistry();
        var paths = Enumerable.Range(0, 4).Select(i => Write(_directory, new Spec { Version = $"1.0.{i}" })).ToArray();
        registry.Replace(CompiledProtocol.Load(paths[0], Dev));
        var (patient, at) = ProtocolEvaluatorTests.Scenarios["sbp 84"];
        var record = patient.Build();
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var evaluations = 0;

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (registry.Evaluate("test-protocol", record, at).Action != DoseAction.Hold)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    Interlocked.Increment(ref evaluations);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();
        var loaded = new List<CompiledProtocol>();
        foreach (var path in paths.Skip(1))
        {
            await Task.Delay(20);
            var next = CompiledProtocol.Load(path, Dev);
            loaded.Add(next);
            registry.Replace(next);
        }
        await Task.Delay(20);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Equal(0, failures);
        Assert.True(evaluations > 0);
        Assert.All(loaded.Take(loaded.Count - 1), p => Assert.True(p.IsDisposed));
        Assert.False(loaded[^1].IsDisposed);
    }
}
