using Microsoft.Extensions.Options;

namespace MovieBooking.Api.Data;

/// <summary>
/// SQLite has one writer at a time; writers that wait in SQLite sleep and retry, which wastes time under load.
/// On SQLite the hot write paths queue here instead, in order and without sleeping. PostgreSQL needs no gate.
/// </summary>
public sealed class WriteGate(IOptions<DatabaseOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _sqlite = new(1, 1);
    private readonly bool _enabled = options.Value.Provider == DatabaseProvider.Sqlite;

    public async ValueTask<Passage> EnterAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return default;
        }

        await _sqlite.WaitAsync(cancellationToken);
        return new Passage(_sqlite);
    }

    public void Dispose() => _sqlite.Dispose();

    /// <summary>Leaves the gate when disposed.</summary>
    public readonly struct Passage(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}
