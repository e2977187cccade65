using Microsoft.Extensions.Options;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Tickets;
using Stripe;

namespace MovieBooking.Api.Payments;

public static class PaymentExtensions
{
    /// <summary>The configured gateway (<c>Payments:Gateway</c>), payments, refunds and tickets.</summary>
    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<PaymentOptions>().BindConfiguration(PaymentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<PaymentOptions>, PaymentEnvironmentValidation>();
        var gateway = builder.Configuration[$"{PaymentOptions.Section}:{nameof(PaymentOptions.Gateway)}"] ?? SandboxGateway.GatewayName;
        switch (gateway)
        {
            case RazorpayGateway.GatewayName:
                services.AddHttpClient<RazorpayGateway>((sp, http) =>
                {
                    var razorpay = sp.GetRequiredService<IOptions<PaymentOptions>>().Value.Razorpay;
                    http.BaseAddress = razorpay.BaseUrl;
                    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{razorpay.KeyId}:{razorpay.KeySecret}")));
                }).AddStandardResilienceHandler();
                services.AddScoped<IPaymentGateway>(sp => sp.GetRequiredService<RazorpayGateway>());
                break;
            case StripeGateway.GatewayName:
                services.AddHttpClient(StripeGateway.GatewayName).AddStandardResilienceHandler();
                services.AddSingleton<IStripeClient>(sp =>
                {
                    var stripe = sp.GetRequiredService<IOptions<PaymentOptions>>().Value.Stripe;
                    var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(StripeGateway.GatewayName);
                    return new StripeClient(apiKey: stripe.SecretKey, httpClient: new SystemNetHttpClient(http), apiBase: stripe.BaseUrl?.ToString().TrimEnd('/'));
                });
                services.AddScoped<IPaymentGateway, StripeGateway>();
                break;
            default:
                services.AddSingleton<SandboxFaults>();
                services.AddSingleton<SandboxGateway>();
                services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<SandboxGateway>());
                services.AddSingleton<SandboxWebhookSender>();
                if (builder.ServesApi())
                {
                    services.AddHostedService(sp => sp.GetRequiredService<SandboxWebhookSender>());
                }

                break;
        }

        services.AddScoped<PaymentService>();
        services.AddSingleton<PaymentReconciler>();
        if (builder.ServesApi())
        {
            services.AddHostedService(sp => sp.GetRequiredService<PaymentReconciler>());
        }

        services.AddTickets();
        return builder;
    }

    public static IEndpointRouteBuilder MapPaymentApis(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapPaymentsApi();
        if (routes.ServiceProvider.GetRequiredService<IOptions<PaymentOptions>>().Value.Gateway == SandboxGateway.GatewayName)
        {
            routes.MapSandboxApi();
        }

        routes.MapTicketsApi();
        return routes;
    }
}
