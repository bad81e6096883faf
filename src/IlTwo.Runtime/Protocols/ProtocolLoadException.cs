namespace IlTwo.Runtime.Protocols;

/// <summary>A compiled protocol was refused: the message says why, in words for whoever deploys protocols.</summary>
public sealed class ProtocolLoadException : Exception
{
    public ProtocolLoadException()
    {
    }

    public ProtocolLoadException(string message)
        : base(message)
    {
    }

    public ProtocolLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProtocolLoadException(string path, string reason, Exception? innerException = null)
        : base($"cannot load protocol assembly '{path}': {reason}", innerException)
    {
        AssemblyPath = path;
        Reason = reason;
    }

    public string? AssemblyPath { get; }

    public string? Reason { get; }
}

/// <summary>Options for <see cref="CompiledProtocol.Load"/>.</summary>
public sealed record CompiledProtocolLoadOptions
{
    /// <summary>
    /// Called with the protocol's description after every integrity check has passed; a non-null result refuses the
    /// load with that message (for approval workflows).
    /// </summary>
    public Func<ProtocolInfo, string?>? Approval { get; init; }
}
