using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Projections.Hosting.Commands;
using Projections.Hosting.Settings;
using Projections.Hosting.Tests.Web.Fakes;

namespace Projections.Hosting.Tests.Support;

/// <summary>An application as a user writes it, with one test projection, and its command line.</summary>
internal static class TestApp
{
    public static ProjectionsRegistration Registration(Action<ProjectionsBuilder>? configure = null) =>
        new ServiceCollection().AddProjections(p =>
        {
            p.Add<TestItemsProjection>();
            configure?.Invoke(p);
        }).Registration;

    /// <summary>The configuration overrides the command line gives; a parse error throws with its message.</summary>
    public static Dictionary<string, string?> Overrides(ProjectionsRegistration registration, params string[] args)
    {
        var tree = CommandLineTree.For(registration, "test");
        var parsed = tree.Parse(args);
        if (parsed.Errors.Count > 0) throw new HostUserException(parsed.Errors[0].Message);
        return tree.Read(parsed).Overrides;
    }

    public static HostSettings Read(params string[] args)
    {
        var registration = Registration();
        return HostSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(Overrides(registration, args)).Build(), registration);
    }

    public static WebApplicationBuilder Builder(string? contentRoot = null, Action<ProjectionsBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot ?? AppContext.BaseDirectory });
        builder.Services.AddProjections(p =>
        {
            p.Add<TestItemsProjection>();
            configure?.Invoke(p);
        });
        return builder;
    }
}
