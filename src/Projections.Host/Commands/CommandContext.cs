using Projections.Host.Cli;
using Projections.Host.Configuration;

namespace Projections.Host.Commands;

/// <summary>Everything a command needs: the request, validated settings, raw configuration (for the web part) and the output streams.</summary>
public sealed record CommandContext(
    CommandLineRequest Request,
    HostSettings Settings,
    IConfiguration Configuration,
    TextWriter Output,
    TextWriter Error,
    CancellationToken Stop);
