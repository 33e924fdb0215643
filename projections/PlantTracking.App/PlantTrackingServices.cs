using PlantTracking.App.Simulation;
using PlantTracking.App.Views;
using PlantTracking.Items;
using PlantTracking.Stations;
using Projections.Hosting;
using Projections.Hosting.Progress;

namespace PlantTracking.App;

/// <summary>The plant-tracking application: both projections, the station view, EventStoreDB, MongoDB or PostgreSQL when configured, and the simulator.</summary>
public static class PlantTrackingServices
{
    /// <summary>Registers everything <c>Program.cs</c> runs; tests use it to build the same application.</summary>
    public static ProjectionsBuilder AddPlantTracking(this IServiceCollection services) =>
        services.AddProjections(p => p.Add<PlantItemsProjection>().Add<StationLoadProjection>())
            .AddView(StationView.Create())
            .UseEventStoreDb()
            .UseMongoDb()
            .UsePostgreSql()
            .AddPlantSimulator();

    /// <summary>
    /// The <c>simulate</c> command and its options, and, on the embedded event store, the simulator beside
    /// the projections in <c>run</c> (unless <c>--no-simulate</c>).
    /// </summary>
    public static ProjectionsBuilder AddPlantSimulator(this ProjectionsBuilder projections)
    {
        foreach (var option in SimulatorOptions.All) projections.AddOption(option);
        projections.AddCommand(new SimulateCommand());
        var services = projections.Services;
        services.AddValidatedSettings(SimulatorOptions.Read);
        services.AddSingleton<SimulatorHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<SimulatorHostedService>());
        services.AddSingleton<IProgressSource>(sp => sp.GetRequiredService<SimulatorHostedService>());
        return projections;
    }
}
