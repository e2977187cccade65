using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace MovieBooking.Api.Infrastructure;

/// <summary>
/// The OpenAPI document describes every operation as the service runs it: an <c>operationId</c> from the handler's
/// name, its security (or none), every problem answer it can give with the problem schema (400 for every operation,
/// since every one validates its query; 401/403 by its authorization; 429 where rate limited; 503 when a dependency
/// is down), the <c>Idempotency-Key</c> header where it is honoured, query names as clients send them, and request
/// fields marked required exactly where the server requires them.
/// </summary>
public static class OpenApiExtensions
{
    private const string BearerScheme = "Bearer";
    private const string ProblemJson = "application/problem+json";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Health"] = "Liveness and readiness for load balancers and orchestrators.",
        ["Accounts"] = "Registration, sign-in, token refresh and sign-out, profiles and roles.",
        ["Cities"] = "Cities and the movies showing in each.",
        ["Movies"] = "The movie catalogue and each movie's shows by theatre.",
        ["Theatres"] = "Theatres, their owners and screens.",
        ["Screens"] = "Screens and their seat layouts.",
        ["Shows"] = "Scheduling, changing and cancelling shows.",
        ["Seats"] = "The seat map of a show, and its live stream.",
        ["Holds"] = "Holding seats for a few minutes, all or none.",
        ["Bookings"] = "Bookings made from holds: price, payment status, cancellation.",
        ["Payments"] = "Paying for bookings through the configured gateway, and its webhooks.",
        ["Tickets"] = "Signed tickets and admission at the door.",
        ["Sandbox gateway"] = "The built-in payment gateway for development and demos; it takes no money.",
    };

    public static WebApplicationBuilder AddApiDocumentation(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Movie Booking API";
                document.Info.Description = "Cities, movies, theatres, shows and live seat maps of an online movie-ticket platform. "
                    + "Sign in with POST /api/auth/login and send the access token as `Authorization: Bearer …`. "
                    + "Every error is an RFC 9457 problem (`application/problem+json`).";
                // Relative to wherever the document is served from.
                document.Servers = [new OpenApiServer { Url = "/", Description = "This service" }];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "Access token from POST /api/auth/login.",
                };
                document.Tags = new HashSet<OpenApiTag>(
                    (document.Tags ?? new HashSet<OpenApiTag>()).Select(tag => new OpenApiTag
                    {
                        Name = tag.Name,
                        Description = tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description) ? description : tag.Description,
                    }));
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                operation.OperationId ??= OperationId(metadata);
                CamelCaseQueryNames(operation);
                var document = context.Document ?? throw new InvalidOperationException("The operation is described outside a document.");
                DescribeSecurity(operation, metadata, document);
                DescribeProblems(operation, metadata, document);
                if (metadata.OfType<IdempotentOperation>().Any())
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = IdempotentOperation.Header,
                        In = ParameterLocation.Header,
                        Required = false,
                        Description = "Makes the request safe to retry: the same key from the same user within 24 hours gets the first "
                            + "successful answer again; another request under the key is a 422, a repeat while the first runs a 409.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100 },
                    });
                }

                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                RequiredAsEnforced(schema, context.JsonTypeInfo.Type);
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

    /// <summary>The handler's name without <c>Async</c>, camel-cased: <c>ListCitiesAsync</c> → <c>listCities</c>.</summary>
    private static string? OperationId(IList<object> metadata) =>
        metadata.OfType<MethodInfo>().FirstOrDefault() is { } handler && !handler.Name.Contains('<', StringComparison.Ordinal)
            ? JsonNamingPolicy.CamelCase.ConvertName(handler.Name.EndsWith("Async", StringComparison.Ordinal) ? handler.Name[..^5] : handler.Name)
            : null;

    /// <summary>Query parameters of <c>[AsParameters]</c> records appear under their property names; clients send them camel-cased.</summary>
    private static void CamelCaseQueryNames(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.In == ParameterLocation.Query && parameter.Name is { Length: > 0 } name)
            {
                parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(name);
            }
        }
    }

    /// <summary>Signed-in operations name the bearer scheme; every other one says it needs no credentials (<c>security: [{}]</c>).</summary>
    private static void DescribeSecurity(OpenApiOperation operation, IList<object> metadata, OpenApiDocument document)
    {
        var protectedOperation = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        operation.Security =
        [
            protectedOperation
                ? new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }
                : new OpenApiSecurityRequirement(),
        ];
        if (!protectedOperation)
        {
            return;
        }

        AddProblem(operation, document, "401", "No valid access token, or its session was signed out.");
        if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
        {
            AddProblem(operation, document, "403", "The signed-in user's role may not do this.");
        }
    }

    private static void DescribeProblems(OpenApiOperation operation, IList<object> metadata, OpenApiDocument document)
    {
        AddProblem(operation, document, "400", "The request is not valid: the errors name each field by its JSON path or query name.", validation: true);
        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            var tooMany = AddProblem(operation, document, "429", "Too many requests; try again after Retry-After seconds.");
            tooMany.Headers ??= new Dictionary<string, IOpenApiHeader>();
            tooMany.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before trying again.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            };
        }

        AddProblem(operation, document, "503", "A dependency (the database, Redis or the payment gateway) did not answer; try again after Retry-After.");

        // Problem answers declared by the endpoint itself get the problem schema too.
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status.StartsWith('4') || status.StartsWith('5'))
            {
                ProblemContent((OpenApiResponse)response, document, validation: status == "400");
            }
        }
    }

    private static OpenApiResponse AddProblem(OpenApiOperation operation, OpenApiDocument document, string status, string description, bool validation = false)
    {
        operation.Responses ??= [];
        if (!operation.Responses.TryGetValue(status, out var existing))
        {
            existing = new OpenApiResponse { Description = description };
            operation.Responses[status] = existing;
        }

        var response = (OpenApiResponse)existing;
        if (string.IsNullOrEmpty(response.Description))
        {
            response.Description = description;
        }

        ProblemContent(response, document, validation);
        return response;
    }

    private static void ProblemContent(OpenApiResponse response, OpenApiDocument document, bool validation)
    {
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        response.Content.Remove("application/json");
        if (!response.Content.ContainsKey(ProblemJson))
        {
            response.Content[ProblemJson] = new OpenApiMediaType
            {
                Schema = new OpenApiSchemaReference(validation ? "HttpValidationProblemDetails" : "ProblemDetails", document),
            };
        }
    }

    /// <summary>
    /// A request shape's <c>required</c> lists exactly the properties the server requires (<see cref="RequiredAttribute"/>),
    /// not every constructor parameter of a record.
    /// </summary>
    private static void RequiredAsEnforced(OpenApiSchema schema, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.Assembly != typeof(OpenApiExtensions).Assembly || schema.Properties is null || !IsRequestShape(type))
        {
            return;
        }

        schema.Required = new HashSet<string>(type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null)
            .Select(InputRules.JsonName));
    }

    private static bool IsRequestShape(Type type) =>
        type.Name.EndsWith("Request", StringComparison.Ordinal)
        || type.GetProperties().Any(p => p.GetCustomAttributes<ValidationAttribute>().Any());
}
