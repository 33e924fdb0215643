namespace PlantTracking.Tests.Web.Plant;

/// <summary>Starts the host the plant tests run against: the real host process (see <see cref="AppProcessPlantHost"/>).</summary>
public static class PlantHosts
{
    public static async Task<IPlantHost> Start(string? adminToken = null) => await AppProcessPlantHost.Start(adminToken);
}
