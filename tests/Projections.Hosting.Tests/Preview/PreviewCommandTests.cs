using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Sqlite.Documents;
using Projections.Testing;
using Projections.Testing.Previews;
using Xunit;

namespace Projections.Hosting.Tests.Preview;

/// <summary>
/// The rolling-deploy story on the embedded stores, in-process: version 1 of a projection runs, version 2 is
/// started with <c>run --rebuild scores --preview</c>, <c>diff</c> and the API name exactly what version 2
/// changes, the preview survives a restart, and a switch makes it active. Errors are one line.
/// </summary>
public sealed partial class PreviewCommandTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_preview_of_changed_code_is_diffed_field_by_field_survives_a_restart_and_is_switched_to()
    {
        await Import(("s-1", "Scored", """{"points":3}"""), ("s-2", "Scored", """{"points":7}"""), ("s-3", "Scored", """{"points":1}"""), ("s-4", "Noted", """{"text":"hi"}"""));
        var v1 = Start<ScoresV1>("run");
        await CheckpointReaches(1, v1);
        await Stop(v1);

        var v2 = Start<ScoresV2>("run", "--rebuild", ScoresProjection.ProjectionName, "--preview", "--admin-token", "ops:s3cret-at-least-16");
        await CheckpointReaches(2, v2);
        (await Generations()).Should().Be(new ProjectionGenerations(1, 2, Preview: true), "a preview is not switched to when it caught up");

        var diff = await Command<ScoresV2>("diff", "scores");
        diff.ExitCode.Should().Be(ExitCodes.Ok, diff.Error);
        diff.Output.Should().Contain("scores: generation 1 (active, checkpoint 4) -> generation 2 (preview, checkpoint 4): 1 added, 1 removed, 1 changed, 1 unchanged, 0 pending");
        var lines = diff.Output.Split(Environment.NewLine).Where(l => l.StartsWith("  ")).ToArray();
        lines.Should().Equal(
            """  ~ s-2: grade "low" -> "high" """.TrimEnd(),
            """  - s-3: id "s-3" -> (none); points 1 -> (none); grade "low" -> (none); events 1 -> (none)""",
            """  + s-4: id (none) -> "s-4"; points (none) -> 0; grade (none) -> "low"; events (none) -> 1""");

        using var http = new HttpClient { BaseAddress = new Uri(await Url(v2)) };
        var all = await Json(await http.GetAsync("/api/projections/scores/diff", Ct));
        (all.GetProperty("added").GetInt64(), all.GetProperty("removed").GetInt64(), all.GetProperty("changed").GetInt64(), all.GetProperty("unchanged").GetInt64())
            .Should().Be((1, 1, 1, 1));
        (all.GetProperty("activeCheckpoint").GetString(), all.GetProperty("previewCheckpoint").GetString()).Should().Be(("4", "4"));
        var grade = await Json(await http.GetAsync("/api/projections/scores/diff?field=grade&key=s-2", Ct));
        grade.GetProperty("matching").GetInt64().Should().Be(1);
        var changed = grade.GetProperty("documents")[0];
        changed.GetProperty("key").GetString().Should().Be("s-2");
        changed.GetProperty("fields").EnumerateArray().Select(f => $"{f.GetProperty("path")}: {f.GetProperty("old")} -> {f.GetProperty("new")}")
            .Should().Equal("grade: low -> high");
        var paged = await Json(await http.GetAsync("/api/projections/scores/diff?skip=1&take=1", Ct));
        paged.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("key").GetString()).Should().Equal("s-3");
        (await http.PostAsync("/api/projections/scores/switch", null, Ct)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await Stop(v2);

        var restarted = Start<ScoresV2>("run", "--admin-token", "ops:s3cret-at-least-16");
        using var admin = new HttpClient { BaseAddress = new Uri(await Url(restarted)) };
        await Eventually.Until(async () =>
        {
            var summary = await Json(await admin.GetAsync("/api/projections/scores", Ct));
            return summary.GetProperty("rebuild") is { ValueKind: JsonValueKind.Object } rebuild
                && rebuild.GetProperty("preview").GetBoolean() && rebuild.GetProperty("caughtUp").GetBoolean();
        }, Deadline, "the restarted host resumes the preview and it catches up", Ct);
        (await Generations()).Should().Be(new ProjectionGenerations(1, 2, Preview: true), "the preview is kept across a restart, caught up but not switched to");
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-at-least-16");
        var switched = await admin.PostAsync("/api/projections/scores/switch", null, Ct);
        switched.StatusCode.Should().Be(HttpStatusCode.OK, await switched.Content.ReadAsStringAsync(Ct));
        (await Generations()).Should().Be(new ProjectionGenerations(2, null));
        var entity = await Json(await admin.GetAsync("/api/projections/scores/entities/s-2", Ct));
        entity.GetProperty("state").GetProperty("grade").GetString().Should().Be("high", "the host serves the switched-to generation");
        var again = await admin.PostAsync("/api/projections/scores/switch", null, Ct);
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync(Ct)).Should().Contain("Projection 'scores' has no preview to switch to; start one with run --rebuild scores --preview.");
        await Stop(restarted);
    }

    [Fact]
    public async Task Switch_discard_and_diff_without_a_preview_or_before_it_caught_up_are_one_line_errors()
    {
        using (var store = new SqliteProjectionStore(_data.Combine("projections.db")))
        {
            await store.Initialize(Ct);
            await store.EnsureProjection(ScoresProjection.ProjectionName, [], Ct);
            await store.WriteBatch(new ProjectionBatch(ScoresProjection.ProjectionName, 1, [], [], new ProjectionCheckpoint(GlobalPosition.Of(5), null)), Ct);
        }

        foreach (var verb in new[] { "switch", "discard", "diff" })
        {
            var refused = await Command<ScoresV2>(verb, "scores");
            refused.ExitCode.Should().Be(ExitCodes.UsageError);
            var what = verb == "switch" ? "switch to" : verb;
            refused.Error.Should().Be($"error: Projection 'scores' has no preview to {what}; start one with run --rebuild scores --preview.{Environment.NewLine}");
        }
        (await Command<ScoresV2>("switch", "nope")).Error.Should().Be($"error: Unknown projection 'nope' for switch; expected one of: scores.{Environment.NewLine}");
        (await Command<ScoresV2>("run", "--preview")).Error.Should().Be($"error: --preview needs --rebuild <projection|all>: it says how the rebuild is built.{Environment.NewLine}");

        using (var store = new SqliteProjectionStore(_data.Combine("projections.db")))
            await store.BeginPreview(ScoresProjection.ProjectionName, 2, [], Ct);
        var early = await Command<ScoresV2>("switch", "scores");
        early.ExitCode.Should().Be(ExitCodes.UsageError);
        early.Error.Should().StartWith("error: The preview of projection 'scores' has not caught up yet: generation 2 is 5 behind generation 1 (checkpoint none against 5)")
            .And.EndWith($"(status shows how far it is).{Environment.NewLine}").And.NotContain(Environment.NewLine + "  ");
        (await Generations()).Should().Be(new ProjectionGenerations(1, 2, Preview: true), "a refused switch changes nothing");

        var discarded = await Command<ScoresV2>("discard", "scores");
        discarded.ExitCode.Should().Be(ExitCodes.Ok, discarded.Error);
        discarded.Output.Should().Contain("scores: the preview (generation 2) was dropped");
        (await Generations()).Should().Be(new ProjectionGenerations(1, null));
    }

    private sealed record RunningHost(Task<int> Exit, StringWriter Output, StringWriter Error, CancellationTokenSource Stop);

    private string[] Args(string[] args) => [.. args, "--data-dir", _data.Path, "--urls", "http://127.0.0.1:0", "--progress", "off", "--partitions", "2"];

    private static WebApplicationBuilder Builder<TProjection>() where TProjection : ScoresProjection, new()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddProjections(p => p.Add<TProjection>());
        return builder;
    }

    private RunningHost Start<TProjection>(params string[] args) where TProjection : ScoresProjection, new()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var stop = new CancellationTokenSource();
        var exit = Task.Run(() => ProjectionsCommandLine.RunAsync(Args(args), Builder<TProjection>, configureApp: null, output, error, stop.Token));
        return new RunningHost(exit, output, error, stop);
    }

    private static async Task Stop(RunningHost host)
    {
        await host.Stop.CancelAsync();
        (await host.Exit.WaitAsync(Deadline, Ct)).Should().Be(ExitCodes.Ok, host.Error.ToString());
    }

    private async Task<(int ExitCode, string Output, string Error)> Command<TProjection>(params string[] args) where TProjection : ScoresProjection, new()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await ProjectionsCommandLine.RunAsync(Args(args), Builder<TProjection>, configureApp: null, output, error, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }

    private async Task Import(params (string Stream, string Type, string Data)[] events)
    {
        var file = _data.Combine("events.jsonl");
        await File.WriteAllLinesAsync(file, events.Select(e => $$"""{"stream":"{{e.Stream}}","type":"{{e.Type}}","data":{{e.Data}}}"""), Ct);
        var import = await Command<ScoresV1>("import", file);
        import.ExitCode.Should().Be(ExitCodes.Ok, import.Error);
    }

    /// <summary>Waits until the generation's checkpoint in the store covers every event (4 on the embedded store: positions are event numbers).</summary>
    private async Task CheckpointReaches(int generation, RunningHost host) =>
        await Eventually.Value(async () =>
        {
            if (host.Exit.IsCompleted) throw new InvalidOperationException($"run exited early ({await host.Exit}):\n{host.Output}\n{host.Error}");
            using var store = new SqliteProjectionStore(_data.Combine("projections.db"));
            await store.Initialize(Ct);
            var checkpoint = await store.LoadCheckpoint(ScoresProjection.ProjectionName, generation, Ct);
            return checkpoint?.Position >= GlobalPosition.Of(4) ? checkpoint : null;
        }, Deadline, () => $"generation {generation} did not reach the head; host output:\n{host.Output}\n{host.Error}", TimeSpan.FromMilliseconds(100));

    private async Task<ProjectionGenerations> Generations()
    {
        using var store = new SqliteProjectionStore(_data.Combine("projections.db"));
        await store.Initialize(Ct);
        return await store.ReadGenerations(ScoresProjection.ProjectionName, Ct);
    }

    private static async Task<string> Url(RunningHost host) =>
        (await Eventually.Value(() => Task.FromResult(DashboardUrl().Match(host.Output.ToString()) is { Success: true } m ? m.Groups[1].Value : null),
            Deadline, () => $"no address printed:\n{host.Output}\n{host.Error}"))!;

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    [GeneratedRegex(@"Web dashboard and API: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex DashboardUrl();
}
