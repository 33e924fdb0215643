using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PlantTracking.App;
using Projections.Hosting;

namespace PlantTracking.Tests.App;

/// <summary>The sample application, in-process (as its Program.cs builds it) or as its built dll.</summary>
internal static class PlantApp
{
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "PlantTracking.App.dll");

    public static WebApplicationBuilder Builder(string? contentRoot = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot ?? AppContext.BaseDirectory });
        builder.Services.AddPlantTracking();
        return builder;
    }

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, string? contentRoot = null, CancellationToken stop = default) =>
        ProjectionsCommandLine.RunAsync(args, () => Builder(contentRoot), configureApp: null, output, error, stop);
}
