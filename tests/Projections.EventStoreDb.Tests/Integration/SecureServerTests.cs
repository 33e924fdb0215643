using FluentAssertions;
using Projections.Testing;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Errors;
using static Projections.EventStoreDb.Tests.Integration.TestEvents;

namespace Projections.EventStoreDb.Tests.Integration;

/// <summary>
/// TLS and authentication against a secure server named by PROJECTIONS_TEST_ESDB_SECURE: a connection
/// string with admin credentials and tlsCaFile pointing at the CA that signed the node certificate.
/// </summary>
public sealed class SecureServerTests
{
    public const string Variable = "PROJECTIONS_TEST_ESDB_SECURE";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EventStoreDbSettings RequireSecureServer()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
            MissingServer.SkipOrFail(TestServer.EventStoreDB, $"set {Variable} to a TLS server's connection string with admin credentials and tlsCaFile (e.g. esdb://admin:changeit@127.0.0.1:2115?tlsCaFile=/path/ca.crt).");
        var settings = ConnectionStringParser.Parse(connectionString);
        if (!settings.Tls || settings.Credentials is null || settings.TlsCaFile is null)
            throw new InvalidOperationException($"{Variable} must use TLS (no tls=false), carry credentials and name tlsCaFile.");
        return settings;
    }

    [Fact]
    public async Task Tls_with_the_ca_file_and_basic_auth_appends_and_reads_all()
    {
        await using var store = EventStoreDbEventStore.Connect(RequireSecureServer());
        var stream = UniquePrefix("item-") + "1";

        var appended = await store.Append(stream, ExpectedRevision.NoStream, Events("ItemDetected", 2), Ct);
        var all = await store.ReadAllForward(null, new EventFilter { StreamPrefixes = [stream] }, Ct).ToListAsync(Ct);

        all.Should().HaveCount(2);
        all[^1].Position.Should().Be(appended.Position);
    }

    [Fact]
    public async Task Tls_without_verification_is_accepted_for_development_certificates()
    {
        await using var store = EventStoreDbEventStore.Connect(RequireSecureServer() with { TlsCaFile = null, TlsVerifyCert = false });

        (await store.ReadHeadPosition(Ct)).Should().BeGreaterThan(GlobalPosition.Start);
    }

    [Fact]
    public async Task An_untrusted_certificate_fails_clearly()
    {
        var settings = RequireSecureServer() with { TlsCaFile = null };
        await using var store = EventStoreDbEventStore.Connect(settings);

        var connect = () => store.GetServerCapabilities(Ct);

        var failure = (await connect.Should().ThrowAsync<EventStoreException>()).Which;
        failure.Should().NotBeOfType<EventStoreUnavailableException>("an untrusted certificate does not go away by retrying");
        failure.Message.Should().Contain(settings.Hosts[0].ToString()).And.Contain("tlsCaFile");
    }

    [Fact]
    public async Task A_wrong_password_is_reported_as_not_authenticated()
    {
        var settings = RequireSecureServer();
        await using var store = EventStoreDbEventStore.Connect(settings with { Credentials = settings.Credentials! with { Password = "wrong-" + Guid.NewGuid() } });

        var read = () => store.ReadHeadPosition(Ct);

        await read.Should().ThrowAsync<NotAuthenticatedException>();
    }

    [Fact]
    public async Task Reading_all_without_credentials_is_denied()
    {
        await using var store = EventStoreDbEventStore.Connect(RequireSecureServer() with { Credentials = null });

        var read = () => store.ReadHeadPosition(Ct);

        (await read.Should().ThrowAsync<AccessDeniedException>()).Which.Message.Should().Contain("$all");
    }
}
