using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace MovieBooking.Api.Notifications;

/// <summary>Renders the emails' Razor components to HTML, and their plain-text twins to text.</summary>
public sealed class EmailTemplates(IServiceProvider services, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly HtmlRenderer _renderer = new(services, loggers);

    public Task<string> HtmlAsync<TComponent>(Dictionary<string, object?> parameters)
        where TComponent : IComponent =>
        _renderer.Dispatcher.InvokeAsync(async () =>
            (await _renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());

    /// <summary>A text template holds no markup; the renderer's HTML encoding of its values is undone.</summary>
    public async Task<string> TextAsync<TComponent>(Dictionary<string, object?> parameters)
        where TComponent : IComponent =>
        WebUtility.HtmlDecode(await HtmlAsync<TComponent>(parameters)).Trim() + "\n";

    public ValueTask DisposeAsync() => _renderer.DisposeAsync();
}
