using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Options;
using NSec.Cryptography;

namespace MovieBooking.Api.Tickets;

/// <summary>What a ticket's code says, once its signature verified.</summary>
public sealed record TicketClaims(Guid TicketId, Guid ShowId, IReadOnlyList<string> Seats);

/// <summary>
/// Signs and reads the compact code a ticket's QR carries, verifiable offline with the public key:
/// <c>base64url(version 1 | ticket id (16) | show id (16) | seat list length (2) | seats "C7,C8" (UTF-8) | Ed25519 signature (64))</c>.
/// </summary>
public sealed class TicketCode : IDisposable
{
    public const byte Version = 1;
    private const int SignatureSize = 64;
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;
    private readonly Key _key;

    public TicketCode(IOptions<TicketOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var seed = Convert.FromBase64String(options.Value.SigningKey ?? throw new InvalidOperationException("Tickets:SigningKey is required."));
        _key = Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey);
        PublicKey = _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The raw 32-byte Ed25519 public key scanners verify with.</summary>
    public byte[] PublicKey { get; }

    public string Sign(TicketClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var seats = Encoding.UTF8.GetBytes(string.Join(',', claims.Seats));
        var data = new byte[1 + 16 + 16 + 2 + seats.Length];
        data[0] = Version;
        claims.TicketId.TryWriteBytes(data.AsSpan(1, 16), bigEndian: true, out _);
        claims.ShowId.TryWriteBytes(data.AsSpan(17, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(33, 2), (ushort)seats.Length);
        seats.CopyTo(data, 35);
        return Base64Url.EncodeToString([.. data, .. Algorithm.Sign(_key, data)]);
    }

    /// <summary>The claims of a code whose signature verifies; null for anything else.</summary>
    public TicketClaims? Read(string? code) => Read(code, PublicKey);

    /// <summary>What a scanner does offline with the public key.</summary>
    public static TicketClaims? Read(string? code, byte[] publicKey)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 2048)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(code);
        }
        catch (FormatException)
        {
            return null;
        }

        if (bytes.Length < 35 + SignatureSize || bytes[0] != Version)
        {
            return null;
        }

        var data = bytes.AsSpan(0, bytes.Length - SignatureSize);
        var seatsLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(33, 2));
        if (data.Length != 35 + seatsLength
            || !NSec.Cryptography.PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key)
            || !Algorithm.Verify(key!, data, bytes.AsSpan(data.Length)))
        {
            return null;
        }

        var seats = Encoding.UTF8.GetString(data.Slice(35, seatsLength)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        return new TicketClaims(new Guid(data.Slice(1, 16), bigEndian: true), new Guid(data.Slice(17, 16), bigEndian: true), seats);
    }

    /// <summary>A new private key seed, base64, for <c>Tickets:SigningKey</c>.</summary>
    public static string NewSigningKey()
    {
        using var key = Key.Create(Algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return Convert.ToBase64String(key.Export(KeyBlobFormat.RawPrivateKey));
    }

    public void Dispose() => _key.Dispose();
}
