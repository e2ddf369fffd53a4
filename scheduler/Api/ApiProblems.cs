using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Sluice.Scheduler.Api;

/// <summary>The API's <c>application/problem+json</c> answers.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult Create(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ProblemHttpResult ConsumerNotFound(string name) =>
        Create(StatusCodes.Status404NotFound, "Consumer not found", $"No consumer named '{ApiJson.Truncate(name, 64)}'.");

    public static ProblemHttpResult Conflict(string detail) => Create(StatusCodes.Status409Conflict, "Conflict", detail);

    public static ProblemHttpResult Unavailable(string detail) => Create(StatusCodes.Status503ServiceUnavailable, "State store unavailable", detail);

    public static ValidationProblem Invalid(ApiValidation.Errors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid request");

    public static ValidationProblem InvalidName(string field, string name) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [$"{field} '{ApiJson.Truncate(name, 80)}' {ApiValidation.ConsumerNameRule}"] },
            title: "Invalid request");
}
