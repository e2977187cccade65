namespace MovieBooking.Tests.Data;

/// <summary>A race of many writers for one seat, for the batching write paths of both databases.</summary>
internal static class WriteRace
{
    public const string Take = "UPDATE seats SET holder = @p1 WHERE id = @p0 AND holder IS NULL";

    /// <summary>
    /// 64 writers run <see cref="Take"/> on seat A1 at once through <paramref name="run"/>. Exactly one changes the
    /// row, and every writer, once answered, already sees the winner from another connection (answered means committed).
    /// </summary>
    public static async Task AssertOneWinnerSeenByAllAsync(Func<string, object?[], Task<object?>> run, Func<Task<string?>> holderOfA1)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var takers = Enumerable.Range(0, 64).Select(async n =>
        {
            await start.Task;
            var changed = (int)(await run(Take, ["A1", $"user-{n}"]))!;
            return (n, changed, holder: await holderOfA1());
        }).ToList();
        start.SetResult();
        var results = await Task.WhenAll(takers);

        var winner = Assert.Single(results, r => r.changed == 1);
        Assert.All(results, r => Assert.Equal($"user-{winner.n}", r.holder));
        Assert.Equal(63, results.Count(r => r.changed == 0));
    }
}
