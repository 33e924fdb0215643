using Grpc.Net.Client;

namespace Projections.EventStoreDb.Connection;

/// <summary>A channel to one node together with what that node supports.</summary>
internal sealed record NodeConnection(EndPointAddress EndPoint, GrpcChannel Channel, ServerCapabilities Capabilities);
