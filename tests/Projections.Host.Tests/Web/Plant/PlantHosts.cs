namespace Projections.Host.Tests.Web.Plant;

/// <summary>Starts the host the plant tests run against: the real host process (see <see cref="HostProcessPlantHost"/>).</summary>
public static class PlantHosts
{
    public static async Task<IPlantHost> Start(string? adminToken = null) => await HostProcessPlantHost.Start(adminToken);
}
