using PlantTracking.App;
using Projections.Hosting;

return await ProjectionsCommandLine.RunAsync(args, () =>
{
    // appsettings.json is read from beside the executable, whatever the working directory.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
    builder.Services.AddPlantTracking();
    return builder;
});
