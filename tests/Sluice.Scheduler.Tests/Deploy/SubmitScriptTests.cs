using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Testing;

namespace Sluice.Scheduler.Tests.Deploy;

/// <summary>submit.sh against a small Marathon stand-in on loopback: real HTTP, real bash and curl.</summary>
public sealed class SubmitScriptTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Method, string Path, string Body, string ContentType)> _requests = new();
    private WebApplication? _marathon;
    private int _status = StatusCodes.Status201Created;
    private string _answer = """{"id":"/sluice/scheduler","deployments":[{"id":"d-1"}]}""";

    private string MarathonUrl => _marathon!.Urls.First();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _marathon = builder.Build();
        _marathon.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            _requests.Enqueue((context.Request.Method, context.Request.Path.Value ?? "", body, context.Request.ContentType ?? ""));
            context.Response.StatusCode = _status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(_answer);
        });
        await _marathon.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_marathon is not null)
        {
            await _marathon.DisposeAsync();
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> SubmitAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepositoryRoot.Combine("deploy", "marathon", "submit.sh"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Submit_posts_the_app_definition_to_v2_apps()
    {
        var (exit, output, error) = await SubmitAsync("--marathon", MarathonUrl);

        Assert.True(exit == 0, error);
        var request = Assert.Single(_requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v2/apps", request.Path);
        Assert.Equal("application/json", request.ContentType);
        var sent = JsonDocument.Parse(request.Body).RootElement;
        var file = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("deploy", "marathon", "sluice-scheduler.json"))).RootElement;
        Assert.Equal(file.ToString(), sent.ToString());
        Assert.Contains("201", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_puts_the_app_to_its_own_path()
    {
        _status = StatusCodes.Status200OK;

        var (exit, _, error) = await SubmitAsync("--marathon", MarathonUrl + "/", "--update",
            "--file", RepositoryRoot.Combine("deploy", "marathon", "sluice-scheduler-docker.json"));

        Assert.True(exit == 0, error);
        var request = Assert.Single(_requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/v2/apps/sluice/scheduler", request.Path);
    }

    [Fact]
    public async Task A_4xx_from_marathon_is_one_clear_line_and_exit_code_1()
    {
        _status = StatusCodes.Status409Conflict;
        _answer = """{"message":"An app with id [/sluice/scheduler] already exists."}""";

        var (exit, _, error) = await SubmitAsync("--marathon", MarathonUrl);

        Assert.Equal(1, exit);
        Assert.Contains("Marathon answered 409", error, StringComparison.Ordinal);
        Assert.Contains("already exists", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_marathon_url_is_a_usage_error()
    {
        var (exit, _, error) = await SubmitAsync();

        Assert.Equal(2, exit);
        Assert.Contains("--marathon URL is required", error, StringComparison.Ordinal);
        Assert.Empty(_requests);
    }
}
