using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace PlantTracking.Tests;

/// <summary>
/// docker/docker-compose.yml as a reviewer would check it (there is no Docker here to run it): nothing is
/// published beyond loopback, no container runs as root, and the admin token comes from a secret file.
/// </summary>
public sealed class DockerComposeTests
{
    private static readonly Compose File = Compose.Parse(System.IO.File.ReadAllLines(Path.Combine(RepositoryRoot(), "docker", "docker-compose.yml")));
    private static readonly string Dockerfile = System.IO.File.ReadAllText(Path.Combine(RepositoryRoot(), "docker", "Dockerfile"));

    [Fact]
    public void Every_published_port_listens_on_loopback_only()
    {
        var published = File.Services.SelectMany(s => s.Value.List("ports").Select(p => (Service: s.Key, Port: p))).ToList();

        published.Should().NotBeEmpty();
        published.Should().OnlyContain(p => p.Port.StartsWith("127.0.0.1:", StringComparison.Ordinal), "an unauthenticated store or host must not be reachable from the network");
    }

    [Fact]
    public void Every_container_runs_as_a_non_root_user()
    {
        var lastUser = Dockerfile.Split('\n').Where(l => l.StartsWith("USER ", StringComparison.Ordinal)).Select(l => l[5..].Trim()).LastOrDefault();
        lastUser.Should().NotBeNull("the host's image sets its user").And.NotBe("root").And.NotBe("0");

        foreach (var (name, service) in File.Services)
        {
            var user = service.Scalar("user");
            if (service.Scalar("build") is not null && user is null) continue; // the Dockerfile's USER
            user.Should().NotBeNull($"service {name} uses an image whose default user may be root").And.NotBe("root").And.NotStartWith("0");
        }
    }

    [Fact]
    public void Every_host_reads_its_admin_token_from_a_secret_file_never_from_a_literal()
    {
        var hosts = File.Services.Where(s => s.Value.List("command").FirstOrDefault() == "run").ToList();

        hosts.Should().NotBeEmpty();
        foreach (var (name, host) in hosts)
        {
            var command = host.List("command");
            command.Should().NotContain("--admin-token", $"{name}: a token on the command line is in the process list and the compose file");
            command.SkipWhile(a => a != "--admin-token-file").Skip(1).FirstOrDefault().Should().Be("/run/secrets/admin-token", name);
            host.List("secrets").Should().Contain("admin-token", name);
            (host.Raw("environment") ?? "").Should().NotContainEquivalentOf("ADMINTOKEN", name);
        }
        File.TopLevel("secrets").Should().Contain("admin-token:").And.Contain("file: ./admin-token");
        System.IO.File.ReadAllLines(Path.Combine(RepositoryRoot(), ".gitignore")).Should().Contain("docker/admin-token", "the token file is never committed");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Projections.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Projections.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// The subset of YAML the compose file is written in: top-level blocks, services at two spaces, their
    /// keys at four, sequences in flow style (["a", "b"] or [a, b]). Anything else fails the parse loudly.
    /// </summary>
    private sealed record Compose(Dictionary<string, string> Blocks, Dictionary<string, Service> Services)
    {
        public string TopLevel(string key) => Blocks.TryGetValue(key, out var block) ? block : throw new KeyNotFoundException(key);

        public static Compose Parse(IEnumerable<string> lines)
        {
            var blocks = new Dictionary<string, string>();
            var services = new Dictionary<string, Service>();
            string? top = null;
            Service? service = null;
            string? key = null;
            foreach (var line in lines)
            {
                if (line.TrimStart().StartsWith('#') || line.Trim().Length == 0) continue;
                var indent = line.Length - line.TrimStart().Length;
                if (indent == 0)
                {
                    top = line.Split(':')[0];
                    blocks[top] = line[(top.Length + 1)..].Trim();
                    service = null;
                    continue;
                }
                blocks[top ?? throw new FormatException(line)] += "\n" + line.Trim();
                if (top != "services") continue;
                if (indent == 2) services[line.Trim().TrimEnd(':')] = service = new Service();
                else if (indent == 4)
                {
                    var colon = line.IndexOf(':');
                    key = line[..colon].Trim();
                    (service ?? throw new FormatException(line)).Values[key] = line[(colon + 1)..].Trim();
                }
                else service!.Values[key!] += "\n" + line.Trim();
            }
            return new Compose(blocks, services);
        }
    }

    private sealed class Service
    {
        public Dictionary<string, string> Values { get; } = [];

        public string? Raw(string key) => Values.GetValueOrDefault(key);

        public string? Scalar(string key) => Raw(key) is { } value ? value.Split('\n')[0].Trim().Trim('"') is { Length: > 0 } v ? v : value : null;

        public IReadOnlyList<string> List(string key)
        {
            if (Raw(key) is not { } value) return [];
            value = value.Trim();
            if (!value.StartsWith('[') || !value.EndsWith(']')) throw new FormatException($"{key}: expected a flow sequence, got {value}");
            return value.Contains('"')
                ? JsonSerializer.Deserialize<string[]>(value)!
                : value[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        }
    }
}
