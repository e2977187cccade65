using Microsoft.Extensions.Options;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Payments;

/// <summary>
/// Safe defaults outside Development: the sandbox, which takes no money, runs only when enabled on purpose, and no
/// gateway runs with the published development secrets.
/// </summary>
internal sealed class PaymentEnvironmentValidation(IHostEnvironment environment) : IValidateOptions<PaymentOptions>
{
    public ValidateOptionsResult Validate(string? name, PaymentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Gateway == SandboxGateway.GatewayName && !options.Sandbox.Enabled && !environment.IsDevelopment())
        {
            failures.Add("The sandbox gateway takes no money and is not for production: set Payments:Gateway to razorpay or stripe, "
                + "or Payments__Sandbox__Enabled=true on purpose for a demo.");
        }

        if (DevelopmentSecrets.Refuse(environment,
            ("Payments:Sandbox:KeySecret", options.Sandbox.KeySecret),
            ("Payments:Sandbox:WebhookSecret", options.Sandbox.WebhookSecret),
            ("Payments:Razorpay:KeySecret", options.Razorpay.KeySecret),
            ("Payments:Razorpay:WebhookSecret", options.Razorpay.WebhookSecret),
            ("Payments:Stripe:WebhookSecret", options.Stripe.WebhookSecret)) is { } refused)
        {
            failures.Add(refused);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
