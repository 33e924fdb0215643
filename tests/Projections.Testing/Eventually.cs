namespace Projections.Testing;

/// <summary>Waits for a condition with a deadline instead of sleeping and hoping.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws a <see cref="TimeoutException"/> naming <paramref name="what"/> when the deadline passes.</summary>
    public static async Task Until(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not within {timeout.TotalSeconds:0.#} s: {what}.");
            await Task.Delay(10, cancellationToken);
        }
    }

    public static Task Until(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Until(condition, timeout, "the awaited condition", cancellationToken);

    public static Task Until(Func<bool> condition, string what, CancellationToken cancellationToken = default) =>
        Until(condition, DefaultTimeout, what, cancellationToken);

    /// <summary>Polls an asynchronous condition (a store read) until it holds or the deadline passes.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not within {timeout.TotalSeconds:0.#} s: {what}.");
            await Task.Delay(10, cancellationToken);
        }
    }
}
