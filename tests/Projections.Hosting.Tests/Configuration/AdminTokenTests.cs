using System.Net;
using System.Net.Http.Headers;
using FluentAssertions;
using Projections.Hosting.Commands;
using Projections.Hosting.Settings;
using Projections.Hosting.Tests.Support;
using Projections.Testing;
using Xunit;

namespace Projections.Hosting.Tests.Configuration;

/// <summary>The admin token from a file or the command line, checked once at start, and what run warns about.</summary>
public sealed class AdminTokenTests
{
    private const string Token = "0123456789abcdef-token";
    private const string FileOption = "--admin-token-file (Projections:Web:AdminTokenFile, PROJECTIONS__WEB__ADMINTOKENFILE)";

    [Fact]
    public void A_token_file_is_read_once_and_trimmed()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "token");
        File.WriteAllText(file, $"  {Token}\n\n");

        TestApp.Read("--admin-token-file", file).AdminToken.Should().Be(Token);
    }

    [Fact]
    public void A_missing_token_file_is_one_line_naming_the_option_and_the_path()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "nope");

        var read = () => TestApp.Read("--admin-token-file", file);

        read.Should().Throw<HostUserException>().WithMessage($"Invalid value '{file}' for {FileOption}: the file does not exist.");
    }

    [Fact]
    public void An_unreadable_token_file_says_it_cannot_be_read()
    {
        using var dir = new TempDirectory();

        var read = () => TestApp.Read("--admin-token-file", dir.Path); // a directory: no user can read it as a file

        read.Should().Throw<HostUserException>().WithMessage($"Invalid value '{dir.Path}' for {FileOption}: the file cannot be read (*).");
    }

    [Fact]
    public void An_empty_token_file_is_an_error_not_disabled_admin_actions()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "token");
        File.WriteAllText(file, " \n");

        var read = () => TestApp.Read("--admin-token-file", file);

        read.Should().Throw<HostUserException>().WithMessage($"Invalid value '{file}' for {FileOption}: the file is empty; put the token in it.");
    }

    [Theory]
    [InlineData("--admin-token", "short-token")]
    [InlineData("--admin-token", "ops-alice:short-token")]
    public void A_short_token_is_one_line_with_the_minimum_and_without_the_token(string option, string token)
    {
        var read = () => TestApp.Read(option, token);

        read.Should().Throw<HostUserException>()
            .WithMessage("Invalid value for --admin-token (Projections:Web:AdminToken, PROJECTIONS__WEB__ADMINTOKEN): the token must have at least 16 characters (it has 11)*")
            .Which.Message.Should().NotContain(token);
    }

    [Fact]
    public void A_token_and_a_token_file_together_are_refused()
    {
        var read = () => TestApp.Read("--admin-token", Token, "--admin-token-file", "/tmp/x");

        read.Should().Throw<HostUserException>().WithMessage("Both --admin-token * and --admin-token-file * are set; set only one.");
    }

    [Fact]
    public void Run_on_loopback_with_a_token_file_warns_about_nothing() =>
        RunWarnings.For(TestApp.Read("--urls", "http://127.0.0.1:5080;http://localhost:5081;http://[::1]:5082"), []).Should().BeEmpty();

    [Fact]
    public void Run_warns_when_the_token_is_on_the_command_line() =>
        RunWarnings.For(TestApp.Read("--admin-token", Token), ["Projections:Web:AdminToken"]).Should().ContainSingle()
            .Which.Should().StartWith("warning: the admin token was given on the command line, where every user of this machine sees it (ps)")
            .And.NotContain(Token);

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://plant.example.com:5080")]
    public void Run_warns_when_it_listens_beyond_loopback_without_a_token(string url) =>
        RunWarnings.For(TestApp.Read("--urls", $"http://127.0.0.1:5080;{url}"), []).Should().ContainSingle()
            .Which.Should().StartWith($"warning: listening beyond loopback ({url}) without an admin token");

    [Fact]
    public void Run_warns_when_it_listens_beyond_loopback_over_plain_http_with_a_token()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "token");
        File.WriteAllText(file, Token);

        RunWarnings.For(TestApp.Read("--urls", "http://0.0.0.0:5080", "--admin-token-file", file), []).Should().ContainSingle()
            .Which.Should().StartWith("warning: listening beyond loopback over plain HTTP (http://0.0.0.0:5080) with an admin token");
        RunWarnings.For(TestApp.Read("--urls", "https://0.0.0.0:5443", "--admin-token-file", file), []).Should().BeEmpty();
    }

    [Fact]
    public async Task Run_prints_the_command_line_warning_and_serves_admin_actions_with_the_token_of_a_file()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "token");
        File.WriteAllText(file, Token + "\n");

        await using (var fromCommandLine = await InProcessRun.Start("--admin-token", Token))
            fromCommandLine.Error.Should().Contain("warning: the admin token was given on the command line").And.NotContain(Token);

        await using var fromFile = await InProcessRun.Start("--admin-token-file", file);
        using var http = new HttpClient { BaseAddress = fromFile.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/projections/test-items/rebuild");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        fromFile.Error.Should().NotContain("warning");
        response.StatusCode.Should().NotBe(HttpStatusCode.Forbidden).And.NotBe(HttpStatusCode.Unauthorized);
        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
