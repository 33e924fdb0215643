namespace Projections.Core.Tests.Support;

/// <summary>Waits for a condition with a deadline; fails with a description when it never holds.</summary>
public static class Eventually
{
    public static async Task Until(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(2);
        }
    }
}
