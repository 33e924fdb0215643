using Projections.Hosting.Settings;
using System.CommandLine;
using System.CommandLine.Help;
using Microsoft.Extensions.Options;
using Projections.Hosting.Commands;
using Projections.Hosting.Web;

namespace Projections.Hosting;

/// <summary>
/// Gives an application the projections' command line: <c>run</c> (the default), <c>run --rebuild</c>,
/// <c>status</c>, <c>verify</c>, the commands added with <see cref="ProjectionsBuilder.AddCommand"/>,
/// <c>--help</c>, and every option of the host, the stores and the application. A mistake in an option
/// or configuration is one line naming it (credentials shown as ***) and exit code 2.
/// </summary>
public static class ProjectionsCommandLine
{
    /// <summary>Parses <paramref name="args"/>, runs the command on the application <paramref name="builder"/> describes, returns its exit code.</summary>
    public static Task<int> RunAsync(string[] args, WebApplicationBuilder builder, CancellationToken stop = default) =>
        RunAsync(args, builder, configureApp: null, Console.Out, Console.Error, stop);

    /// <summary>
    /// As <see cref="RunAsync(string[], WebApplicationBuilder, CancellationToken)"/>; <paramref name="configureApp"/>
    /// adds the application's own endpoints and middleware once it is built (call
    /// <see cref="ProjectionsEndpointRouteBuilderExtensions.MapProjections"/> there to choose the prefix;
    /// otherwise the API and dashboard are mapped at the root).
    /// </summary>
    public static Task<int> RunAsync(string[] args, WebApplicationBuilder builder, Action<WebApplication>? configureApp,
        TextWriter output, TextWriter error, CancellationToken stop = default) =>
        RunAsync(args, () => builder, configureApp, output, error, stop);

    /// <summary>
    /// As <see cref="RunAsync(string[], WebApplicationBuilder, CancellationToken)"/>, creating the builder
    /// itself so that a malformed appsettings.json is one line and exit code 2 as well.
    /// </summary>
    public static Task<int> RunAsync(string[] args, Func<WebApplicationBuilder> createBuilder, CancellationToken stop = default) =>
        RunAsync(args, createBuilder, configureApp: null, Console.Out, Console.Error, stop);

    /// <summary>The most general form: a builder factory, the application's endpoints, and the output streams.</summary>
    public static async Task<int> RunAsync(string[] args, Func<WebApplicationBuilder> createBuilder, Action<WebApplication>? configureApp,
        TextWriter output, TextWriter error, CancellationToken stop = default)
    {
        WebApplicationBuilder builder;
        try
        {
            builder = createBuilder();
        }
        catch (InvalidDataException e)
        {
            // A malformed appsettings.json: the message names the file, the inner one the line.
            await error.WriteLineAsync("error: " + (e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message));
            return ExitCodes.UsageError;
        }
        var registration = ProjectionsRegistration.Find(builder.Services)
            ?? throw new InvalidOperationException("Call builder.Services.AddProjections(...) before ProjectionsCommandLine.RunAsync.");
        var tree = CommandLineTree.For(registration, builder.Environment.ApplicationName);
        var parsed = tree.Parse(args);

        if (parsed.Action is HelpAction)
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop);
        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync($"error: {SecretRedactor.Redact(parsed.Errors[0].Message)} Run with --help to list the commands and options.");
            return ExitCodes.UsageError;
        }

        var (command, argument, overrides) = tree.Read(parsed);
        builder.Configuration.AddInMemoryCollection(overrides);
        await using var context = new CommandContext(builder, argument, output, error, stop, configureApp) { CommandLineKeys = overrides.Keys };
        try
        {
            return await command.ExecuteAsync(context);
        }
        catch (HostUserException e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.UsageError;
        }
        catch (OptionsValidationException e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.UsageError;
        }
    }
}
