using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace MovieBooking.Api.Infrastructure;

public static class OpenApiExtensions
{
    private const string BearerScheme = "Bearer";

    public static WebApplicationBuilder AddApiDocumentation(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Movie Booking API";
                document.Info.Description = "Cities, movies, theatres, shows and live seat maps of an online movie-ticket platform. "
                    + "Sign in with POST /api/auth/login and send the access token as `Authorization: Bearer …`.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "Access token from POST /api/auth/login.",
                };
                return Task.CompletedTask;
            });
            // Endpoints that require a signed-in user say so, with the 401 and 403 answers they can give.
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any())
                {
                    return Task.CompletedTask;
                }

                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                });
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid access token." });
                if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
                {
                    operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The signed-in user may not do this." });
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c>; the interactive reference at <c>/scalar</c> in Development.</summary>
    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference(options => options.AddPreferredSecuritySchemes(BearerScheme));
        }

        return app;
    }
}
