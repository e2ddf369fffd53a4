namespace Sluice.Cli.Api;

/// <summary>The REST API's paths, relative to <c>--api</c> (so a path prefix in the URL is kept); names are escaped.</summary>
internal static class ApiPaths
{
    public const string Consumers = "api/v1/consumers";
    public const string Events = "api/v1/events";

    public static string Consumer(string name) => $"{Consumers}/{Uri.EscapeDataString(name)}";

    public static string Scale(string name) => Consumer(name) + "/scale";

    public static string Status(string name) => Consumer(name) + "/status";

    public static string Operation(string id) => $"api/v1/operations/{Uri.EscapeDataString(id)}";

    public static string Deployments(string name) => Consumer(name) + "/deployments";

    public static string Deployment(string name, string id) => $"{Deployments(name)}/{Uri.EscapeDataString(id)}";

    public static string DeploymentAction(string name, string id, string action) => $"{Deployment(name, id)}/{action}";
}
