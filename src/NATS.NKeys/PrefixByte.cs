namespace NATS.NKeys;

/// <summary>
/// The first byte of a decoded NKey: it names the role of the key. The values are shifted left by
/// three so that the first base32 character of the encoding reads as the role's letter.
/// </summary>
public enum PrefixByte : byte
{
    /// <summary>Account keys ("A…").</summary>
    Account = 0,

    /// <summary>Cluster keys ("C…").</summary>
    Cluster = 2 << 3,

    /// <summary>Server keys ("N…").</summary>
    Server = 13 << 3,

    /// <summary>Operator keys ("O…").</summary>
    Operator = 14 << 3,

    /// <summary>The seed marker ("S…"); the role of a seed is carried in its second byte.</summary>
    Seed = 18 << 3,

    /// <summary>User keys ("U…").</summary>
    User = 20 << 3,
}
