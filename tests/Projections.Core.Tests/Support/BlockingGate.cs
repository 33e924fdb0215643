namespace Projections.Core.Tests.Support;

/// <summary>A store hook that holds writes until released, and tells when one is being held.</summary>
public sealed class BlockingGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    public async Task Pass(CancellationToken ct)
    {
        _entered.TrySetResult();
        await _open.Task.WaitAsync(ct);
    }

    public void Open() => _open.TrySetResult();
}
