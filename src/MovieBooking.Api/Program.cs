using MovieBooking.Api.Bookings;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
using MovieBooking.Api.Health;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Notifications;
using MovieBooking.Api.Payments;
using MovieBooking.Api.Realtime;
using MovieBooking.Api.Seating;

HostingExtensions.LoadDotEnv();
// A bad setting ends the start with one line naming it and exit code 1, not a stack trace.
WebApplication app;
ServiceRole role;
try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = args,
        ContentRootPath = HostingExtensions.DefaultContentRoot(args),
    });

    role = builder.Role();
    builder.UsePortFromConfiguration();
    builder.AddObservability();
    builder.AddForwardedClientAddresses();
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddSingleton<DomainEvents>();
    builder.AddProblemResponses();
    builder.AddCrossOriginRequests();
    builder.AddApiJson();
    builder.AddApiDocumentation();
    builder.AddDatabase();
    builder.AddRedis();
    builder.AddAccounts();
    builder.AddRateLimits();
    builder.AddCatalog();
    builder.AddBookings();
    builder.AddPayments();
    builder.AddNotifications();
    builder.AddLiveSeatMaps();
    builder.AddWebApp();

    app = builder.Build();
}
catch (SettingException setting)
{
    return SettingsCheck.Refuse(setting.Message);
}

if (SettingsCheck.Failed(app) is { } exitCode)
{
    return exitCode;
}


app.UseForwardedHeaders();
app.UseRequestLog();
app.UseHeadAsGet();
app.UseProblemResponses();
app.UseRouting();
app.MapMetrics();
if (role == ServiceRole.Worker)
{
    // A worker sends the outbox and answers its orchestrator's health probes; nothing else listens.
    app.MapGroup("").MapHealthApi();
    app.Run();
    return 0;
}

app.UseCors();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapApiDocumentation();
app.MapWebApp();
// Every endpoint's inputs are validated before its handler runs: attributes at every depth, no null list
// elements, no control characters, bounded lengths.
var api = app.MapGroup("").WithInputRules();
api.MapHealthApi();
api.MapAccountsApi();
api.MapCatalogApi();
api.MapSeatingApi();
api.MapSeatStreamApi();
api.MapBookingApis();
api.MapPaymentApis();
api.MapNotificationsApi();

app.Run();
return 0;

/// <summary>The entry point, visible to the integration tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
