namespace IlTwo.Runtime.Approvals;

/// <summary>
/// Stable codes for every reason a protocol assembly or an approval is refused (docs/approvals.md lists them). A message
/// always starts with its code, so scripts and tests can match on it while people read the rest.
/// </summary>
public static class TrustCodes
{
    /// <summary>No trust store was given and the caller did not accept unsigned protocols.</summary>
    public const string NoTrustStore = "TRUST001";

    /// <summary>No signatures file, or one without signatures.</summary>
    public const string NoSignatures = "TRUST002";

    /// <summary>No valid approval signs the SHA-256 of these assembly bytes.</summary>
    public const string AssemblyNotSigned = "TRUST003";

    /// <summary>A signature names a key the trust store does not hold.</summary>
    public const string UnknownKey = "TRUST004";

    /// <summary>A signature does not verify with its key (the signature, header or payload was altered).</summary>
    public const string BadSignature = "TRUST005";

    /// <summary>A signature's key is revoked in the trust store.</summary>
    public const string RevokedKey = "TRUST006";

    /// <summary>An approval's effective date is after today.</summary>
    public const string NotYetEffective = "TRUST007";

    /// <summary>Today is past an approval's review-by date.</summary>
    public const string Expired = "TRUST008";

    /// <summary>An approval's review-by date lies beyond the maximum validity.</summary>
    public const string ValidityTooLong = "TRUST009";

    /// <summary>No approval in force for one of the two roles (pharmacist, physician).</summary>
    public const string RoleMissing = "TRUST010";

    /// <summary>The pharmacist and the physician approvals are by the same person (or the same key).</summary>
    public const string SamePerson = "TRUST011";

    /// <summary>A signed approver or role differs from what the trust store binds to the key.</summary>
    public const string IdentityMismatch = "TRUST012";

    /// <summary>A signatures file, signature, payload or key file is malformed (duplicate JSON keys, unknown fields, ...).</summary>
    public const string Malformed = "TRUST013";

    /// <summary>The signed canonical hash is not the protocol's (it, or a protocol it extends, changed since signing).</summary>
    public const string CanonicalHashMismatch = "TRUST014";

    /// <summary>A signature over these bytes names another protocol id or version than the assembly's.</summary>
    public const string ProtocolMismatch = "TRUST015";

    /// <summary>A private key file is readable by group or others, or cannot be read.</summary>
    public const string KeyFilePermissions = "TRUST016";

    /// <summary>The trust store is missing or malformed.</summary>
    public const string BadTrustStore = "TRUST017";
}

/// <summary>A trust store, signatures file or key file that cannot be used; <see cref="Exception.Message"/> starts with the code.</summary>
public sealed class TrustException(string code, string message, Exception? inner = null) : Exception($"{code}: {message}", inner)
{
    public string Code { get; } = code;
}
