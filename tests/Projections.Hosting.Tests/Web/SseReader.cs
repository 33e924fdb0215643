using System.Net;
using System.Text.Json;
using FluentAssertions;

namespace Projections.Hosting.Tests.Web;

/// <summary>Reads an event stream line by line.</summary>
internal sealed class SseReader : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseReader(HttpResponseMessage response, Stream body) { _response = response; _reader = new StreamReader(body); }

    public static async Task<SseReader> Open(HttpClient http, string path, CancellationToken ct)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        return new SseReader(response, await response.Content.ReadAsStreamAsync(ct));
    }

    public async Task<string> NextLine(CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        string? line;
        do line = await _reader.ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException("The stream ended.");
        while (line.Length == 0);
        return line;
    }

    public async Task<JsonElement> NextMessage(CancellationToken ct)
    {
        string line;
        do line = await NextLine(ct); while (!line.StartsWith("data: ", StringComparison.Ordinal));
        return JsonDocument.Parse(line["data: ".Length..]).RootElement;
    }

    public void Dispose() { _reader.Dispose(); _response.Dispose(); }
}
