using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FluentAssertions;
using PlantTracking.Tests.App;
using Projections.Testing;

namespace PlantTracking.Tests.Template;

/// <summary>
/// A new user's path, end to end: the packages packed into a folder, the <c>projections-app</c> template
/// installed into a private hive, an app created from it outside the repository (so none of the
/// repository's build files apply), built and tested against those packages, sample events imported,
/// the app run on the embedded store, and its projection read through the HTTP API.
/// </summary>
public sealed class TemplateAppTests : IDisposable
{
    private static readonly TimeSpan Restore = TimeSpan.FromMinutes(6);
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public void The_template_references_the_packages_at_the_repository_version()
    {
        var props = XDocument.Load(RepositoryRoot.Combine("Directory.Build.props"));
        var version = props.Descendants("Version").Single().Value;
        var template = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("templates", "projections-app", ".template.config", "template.json")));

        template.RootElement.GetProperty("symbols").GetProperty("projectionsVersion").GetProperty("defaultValue").GetString().Should().Be(version);
        File.ReadAllText(RepositoryRoot.Combine("templates", "projections-app", "src", "MyApp", "MyApp.csproj"))
            .Should().Contain($"Include=\"Projections.Hosting\" Version=\"{version}\"");
    }

    [Fact]
    public async Task An_app_created_from_the_template_builds_tests_imports_runs_and_serves_its_projection()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Step(string done) => TestContext.Current.TestOutputHelper?.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {done}");
        // A version of its own per run: the machine's package cache can never hand back an older build.
        var version = $"0.0.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var packages = Directory.CreateDirectory(_work.Combine("packages")).FullName;
        var cache = Directory.CreateDirectory(_work.Combine("nuget-cache")).FullName;
        var apps = Directory.CreateDirectory(_work.Combine("apps")).FullName;
        var dotnet = new DotnetCli(new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = cache,
            ["DOTNET_CLI_HOME"] = Directory.CreateDirectory(_work.Combine("cli-home")).FullName,
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        });

        // 1. The five packages, from this test run's own build of src/.
        await dotnet.Run(RepositoryRoot.Path, Restore, "pack", "Projections.sln", "--no-build", "-c", BuildConfiguration, "-o", packages, $"-p:Version={version}");
        Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName).Should().Contain(
            new[] { "Projections.Core", "Projections.Sqlite", "Projections.EventStoreDb", "Projections.MongoDb", "Projections.Hosting" }.Select(p => $"{p}.{version}.nupkg"));
        Step("packed");

        // 2. The template, in a hive of its own, and an app from it outside the repository.
        var hive = _work.Combine("template-hive");
        await dotnet.Run(apps, TimeSpan.FromMinutes(2), "new", "install", RepositoryRoot.Combine("templates", "projections-app"), "--debug:custom-hive", hive);
        await dotnet.Run(apps, TimeSpan.FromMinutes(2), "new", "projections-app", "-n", "MyApp", "--projectionsVersion", version, "--debug:custom-hive", hive);
        var app = Path.Combine(apps, "MyApp");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), NugetConfig(packages), ct);
        Step("created from the template");

        // 3. Build, and the generated tests (ProjectionScenario) pass.
        // No build servers: nothing the test started outlives it.
        await dotnet.Run(app, Restore, "build", "--disable-build-servers");
        Step("restored and built");
        var tests = await dotnet.Run(app, TimeSpan.FromMinutes(3), "test", "--no-build");
        tests.Should().MatchRegex(@"succeeded: [1-9]", "the generated tests ran:\n" + tests).And.NotMatchRegex(@"failed: [1-9]");
        Step("its tests passed");

        // 4. Import the template's sample events into the embedded store.
        var dll = Path.Combine(app, "src", "MyApp", "bin", "Debug", "net10.0", "MyApp.dll");
        var data = _work.Combine("data");
        var import = await AppProcess.Run(dll, ["import", Path.Combine(app, "events.jsonl"), "--data-dir", data], app, TimeSpan.FromMinutes(1));
        import.ExitCode.Should().Be(0, import.Output);
        import.Output.Should().Contain("Imported 4 events, 0 already present, 0 bad lines.");
        Step("imported");

        // 5. Run on a free loopback port and read the projection through the HTTP API.
        await using var host = AppProcess.Start(dll, ["run", "--data-dir", data, "--urls", "http://127.0.0.1:0", "--progress", "plain"], app);
        var address = await Eventually.Get(() => Task.FromResult(Regex.Match(host.Output, @"http://127\.0\.0\.1:[1-9]\d*")),
            m => m.Success || host.HasExited, "the address the app listens on", TimeSpan.FromSeconds(60));
        address.Success.Should().BeTrue("the app prints where it listens:\n" + host.Output);
        using var http = new HttpClient { BaseAddress = new Uri(address.Value), Timeout = TimeSpan.FromSeconds(10) };
        string Status(JsonElement entity) => entity.GetProperty("state").GetProperty("status").GetString()!;
        var order2 = await Eventually.Get(() => Entity(http, "order-2"), e => e is { } x && Status(x) == "Late",
            "order-2 is late (its two days passed in stream time)", TimeSpan.FromSeconds(60));
        Status((await Entity(http, "order-1"))!.Value).Should().Be("Shipped");
        Status((await Entity(http, "order-3"))!.Value).Should().Be("Placed");
        order2!.Value.GetProperty("state").GetProperty("total").GetDecimal().Should().Be(10m);
        Step("served the projection");

        // 6. Stop it as Ctrl+C would: it flushes, checkpoints and exits 0.
        host.Terminate();
        (await host.WaitForExit(TimeSpan.FromSeconds(60))).Should().Be(0, host.Output);
        Step("stopped");
    }

    private static async Task<JsonElement?> Entity(HttpClient http, string key)
    {
        using var response = await http.GetAsync($"/api/projections/orders/entities/{key}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>Debug or Release, as this test assembly was built: the packages are packed from that build.</summary>
    private static string BuildConfiguration =>
        typeof(TemplateAppTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The packed folder and nuget.org; packages the machine already has are read from its cache, new ones go to the run's own.</summary>
    private static string NugetConfig(string packages)
    {
        var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                           ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="projections-local" value="{packages}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{machineCache}" />
              </fallbackPackageFolders>
            </configuration>
            """;
    }
}
