using System.Security.Claims;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MovieBooking.Api.Identity;

namespace MovieBooking.Tests.Identity;

public sealed class ValidatedTokenCacheTests : IDisposable
{
    private static readonly SymmetricSecurityKey Key = new("validated-token-cache-tests-signing-key-0123456789"u8.ToArray());

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private static readonly string UserOne = Guid.NewGuid().ToString();
    private static readonly Guid SameSession = Guid.NewGuid();
    private static readonly string DeletedUser = Guid.NewGuid().ToString();

    private readonly RevokedSessions _revoked;
    private readonly ValidatedTokenCache _cache;

    public ValidatedTokenCacheTests()
    {
        _revoked = new RevokedSessions(_time);
        _cache = new ValidatedTokenCache(subject => Task.FromResult(subject != DeletedUser), _revoked) { MapInboundClaims = false };
    }

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task A_token_is_validated_once_and_then_answered_from_memory()
    {
        var token = Token(Key, UserOne);

        var first = await _cache.ValidateTokenAsync(token, Parameters());
        var second = await _cache.ValidateTokenAsync(token, Parameters());

        Assert.True(first.IsValid);
        Assert.Same(first, second);
        Assert.Equal(UserOne, second.ClaimsIdentity.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task A_well_signed_token_whose_subject_is_no_user_is_refused_and_not_remembered()
    {
        var token = Token(Key, DeletedUser);

        var first = await _cache.ValidateTokenAsync(token, Parameters());
        var second = await _cache.ValidateTokenAsync(token, Parameters());

        Assert.False(first.IsValid);
        Assert.IsType<SecurityTokenValidationException>(first.Exception);
        Assert.False(second.IsValid);
        Assert.NotSame(first, second);
    }

    [Fact]
    public async Task Another_signature_on_a_remembered_payload_is_refused()
    {
        var token = Token(Key, UserOne);
        Assert.True((await _cache.ValidateTokenAsync(token, Parameters())).IsValid);

        var forged = Token(new SymmetricSecurityKey("someone-elses-signing-key-0123456789-abcdefghij"u8.ToArray()), UserOne);
        Assert.Equal(token[..token.LastIndexOf('.')], forged[..forged.LastIndexOf('.')]);

        await AssertRefusedAsync<SecurityTokenInvalidSignatureException>(forged);
    }

    [Fact]
    public async Task A_remembered_token_still_expires_by_the_services_clock()
    {
        var token = Token(Key, UserOne);
        Assert.True((await _cache.ValidateTokenAsync(token, Parameters())).IsValid);

        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.True((await _cache.ValidateTokenAsync(token, Parameters())).IsValid);

        _time.Advance(TimeSpan.FromMinutes(2));
        await AssertRefusedAsync<SecurityTokenInvalidLifetimeException>(token);
    }

    [Fact]
    public async Task A_refused_token_is_not_remembered()
    {
        var token = Token(Key, UserOne);
        var wrongAudience = Parameters();
        wrongAudience.ValidAudience = "someone-else";

        Assert.False((await _cache.ValidateTokenAsync(token, wrongAudience)).IsValid);
        Assert.True((await _cache.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    private async Task AssertRefusedAsync<TException>(string token)
        where TException : SecurityTokenException
    {
        var result = await _cache.ValidateTokenAsync(token, Parameters());
        Assert.False(result.IsValid);
        Assert.IsAssignableFrom<TException>(result.Exception);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_from_the_moment_its_session_is_revoked()
    {
        var session = Guid.NewGuid();
        var token = Token(Key, UserOne, session);
        Assert.True((await _cache.ValidateTokenAsync(token, Parameters())).IsValid);

        _revoked.Apply(new Revocation { UserId = Guid.Parse(UserOne), SessionId = session, ExpiresAt = _time.GetUtcNow().AddMinutes(16) });

        await AssertRefusedAsync<SecurityTokenValidationException>(token);
        // Other sessions of the same user are untouched.
        Assert.True((await _cache.ValidateTokenAsync(Token(Key, UserOne), Parameters())).IsValid);
    }

    [Fact]
    public async Task Tokens_below_the_users_lowest_accepted_version_are_refused_and_newer_ones_accepted()
    {
        var older = Token(Key, UserOne, version: 0);
        Assert.True((await _cache.ValidateTokenAsync(older, Parameters())).IsValid);

        _revoked.Apply(new Revocation { UserId = Guid.Parse(UserOne), BelowVersion = 1, ExpiresAt = _time.GetUtcNow().AddMinutes(16) });

        await AssertRefusedAsync<SecurityTokenValidationException>(older);
        Assert.True((await _cache.ValidateTokenAsync(Token(Key, UserOne, version: 1), Parameters())).IsValid);
    }

    [Fact]
    public async Task A_token_without_a_session_is_refused()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", UserOne)]),
            Issuer = "tests",
            Audience = "tests",
            IssuedAt = now,
            Expires = now.AddMinutes(15),
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        });

        await AssertRefusedAsync<SecurityTokenValidationException>(token);
    }

    private string Token(SecurityKey key, string subject, Guid? session = null, int version = 0)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = new Dictionary<string, object>
            {
                ["sid"] = (session ?? SameSession).ToString(),
                ["ver"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            Issuer = "tests",
            Audience = "tests",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(15),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = "tests",
        ValidAudience = "tests",
        IssuerSigningKey = Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            var now = _time.GetUtcNow().UtcDateTime;
            return expires is { } end && now < end && (notBefore is not { } start || start <= now);
        },
    };
}
