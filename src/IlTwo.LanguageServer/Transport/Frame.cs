namespace IlTwo.LanguageServer.Transport;

/// <summary>One unit read off the wire by <see cref="FrameReader"/>.</summary>
internal abstract record Frame;

/// <summary>A body that is one complete JSON value. <paramref name="Note"/> says how framing was repaired, if it was.</summary>
internal sealed record MessageFrame(byte[] Body, string? Note = null) : Frame;

/// <summary>Bytes that were not a message: answered with -32700 and skipped.</summary>
internal sealed record BadFrame(string Reason) : Frame;
