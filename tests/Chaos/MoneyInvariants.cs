using Npgsql;

namespace MovieBooking.Chaos;

/// <summary>
/// The seat and money invariants, read from the service's PostgreSQL database and the sandbox gateway's books beside it.
/// Each check names what it found; none found is the only good answer.
/// </summary>
public static class MoneyInvariants
{
    /// <summary>What holds at every instant, even while payments are on their way (each change is one transaction).</summary>
    private static readonly (string Violation, string Sql)[] Always =
    [
        ("seat sold twice", """
            SELECT show_id::text || '/' || seat_id FROM booking_seats WHERE sold GROUP BY show_id, seat_id HAVING count(*) > 1
            """),
        ("seat booked without a confirmed booking", """
            SELECT s.show_id::text || '/' || s.seat_id FROM show_seats s LEFT JOIN bookings b ON b.id = s.booking_id
            WHERE s.status = 'BOOKED' AND (b.id IS NULL OR b.status <> 'CONFIRMED')
            """),
        ("confirmed booking without its ticket or its seats", """
            SELECT b.id::text FROM bookings b WHERE b.status = 'CONFIRMED'
              AND (NOT EXISTS (SELECT 1 FROM tickets t WHERE t.booking_id = b.id)
                OR EXISTS (SELECT 1 FROM booking_seats s WHERE s.booking_id = b.id AND NOT s.sold))
            """),
        ("refund of money never taken", """
            SELECT r.refund_id FROM sandbox_refunds r
            WHERE NOT EXISTS (SELECT 1 FROM sandbox_orders o WHERE o.payment_id = r.payment_id AND o.status = 'paid')
              OR NOT EXISTS (SELECT 1 FROM payments p WHERE p.gateway_payment_id = r.payment_id AND p.status IN ('REFUND_PENDING', 'REFUNDED'))
            """),
        ("payment refunded twice", """
            SELECT payment_id FROM sandbox_refunds GROUP BY payment_id HAVING count(*) > 1
            """),
        ("refund of the wrong amount", """
            SELECT p.id::text FROM payments p LEFT JOIN bookings b ON b.id = p.booking_id AND b.payment_id = p.id
            WHERE p.status = 'REFUNDED' AND p.refund_amount <> p.amount
              AND NOT (b.cancelled_at IS NOT NULL AND b.cancellation_tier IS NOT NULL
                AND p.refund_amount - (CASE WHEN p.refund_amount > b.total - b.convenience_fee - b.tax THEN b.convenience_fee + b.tax ELSE 0 END)
                  = b.seat_total - b.discount + b.food
                    - round((b.seat_total - b.discount) * (b.cancellation_tier::json ->> 'feePercent')::numeric / 100))
            """),
        ("booking and its payment not refunded together", """
            SELECT p.id::text FROM payments p JOIN bookings b ON b.payment_id = p.id
            WHERE (p.status = 'REFUNDED') <> (b.status = 'REFUNDED') OR (p.status = 'REFUNDED' AND b.refund_amount <> p.refund_amount)
            """),
    ];

    /// <summary>What holds once every payment is final.</summary>
    private static readonly (string Violation, string Sql)[] Eventually =
    [
        ("confirmed booking not paid by a captured payment", """
            SELECT b.id::text FROM bookings b LEFT JOIN payments p ON p.id = b.payment_id
            WHERE b.status = 'CONFIRMED' AND (p.id IS NULL OR p.status <> 'CAPTURED')
            """),
        ("captured payment neither confirming its booking nor refunded exactly once", """
            SELECT p.id::text FROM payments p JOIN sandbox_orders o ON o.order_id = p.order_id
            WHERE o.status = 'paid' AND NOT (
              (p.status = 'CAPTURED' AND EXISTS (SELECT 1 FROM bookings b WHERE b.id = p.booking_id AND b.status = 'CONFIRMED' AND b.payment_id = p.id))
              OR (p.status = 'REFUNDED' AND (SELECT count(*) FROM sandbox_refunds r WHERE r.payment_id = o.payment_id AND r.amount = p.refund_amount) = 1))
            """),
    ];

    /// <summary>What is still on its way to a final state: money taken but not recorded, settlements, refunds owed.</summary>
    private static readonly (string Violation, string Sql)[] Unsettled =
    [
        ("payment still settling or owed back", """
            SELECT id::text || ' ' || status FROM payments WHERE status IN ('SETTLING', 'REFUND_PENDING')
            """),
        ("money taken at the gateway that the service never recorded", """
            SELECT p.id::text FROM payments p JOIN sandbox_orders o ON o.order_id = p.order_id
            WHERE o.status = 'paid' AND p.status IN ('CREATED', 'FAILED')
            """),
        ("cancelled booking still owing its refund", """
            SELECT id::text FROM bookings WHERE status = 'CANCELLED' AND refund_amount IS NOT NULL
            """),
    ];

    /// <summary>Every violation found, as "what: which".</summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(connectionString, Always, cancellationToken);
        found.AddRange(await FindAsync(connectionString, Eventually, cancellationToken));
        found.AddRange(await FindAsync(connectionString, Unsettled, cancellationToken));
        return found;
    }

    /// <summary>Violations of what must hold at every instant, even under load and faults.</summary>
    public static async Task<IReadOnlyList<string>> CheckStandingAsync(string connectionString, CancellationToken cancellationToken = default) =>
        await FindAsync(connectionString, Always, cancellationToken);

    /// <summary>What is not yet final; empty once every payment has reached a final state.</summary>
    public static async Task<IReadOnlyList<string>> UnsettledAsync(string connectionString, CancellationToken cancellationToken = default) =>
        await FindAsync(connectionString, Unsettled, cancellationToken);

    private static async Task<List<string>> FindAsync(string connectionString, (string Violation, string Sql)[] checks, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var (violation, sql) in checks)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add($"{violation}: {reader.GetString(0)}");
            }
        }

        return found;
    }
}
