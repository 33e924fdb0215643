using System.Globalization;

namespace Projections.Hosting.Settings;

/// <summary>Parses option values, failing with one line that names the option and the value.</summary>
public static class ValueParsers
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static int Int(HostOption option, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw Invalid(option, value, $"expected a whole number from {min} to {max}");

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static long Long(HostOption option, string value, long min, long max) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw Invalid(option, value, $"expected a whole number from {min} to {max}");

    /// <summary>true/false, yes/no, on/off or 1/0.</summary>
    public static bool Bool(HostOption option, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "1" => true,
        "false" or "no" or "off" or "0" => false,
        _ => throw Invalid(option, value, "expected true or false"),
    };

    /// <summary>Accepts "250ms", "2s", "5m", "1h" or a TimeSpan such as "00:00:02".</summary>
    public static TimeSpan Duration(HostOption option, string value, TimeSpan min, TimeSpan max)
    {
        var parsed = TryDuration(value.Trim());
        if (parsed is { } d && d >= min && d <= max) return d;
        throw Invalid(option, value, $"expected a duration from {Format(min)} to {Format(max)} such as 500ms, 2s, 5m or 00:00:02");
    }

    /// <summary>One of <typeparamref name="T"/>'s names, case-insensitive (numbers are refused).</summary>
    public static T Enum<T>(HostOption option, string value) where T : struct, System.Enum =>
        System.Enum.TryParse<T>(value, ignoreCase: true, out var e) && System.Enum.IsDefined(e) && !int.TryParse(value, out _)
            ? e
            : throw Invalid(option, value, "expected one of " + string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant())));

    /// <summary>The one-line error naming the option, its key and variable, and the value (unless the option is secret).</summary>
    public static HostUserException Invalid(HostOption option, string value, string expectation) =>
        new(option.Secret
            ? $"Invalid value for {option.Display}: {expectation}."
            : $"Invalid value '{value}' for {option.Display}: {expectation}.");

    private static TimeSpan? TryDuration(string text)
    {
        (string Suffix, double Scale)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, scale) in units)
        {
            if (!text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            var number = text[..^suffix.Length];
            if (number.Length > 0 && char.IsDigit(number[^1]) &&
                double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
                return TimeSpan.FromMilliseconds(n * scale);
            return null;
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
    }

    private static string Format(TimeSpan t) =>
        t.TotalMilliseconds < 1000 ? $"{t.TotalMilliseconds:0}ms"
        : t.TotalSeconds < 60 ? $"{t.TotalSeconds:0.#}s"
        : t.TotalMinutes < 60 ? $"{t.TotalMinutes:0.#}m"
        : $"{t.TotalHours:0.#}h";
}
