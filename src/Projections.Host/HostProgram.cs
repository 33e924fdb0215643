using Projections.Host.Cli;
using Projections.Host.Commands;
using Projections.Host.Configuration;

namespace Projections.Host;

/// <summary>Entry point: parse, validate, dispatch; user errors become one line and exit code 2.</summary>
public static class HostProgram
{
    /// <param name="stop">Stops a running command as Ctrl+C would (tests run the host in-process with it).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, string? configurationBasePath = null, CancellationToken stop = default)
    {
        try
        {
            var request = CommandLineParser.Parse(args);
            if (request.Command == HostCommand.Help)
            {
                await output.WriteAsync(HelpText.Build());
                return ExitCodes.Ok;
            }

            var configuration = BuildConfiguration(request, configurationBasePath);
            var settings = HostSettingsReader.Read(configuration);
            var context = new CommandContext(request, settings, configuration, output, error, stop);
            return request.Command switch
            {
                HostCommand.Run => await RunCommand.Execute(context),
                HostCommand.Status => await StatusCommand.Execute(context),
                HostCommand.Verify => await VerifyCommand.Execute(context),
                HostCommand.Simulate => await SimulateCommand.Execute(context),
                HostCommand.DeadLetters => await DeadLettersCommand.Execute(context),
                _ => throw new InvalidOperationException($"Command {request.Command} has no handler."),
            };
        }
        catch (HostUserException e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.UsageError;
        }
    }

    private static IConfigurationRoot BuildConfiguration(CommandLineRequest request, string? basePath)
    {
        try
        {
            return HostConfiguration.Build(request.ConfigOverrides, basePath);
        }
        catch (InvalidDataException e)
        {
            // A malformed appsettings.json: the message names the file and the line.
            throw new HostUserException(e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message, e);
        }
    }
}
