using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Notifications;

/// <summary>A message as admins follow it: what, to whom, how it went.</summary>
public sealed record NotificationResponse(
    Guid Id, NotificationKind Kind, NotificationChannel Channel, Guid UserId, Guid? BookingId, NotificationStatus Status, int Attempts,
    DateTimeOffset DueAt, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, string? LastError)
{
    public static NotificationResponse From(Notification n) =>
        new(n.Id, n.Kind, n.Channel, n.UserId, n.BookingId, n.Status, n.Attempts, n.DueAt, n.CreatedAt, n.SentAt, n.LastError);
}

public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/admin/notifications").WithTags("Notifications").RequireAuthorization(Policies.Admin);
        admin.MapGet("/", ListNotificationsAsync)
            .WithSummary("Messages in one state, newest first: by default the failed ones, each with its attempts and last error.");
        admin.MapPost("/{notificationId:guid}/retry", RetryNotificationAsync)
            .WithSummary("Sends a failed message again: it is due now, with a fresh set of attempts.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    private static async Task<Results<Ok<PagedList<NotificationResponse>>, ValidationProblem>> ListNotificationsAsync(
        [AsParameters] PageRequest page,
        [Description("Only messages in this state: PENDING, SENT, FAILED (the default) or SKIPPED.")] string? status,
        MovieBookingDb db,
        CancellationToken cancellationToken)
    {
        var names = Enum.GetValues<NotificationStatus>().ToDictionary(s => s.ToString().ToUpperInvariant());
        if (!names.TryGetValue(status ?? "FAILED", out var wanted))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["status"] = [$"A status is one of {string.Join(", ", names.Keys)}."],
            });
        }

        var listed = await db.Notifications.AsNoTracking()
            .Where(n => n.Status == wanted)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .ToPageAsync(page, cancellationToken);
        return TypedResults.Ok(new PagedList<NotificationResponse>([.. listed.Items.Select(NotificationResponse.From)], listed.Page, listed.PageSize, listed.Total));
    }

    private static async Task<Results<Ok<NotificationResponse>, ProblemHttpResult>> RetryNotificationAsync(
        Guid notificationId, MovieBookingDb db, OutboxSignal signal, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var retried = await db.Notifications
            .Where(n => n.Id == notificationId && n.Status == NotificationStatus.Failed)
            .ExecuteUpdateAsync(n => n.SetProperty(x => x.Status, NotificationStatus.Pending).SetProperty(x => x.DueAt, now).SetProperty(x => x.Attempts, 0), cancellationToken);
        var notification = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == notificationId, cancellationToken);
        if (notification is null)
        {
            return ApiProblems.NotFound("Notification", notificationId);
        }

        if (retried == 0)
        {
            return ApiProblems.Conflict("Notification not failed", $"The message is {notification.Status.ToString().ToUpperInvariant()}; only a failed message is sent again.");
        }

        signal.Written();
        return TypedResults.Ok(NotificationResponse.From(notification));
    }
}
