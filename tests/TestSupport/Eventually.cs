namespace RavenXcope.TestSupport;

/// <summary>Waits for a condition with a deadline: the tests' only way to wait, never a fixed sleep.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, Func<T?, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        Exception? lastError = null;
        T? last = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await probe();
                if (condition(last))
                {
                    return last!;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                lastError = e;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"timed out waiting for {what}; last value: {last?.ToString() ?? "none"}", lastError);
    }

    /// <summary>Polls a boolean condition until it holds.</summary>
    public static Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        WaitAsync(async () => await condition(), ok => ok, what, timeout);
}

