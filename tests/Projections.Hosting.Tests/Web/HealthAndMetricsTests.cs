using Xunit;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Metrics;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Hosting.Tests.Web.Fakes;

namespace Projections.Hosting.Tests.Web;

public sealed class HealthAndMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ready_only_while_every_projection_runs()
    {
        await using var server = await WebTestServer.Start();

        (await server.Http.GetAsync("/health/ready", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);

        server.Items.Status = ProjectionStatus.Stopped;
        var notReady = await server.Http.GetAsync("/health/ready", Ct);
        notReady.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var body = JsonDocument.Parse(await notReady.Content.ReadAsStringAsync(Ct)).RootElement;
        body.GetProperty("checks")[0].GetProperty("description").GetString().Should().Contain("'test-items' is stopped");

        (await server.Http.GetAsync("/health/live", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Not_ready_while_a_projection_is_paused_by_a_store_outage()
    {
        await using var server = await WebTestServer.Start();
        server.Items.Stats = FakeProjectionRuntime.EmptyStats with
        {
            Outage = new OutageInfo("projection store (SQLite projection store data/projections.db)", "database or disk is full", DateTimeOffset.UnixEpoch),
        };

        var response = await server.Http.GetAsync("/health/ready", Ct);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("checks")[0].GetProperty("description").GetString()
            .Should().Contain("'test-items' is paused: projection store (SQLite projection store data/projections.db) unavailable since 1970-01-01");
    }

    [Fact]
    public async Task Not_ready_while_the_event_source_is_unreachable_and_the_reason_has_no_credentials()
    {
        await using var server = await WebTestServer.Start(eventSource: new UnreachableEventSource());

        var response = await server.Http.GetAsync("/health/ready", Ct);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var description = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("checks")[0].GetProperty("description").GetString();
        description.Should().Contain("event source (unreachable test source) is unreachable (HttpRequestException)").And.NotContain("s3cret");
    }

    [Fact]
    public async Task The_engine_meter_is_exposed_in_prometheus_text_format()
    {
        await using var server = await WebTestServer.Start();
        using var meter = new Meter(ProjectionMetrics.MeterName);
        meter.CreateCounter<long>("projections.test.events").Add(5);

        var response = await server.Http.GetAsync("/metrics", Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        (await response.Content.ReadAsStringAsync(Ct)).Should().Contain("projections_test_events_total{otel_scope_name=\"Projections\"} 5");
    }

    private sealed class UnreachableEventSource : IEventSource
    {
        public string Description => "unreachable test source";
        public Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken) =>
            throw new HttpRequestException("connection refused to esdb://admin:s3cret@localhost:2113");
        public IAsyncEnumerable<SubscriptionMessage> Subscribe(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IAsyncEnumerable<RecordedEvent> ReadStreamForward(string streamId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IAsyncEnumerable<RecordedEvent> ReadAllForward(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
