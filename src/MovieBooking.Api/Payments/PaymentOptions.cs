using System.ComponentModel.DataAnnotations;

namespace MovieBooking.Api.Payments;

/// <summary>Bound from <c>Payments</c>. Secrets come from configuration; the sandbox's defaults are for development.</summary>
public sealed class PaymentOptions : IValidatableObject
{
    public const string Section = "Payments";

    /// <summary><c>sandbox</c> (default, built in), <c>razorpay</c> or <c>stripe</c>.</summary>
    public string Gateway { get; set; } = SandboxGateway.GatewayName;

    /// <summary>Refund the convenience fee and its tax when a customer cancels (they are kept by default).</summary>
    public bool RefundConvenienceFeeOnCancel { get; set; }

    public SandboxSettings Sandbox { get; set; } = new();
    public ReconcilerSettings Reconciler { get; set; } = new();
    public RazorpaySettings Razorpay { get; set; } = new();
    public StripeSettings Stripe { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? missing = Gateway switch
        {
            SandboxGateway.GatewayName => Missing(("Payments:Sandbox:KeySecret", Sandbox.KeySecret), ("Payments:Sandbox:WebhookSecret", Sandbox.WebhookSecret)),
            RazorpayGateway.GatewayName => Missing(("Payments:Razorpay:KeyId", Razorpay.KeyId), ("Payments:Razorpay:KeySecret", Razorpay.KeySecret),
                ("Payments:Razorpay:WebhookSecret", Razorpay.WebhookSecret)),
            StripeGateway.GatewayName => Missing(("Payments:Stripe:SecretKey", Stripe.SecretKey), ("Payments:Stripe:WebhookSecret", Stripe.WebhookSecret),
                ("Payments:Stripe:PublishableKey", Stripe.PublishableKey)),
            _ => null,
        };
        if (Gateway is not (SandboxGateway.GatewayName or RazorpayGateway.GatewayName or StripeGateway.GatewayName))
        {
            yield return new ValidationResult("Payments:Gateway must be sandbox, razorpay or stripe.", [nameof(Gateway)]);
        }
        else if (missing is not null)
        {
            yield return new ValidationResult($"{missing} is required for the {Gateway} gateway.", [nameof(Gateway)]);
        }

        // Data annotations of a nested section are not checked by ValidateDataAnnotations; its own are checked here.
        var reconciler = new List<ValidationResult>();
        Validator.TryValidateObject(Reconciler, new ValidationContext(Reconciler), reconciler, validateAllProperties: true);
        foreach (var result in reconciler)
        {
            yield return result;
        }
    }

    private static string? Missing(params (string Key, string? Value)[] settings) =>
        settings.FirstOrDefault(s => string.IsNullOrWhiteSpace(s.Value)).Key;
}

public sealed class SandboxSettings
{
    /// <summary>
    /// The sandbox takes no money: outside Development it runs only when this is set on purpose (a demo), never by
    /// default, and its checkout endpoints exist only while it is the gateway.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>Signs checkout answers (<c>orderId|paymentId</c>), as a gateway's key secret does.</summary>
    public string? KeySecret { get; set; }

    /// <summary>Signs webhook bodies (<c>X-Signature</c>).</summary>
    public string? WebhookSecret { get; set; }
}

public sealed class ReconcilerSettings
{
    /// <summary>
    /// The bound on how long a payment stays half done after a fault ends: the reconciler runs every quarter of it, takes
    /// payments untouched for a quarter of it, and a claim by an instance that died lapses after a quarter of it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:04", "1.00:00:00", ErrorMessage = "Payments:Reconciler:Within must be between 00:00:04 and 1.00:00:00.")]
    public TimeSpan Within { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a payment that failed or was given up is still asked about, in case the gateway takes it late.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00", ErrorMessage = "Payments:Reconciler:LatePayments must be between 00:00:00 and 30.00:00:00.")]
    public TimeSpan LatePayments { get; set; } = TimeSpan.FromDays(1);
}

public sealed class RazorpaySettings
{
    public string? KeyId { get; set; }
    public string? KeySecret { get; set; }
    public string? WebhookSecret { get; set; }
    public Uri BaseUrl { get; set; } = new("https://api.razorpay.com/v1/");
}

public sealed class StripeSettings
{
    public string? SecretKey { get; set; }

    /// <summary>The web app's Stripe.js draws the card form with it (<c>pk_…</c>, public by design).</summary>
    public string? PublishableKey { get; set; }
    public string? WebhookSecret { get; set; }

    /// <summary>Only changed to reach a stand-in server.</summary>
    public Uri? BaseUrl { get; set; }
}
