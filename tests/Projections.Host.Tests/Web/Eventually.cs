namespace Projections.Host.Tests.Web;

/// <summary>Waits for a condition with a deadline instead of sleeping and hoping.</summary>
public static class Eventually
{
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

    public static Task True(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Get(() => Task.FromResult(condition()), ok => ok, what, timeout);
}
