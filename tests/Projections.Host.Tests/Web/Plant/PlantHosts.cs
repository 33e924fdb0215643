namespace Projections.Host.Tests.Web.Plant;

/// <summary>Starts the host the plant tests run against.</summary>
public static class PlantHosts
{
    public static async Task<IPlantHost> Start(string? adminToken = null) => await InProcessPlantHost.Start(adminToken);
}
