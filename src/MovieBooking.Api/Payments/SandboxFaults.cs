using System.Collections.Concurrent;

namespace MovieBooking.Api.Payments;

/// <summary>A step of the sandbox gateway that can be told to fail.</summary>
public enum SandboxStep
{
    CreateOrder,

    /// <summary>The hosted checkout taking the money (<c>/api/sandbox/orders/{id}/pay</c>).</summary>
    Capture,
    Refund,

    /// <summary>Status queries: an order's payment, a payment's refund.</summary>
    Status,
}

public enum SandboxFault
{
    /// <summary>The gateway answers 5xx and does nothing.</summary>
    ServerError,

    /// <summary>The request times out before the gateway acts.</summary>
    Timeout,

    /// <summary>The gateway acts, and its answer is lost: the caller sees a time-out.</summary>
    TimeoutAfterDone,
}

public enum WebhookFault
{
    Lose,
    Delay,
    Duplicate,
}

/// <summary>
/// Failures the sandbox gateway is told to produce, each once per injection, in order: what a real gateway does on a
/// bad day, on demand. Tests inject them; nothing is injected unless asked.
/// </summary>
public sealed class SandboxFaults
{
    private readonly ConcurrentDictionary<SandboxStep, ConcurrentQueue<SandboxFault>> _steps = new();
    private readonly ConcurrentQueue<(WebhookFault Fault, TimeSpan Delay)> _webhooks = new();

    public void Inject(SandboxStep step, SandboxFault fault, int times = 1)
    {
        var queue = _steps.GetOrAdd(step, _ => new ConcurrentQueue<SandboxFault>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(fault);
        }
    }

    /// <summary>The next webhooks the sandbox sends are lost, delayed by <paramref name="delay"/>, or sent twice.</summary>
    public void InjectWebhook(WebhookFault fault, int times = 1, TimeSpan delay = default)
    {
        for (var i = 0; i < times; i++)
        {
            _webhooks.Enqueue((fault, delay));
        }
    }

    public void Clear()
    {
        _steps.Clear();
        _webhooks.Clear();
    }

    /// <summary>The fault to produce at this call of <paramref name="step"/>, if one is due.</summary>
    internal SandboxFault? Next(SandboxStep step) =>
        _steps.TryGetValue(step, out var queue) && queue.TryDequeue(out var fault) ? fault : null;

    internal (WebhookFault Fault, TimeSpan Delay)? NextWebhook() => _webhooks.TryDequeue(out var fault) ? fault : null;

    /// <summary>Throws what a caller sees when the gateway fails before acting.</summary>
    internal static void ThrowIfFailingBefore(SandboxStep step, SandboxFault? fault)
    {
        switch (fault)
        {
            case SandboxFault.ServerError:
                throw new PaymentGatewayException($"The sandbox gateway answered 503 to {step}.");
            case SandboxFault.Timeout:
                throw new PaymentGatewayException($"The sandbox gateway did not answer {step} in time.", new TimeoutException());
        }
    }

    /// <summary>Throws the time-out of a step the gateway carried out but whose answer was lost.</summary>
    internal static void ThrowIfAnswerLost(SandboxStep step, SandboxFault? fault)
    {
        if (fault == SandboxFault.TimeoutAfterDone)
        {
            throw new PaymentGatewayException($"The sandbox gateway's answer to {step} was lost.", new TimeoutException());
        }
    }
}
