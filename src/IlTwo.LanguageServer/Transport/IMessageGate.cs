namespace IlTwo.LanguageServer.Transport;

/// <summary>Decides, before dispatch, whether an incoming request or notification may run now.</summary>
public interface IMessageGate
{
    GateVerdict Admit(string method, bool expectsResponse);
}

/// <summary>Dispatch it, or refuse it: with an error answer when <see cref="ErrorCode"/> is set, silently otherwise.</summary>
public readonly record struct GateVerdict(bool Dispatch, int? ErrorCode = null, string? Message = null)
{
    public static GateVerdict Allow => new(true);

    public static GateVerdict Drop => new(false);

    public static GateVerdict Reject(int code, string message) => new(false, code, message);
}
