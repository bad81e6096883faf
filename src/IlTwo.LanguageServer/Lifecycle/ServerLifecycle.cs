using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Transport;

namespace IlTwo.LanguageServer.Lifecycle;

public enum ServerState
{
    /// <summary>Waiting for <c>initialize</c>.</summary>
    Created,

    /// <summary><c>initialize</c> received: everything is served.</summary>
    Running,

    /// <summary><c>shutdown</c> received: only <c>exit</c> is served.</summary>
    ShutDown,

    /// <summary><c>exit</c> received.</summary>
    Exited,
}

/// <summary>
/// LSP's lifecycle as a gate in front of dispatch: requests before <c>initialize</c> get -32002, requests after
/// <c>shutdown</c> get -32600, notifications in either state are dropped; <c>exit</c> is always let through.
/// The state moves when the message is admitted (in wire order), not when its handler finishes.
/// </summary>
public sealed class ServerLifecycle : IMessageGate
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServerState _state = ServerState.Created;
    private bool _shutdownReceived;

    public ServerState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>0 once <c>shutdown</c> was received, 1 otherwise (LSP's exit code rule).</summary>
    public int ExitCode
    {
        get
        {
            lock (_gate)
            {
                return _shutdownReceived ? 0 : 1;
            }
        }
    }

    /// <summary>Completes with the exit code when <c>exit</c> is handled.</summary>
    public Task<int> Exited => _exited.Task;

    public GateVerdict Admit(string method, bool expectsResponse)
    {
        lock (_gate)
        {
            if (method == "exit")
            {
                return GateVerdict.Allow;
            }

            switch (_state)
            {
                case ServerState.Created when method == "initialize":
                    _state = ServerState.Running;
                    return GateVerdict.Allow;
                case ServerState.Created:
                    return expectsResponse
                        ? GateVerdict.Reject(ErrorCodes.ServerNotInitialized, $"The server is not initialized: '{method}' arrived before 'initialize'.")
                        : GateVerdict.Drop;
                case ServerState.Running when method == "initialize":
                    return GateVerdict.Reject(ErrorCodes.InvalidRequest, "'initialize' was already received.");
                case ServerState.Running when method == "shutdown":
                    _state = ServerState.ShutDown;
                    _shutdownReceived = true;
                    return GateVerdict.Allow;
                case ServerState.Running:
                    return GateVerdict.Allow;
                default:
                    return expectsResponse
                        ? GateVerdict.Reject(ErrorCodes.InvalidRequest, $"The server is shut down: '{method}' is refused; only 'exit' is accepted.")
                        : GateVerdict.Drop;
            }
        }
    }

    /// <summary>Marks the end of the session; the host then stops with <see cref="ExitCode"/>.</summary>
    public void Exit()
    {
        int code;
        lock (_gate)
        {
            _state = ServerState.Exited;
            code = _shutdownReceived ? 0 : 1;
        }

        _exited.TrySetResult(code);
    }
}
