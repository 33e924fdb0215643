using Grpc.Core;
using Grpc.Net.Client;
using Projections.EventStoreDb.Errors;
using Projections.EventStoreDb.Protocol.ServerFeatures;
using Projections.EventStoreDb.Protocol.Shared;

namespace Projections.EventStoreDb.Connection;

/// <summary>What the connected server supports, from ServerFeatures.GetSupportedMethods.</summary>
public sealed record ServerCapabilities(Version ServerVersion, bool SupportsBatchAppend, bool SendsCaughtUp)
{
    /// <summary>ServerFeatures (capability detection) arrived in 21.10; older servers are not supported.</summary>
    public static readonly Version MinimumServerVersion = new(21, 10);
    private static readonly Version CaughtUpSince = new(23, 10);

    internal static ServerCapabilities From(SupportedMethods methods)
    {
        var version = ParseVersion(methods.EventStoreServerVersion);
        var batchAppend = methods.Methods.Any(m =>
            m.ServiceName == "event_store.client.streams.streams" && m.MethodName == "batchappend");
        return new ServerCapabilities(version, batchAppend, version >= CaughtUpSince);
    }

    internal static async Task<ServerCapabilities> Detect(GrpcChannel channel, EndPointAddress node, CallOptions options)
    {
        SupportedMethods methods;
        try
        {
            methods = await new ServerFeatures.ServerFeaturesClient(channel).GetSupportedMethodsAsync(new Empty(), options).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            throw new UnsupportedServerException(
                $"EventStoreDB at {node} does not implement ServerFeatures, so it is older than {MinimumServerVersion}; Projections needs EventStoreDB {MinimumServerVersion} or newer.");
        }
        var capabilities = From(methods);
        if (capabilities.ServerVersion < MinimumServerVersion)
            throw new UnsupportedServerException(
                $"EventStoreDB at {node} is version {capabilities.ServerVersion}; Projections needs {MinimumServerVersion} or newer.");
        return capabilities;
    }

    internal static Version ParseVersion(string text)
    {
        var core = text.Split('-', '+')[0];
        return Version.TryParse(core, out var v) ? v : new Version(0, 0);
    }
}
