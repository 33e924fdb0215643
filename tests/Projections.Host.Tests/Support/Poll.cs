namespace Projections.Host.Tests.Support;

/// <summary>Waits for a condition with a deadline instead of sleeping and hoping.</summary>
internal static class Poll
{
    public static async Task<T> Until<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> describe, TimeSpan? interval = null) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } result) return result;
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"Not reached within {timeout}: {describe()}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }

    public static Task Until(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        Until<object>(() => Task.FromResult(condition() ? new object() : null), timeout, describe);
}
