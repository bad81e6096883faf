namespace IlTwo.Runtime.Approvals;

/// <summary>An approvals file that cannot be read or is not in the expected format; the message says where and why.</summary>
public sealed class ApprovalsFileException : Exception
{
    public ApprovalsFileException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        FilePath = path;
        Reason = reason;
    }

    public string FilePath { get; }

    public string Reason { get; }
}
