using Xunit;

namespace PlantTracking.Tests.Web.Plant;

/// <summary>One plant host (no admin token) shared by the tests of a class.</summary>
public sealed class PlantHostFixture : IAsyncLifetime
{
    public IPlantHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await PlantHosts.Start();
    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
