namespace Projections.Hosting.Charts;

/// <summary>The latest <c>capacity</c> samples of one projection, oldest first; older ones are overwritten. Thread-safe.</summary>
internal sealed class SampleRing(int capacity)
{
    private readonly ChartSample[] _samples = new ChartSample[capacity];
    private int _next;
    private int _count;

    public void Add(ChartSample sample)
    {
        lock (_samples)
        {
            _samples[_next] = sample;
            _next = (_next + 1) % _samples.Length;
            _count = Math.Min(_count + 1, _samples.Length);
        }
    }

    /// <summary>The samples whose <see cref="ChartSample.Seq"/> is above <paramref name="afterSeq"/>, oldest first.</summary>
    public IReadOnlyList<ChartSample> After(long afterSeq)
    {
        lock (_samples)
        {
            var result = new List<ChartSample>(_count);
            for (var i = 0; i < _count; i++)
            {
                var sample = _samples[(_next - _count + i + _samples.Length) % _samples.Length];
                if (sample.Seq > afterSeq) result.Add(sample);
            }
            return result;
        }
    }
}
