using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Identity;

public sealed record UserResponse(Guid Id, string Email, bool EmailConfirmed, string Name, Role Role, DateTimeOffset CreatedAt, string? Phone, ReminderChoices Reminders)
{
    public static UserResponse From(User user) =>
        new(user.Id, user.Email, user.EmailConfirmedAt is not null, user.Name, user.Role, user.CreatedAt, user.Phone, new ReminderChoices(user.RemindByEmail, user.RemindBySms));
}

/// <summary>How a person wants reminders before their shows. Messages about money always come by email.</summary>
public sealed record ReminderChoices(bool Email, bool Sms);

/// <summary>A phone number for SMS (international form; <c>null</c> removes it) and the channels reminders come by.</summary>
public sealed record PreferencesRequest(
    [property: StringLength(32)] string? Phone,
    [property: Required] ReminderChoices? Reminders);

public static class UsersApi
{
    public sealed record ChangeRoleRequest([property: Required] Role? Role);

    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/users").WithTags("Accounts").RequireAuthorization();
        api.MapGet("/me", GetMeAsync).WithSummary("The signed-in user's profile, role, phone number and reminder choices.");
        api.MapPut("/me/preferences", SetPreferencesAsync)
            .WithSummary("Sets the signed-in user's phone number (international form, such as +91 98765 43210) and whether reminders come by email, SMS, both or neither. Messages about money always come by email.");
        api.MapGet("/{userId:guid}", GetUserAsync).RequireAuthorization(Policies.Admin)
            .WithSummary("A user's profile and role (Admin).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/{userId:guid}/role", ChangeRoleAsync)
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Changes a user's role at once: their access tokens naming the old role are refused, and the next refresh carries the new one. The last admin cannot be demoted.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetMeAsync(
        CurrentUser me, MovieBookingDb db, CancellationToken cancellationToken) =>
        await GetUserAsync(me.Id, db, cancellationToken);

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUserAsync(
        Guid userId, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new UserResponse(u.Id, u.Email, u.EmailConfirmedAt != null, u.Name, u.Role, u.CreatedAt, u.Phone, new ReminderChoices(u.RemindByEmail, u.RemindBySms)))
            .FirstOrDefaultAsync(cancellationToken);
        return user is null ? ApiProblems.NotFound("User", userId) : TypedResults.Ok(user);
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem>> SetPreferencesAsync(
        PreferencesRequest request, CurrentUser me, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var phone = string.IsNullOrWhiteSpace(request.Phone) ? null : PhoneNumbers.ToE164(request.Phone);
        if (phone is null && !string.IsNullOrWhiteSpace(request.Phone))
        {
            errors["phone"] = ["Give a mobile number in international form, with its country code: +91 98765 43210."];
        }

        var reminders = request.Reminders!;
        if (reminders.Sms && phone is null && !errors.ContainsKey("phone"))
        {
            errors["reminders.sms"] = ["Add a phone number to get reminders by SMS."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var user = await db.Users.FirstAsync(u => u.Id == me.Id, cancellationToken);
        user.Phone = phone;
        user.RemindByEmail = reminders.Email;
        user.RemindBySms = reminders.Sms;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(UserResponse.From(user));
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> ChangeRoleAsync(
        Guid userId, ChangeRoleRequest request, MovieBookingDb db, SessionRevoker revoker, CancellationToken cancellationToken)
    {
        var role = request.Role!.Value;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return ApiProblems.NotFound("User", userId);
        }

        if (user.Role == Role.Admin && role != Role.Admin && await db.Users.CountAsync(u => u.Role == Role.Admin, cancellationToken) == 1)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Last admin",
                detail: "This is the only admin; make another user an admin first.");
        }

        if (user.Role == role)
        {
            return TypedResults.Ok(UserResponse.From(user));
        }

        // Tokens naming the old role are refused from now on; the next refresh carries the new one.
        user.Role = role;
        user.TokenVersion++;
        var revocation = revoker.RevokeVersionsBelow(user.Id, user.TokenVersion);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await revoker.AnnounceAsync(revocation);
        return TypedResults.Ok(UserResponse.From(user));
    }
}
