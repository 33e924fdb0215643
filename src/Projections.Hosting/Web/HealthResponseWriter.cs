using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Projections.Hosting.Web;

/// <summary>Writes a health report as a small JSON object: overall status and each check's description.</summary>
internal static class HealthResponseWriter
{
    public static Task Write(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
