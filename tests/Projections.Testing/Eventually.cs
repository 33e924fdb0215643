namespace Projections.Testing;

/// <summary>Waits for a condition with a deadline instead of sleeping and hoping.</summary>
public static class Eventually
{
    /// <summary>Long enough for a shared, loaded two-core machine; only a failing wait ever takes it.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

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

    /// <summary>Reads until <paramref name="accept"/> holds and returns that value; the timeout message shows the last value read.</summary>
    public static async Task<T> Get<T>(Func<Task<T>> read, Func<T, bool> accept, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        var last = await read();
        while (!accept(last))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}; last value: {last}");
            await Task.Delay(25);
            last = await read();
        }
        return last;
    }

    /// <summary>Probes until it returns a value (null = not yet); the timeout message is <paramref name="describe"/>'s, evaluated then.</summary>
    public static async Task<T> Value<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> describe, TimeSpan? interval = null) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } result) return result;
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"Not reached within {timeout}: {describe()}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>As <see cref="Value{T}"/> for a condition.</summary>
    public static Task Until(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        Value<object>(() => Task.FromResult(condition() ? new object() : null), timeout, describe);
}
