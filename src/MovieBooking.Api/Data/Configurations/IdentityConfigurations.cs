using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MovieBooking.Api.Identity;

namespace MovieBooking.Api.Data.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> user)
    {
        user.Property(u => u.Email).HasMaxLength(AccountEmailAttribute.MaxLength);
        user.Property(u => u.NormalizedEmail).HasMaxLength(AccountEmailAttribute.MaxLength);
        user.Property(u => u.Name).HasMaxLength(100);
        user.Property(u => u.PasswordHash).HasMaxLength(200);
        user.Property(u => u.Phone).HasMaxLength(16);
        user.HasIndex(u => u.NormalizedEmail).IsUnique();
        user.ToTable(t => t.HasCheckConstraint("ck_users_role", $"role IN ({UpperSnakeCaseEnumConverter<Role>.SqlList})"));
    }
}

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> token)
    {
        token.Property(t => t.TokenHash).HasMaxLength(64);
        token.HasIndex(t => t.TokenHash).IsUnique();
        token.HasIndex(t => t.FamilyId);
        token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AccountLinkConfiguration : IEntityTypeConfiguration<AccountLink>
{
    public void Configure(EntityTypeBuilder<AccountLink> link)
    {
        link.HasOne<User>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
        link.HasIndex(l => new { l.UserId, l.Purpose, l.CreatedAt });
        link.ToTable(t => t.HasCheckConstraint("ck_account_links_purpose", $"purpose IN ({UpperSnakeCaseEnumConverter<AccountLinkPurpose>.SqlList})"));
    }
}

internal sealed class LoginFailureConfiguration : IEntityTypeConfiguration<LoginFailure>
{
    public void Configure(EntityTypeBuilder<LoginFailure> failure)
    {
        failure.Property(f => f.NormalizedEmail).HasMaxLength(AccountEmailAttribute.MaxLength);
        failure.Property(f => f.Client).HasMaxLength(64);
        failure.HasIndex(f => new { f.NormalizedEmail, f.Client, f.FailedAt });
        failure.HasIndex(f => new { f.Client, f.FailedAt });
        failure.HasIndex(f => f.FailedAt);
    }
}

internal sealed class RevocationConfiguration : IEntityTypeConfiguration<Revocation>
{
    public void Configure(EntityTypeBuilder<Revocation> revocation)
    {
        revocation.HasIndex(r => r.RecordedAt);
        revocation.HasIndex(r => r.ExpiresAt);
    }
}
