using MovieBooking.Api.Catalog;

namespace MovieBooking.Api.Seating;

/// <summary>How a theatre treats a single free seat left between taken seats, aisles and row ends.</summary>
public enum GapRule
{
    /// <summary>Any selection is taken.</summary>
    Off,

    /// <summary>No selection may leave a single free seat between taken seats, or between a taken seat and an aisle or row end.</summary>
    Strict,

    /// <summary>Only a single free seat between two taken seats counts: one beside an aisle or a row end is a seat people choose.</summary>
    Lenient,
}

/// <summary>A seat as the picker sees it: its place (row index from the screen, column) and whether it can be sold now.</summary>
public sealed record PlanSeat(string Id, int Row, int Number, int Column, SeatCategory Category, SeatAvailability State);

public enum SeatAvailability
{
    Free,

    /// <summary>Held or sold.</summary>
    Taken,

    /// <summary>Never sold (a broken seat, a wheelchair space): to its neighbours it is like the end of the row.</summary>
    Blocked,
}

/// <summary>
/// A show's seats as runs of side-by-side seats (split by aisles, which are gaps between columns, and by blocked
/// seats), with the focal point "best" is measured from.
/// </summary>
public sealed class SeatPlan
{
    /// <summary>Rows count this many columns in distance: a row is deeper than a seat is wide.</summary>
    public const double RowWeight = 2;

    private readonly Dictionary<string, (int Run, int Index)> _where = new(StringComparer.Ordinal);

    private SeatPlan(IReadOnlyList<PlanSeat[]> runs, Dictionary<string, (int Run, int Index)> where, (double Row, double Column) focal)
    {
        Runs = runs;
        _where = where;
        Focal = focal;
    }

    public SeatPlan(IEnumerable<PlanSeat> seats, (double Row, double Column)? focal = null)
    {
        ArgumentNullException.ThrowIfNull(seats);
        var rows = seats.GroupBy(s => s.Row).OrderBy(g => g.Key).Select(g => g.OrderBy(s => s.Column).ToArray()).ToArray();
        var runs = new List<PlanSeat[]>();
        foreach (var row in rows)
        {
            var run = new List<PlanSeat>();
            foreach (var seat in row)
            {
                if (seat.State == SeatAvailability.Blocked || (run.Count > 0 && seat.Column != run[^1].Column + 1))
                {
                    Close();
                }

                if (seat.State != SeatAvailability.Blocked)
                {
                    run.Add(seat);
                }
            }

            Close();

            void Close()
            {
                if (run.Count > 0)
                {
                    runs.Add([.. run]);
                    run.Clear();
                }
            }
        }

        Runs = runs;
        for (var r = 0; r < runs.Count; r++)
        {
            for (var i = 0; i < runs[r].Length; i++)
            {
                _where[runs[r][i].Id] = (r, i);
            }
        }

        Focal = focal ?? DefaultFocal(rows);
    }

    /// <summary>Runs of side-by-side sellable seats, by row from the screen, then by column.</summary>
    public IReadOnlyList<PlanSeat[]> Runs { get; }

    public (double Row, double Column) Focal { get; }

    /// <summary>The centre of the row about two thirds of the way back from the screen.</summary>
    public static (double Row, double Column) DefaultFocal(IReadOnlyList<PlanSeat[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return (0, 0);
        }

        var row = (int)Math.Round((rows.Count - 1) * 2.0 / 3);
        return (rows[row][0].Row, (rows[row][0].Column + rows[row][^1].Column) / 2.0);
    }

    /// <summary>
    /// This plan with the free seats of <paramref name="taken"/> taken as well. The layout is not worked out again,
    /// and runs with nothing newly taken are shared, as no plan changes its runs.
    /// </summary>
    public SeatPlan With(IReadOnlySet<string> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        var runs = new PlanSeat[Runs.Count][];
        for (var r = 0; r < runs.Length; r++)
        {
            var seats = Runs[r];
            PlanSeat[]? changed = null;
            for (var i = 0; i < seats.Length; i++)
            {
                if (seats[i].State == SeatAvailability.Free && taken.Contains(seats[i].Id))
                {
                    changed ??= [.. seats];
                    changed[i] = seats[i] with { State = SeatAvailability.Taken };
                }
            }

            runs[r] = changed ?? seats;
        }

        return new SeatPlan(runs, _where, Focal);
    }

    /// <summary>The free seats that share a run with any of <paramref name="seatIds"/>, other than those seats.</summary>
    public IReadOnlyList<string> FreeBeside(IReadOnlyCollection<string> seatIds)
    {
        ArgumentNullException.ThrowIfNull(seatIds);
        var runs = seatIds.Select(id => TryLocate(id, out var run, out _) ? run : -1).Where(r => r >= 0).Distinct();
        var chosen = seatIds.ToHashSet(StringComparer.Ordinal);
        return [.. runs.SelectMany(r => Runs[r]).Where(s => s.State == SeatAvailability.Free && !chosen.Contains(s.Id)).Select(s => s.Id)];
    }

    internal bool TryLocate(string seatId, out int run, out int index)
    {
        var found = _where.TryGetValue(seatId, out var at);
        (run, index) = at;
        return found;
    }

    /// <summary>How far seats <paramref name="start"/>..+<paramref name="count"/> of a run sit from the focal point.</summary>
    internal double Distance(int run, int start, int count)
    {
        var seats = Runs[run];
        var centre = (seats[start].Column + seats[start + count - 1].Column) / 2.0;
        var across = centre - Focal.Column;
        var back = (seats[start].Row - Focal.Row) * RowWeight;
        return Math.Sqrt((across * across) + (back * back));
    }
}

/// <summary>The answer to a manual selection under the gap rule.</summary>
/// <param name="Stranded">The seat the selection would leave alone, or null when the selection is fine.</param>
/// <param name="Suggestion">The nearest selection of the same size that strands no seat (the other rows' seats unchanged).</param>
public sealed record GapVerdict(string? Stranded, IReadOnlyList<string>? Suggestion)
{
    public static readonly GapVerdict Fine = new(null, null);
}

/// <summary>
/// Chooses the best free seats for a party and judges manual selections by the gap rule: plain code over a
/// <see cref="SeatPlan"/>, with no storage, so the stores call it against the seat map they are about to write.
/// </summary>
public static class SeatPicker
{
    /// <summary>
    /// The best <paramref name="count"/> free seats (of <paramref name="category"/> when given), by the ladder: one
    /// run side by side stranding no seat, closest to the focal point; the same stranding one; the closest seats in as
    /// few groups as possible, none of one person alone. Null, with the reason, when there are none.
    /// </summary>
    public static IReadOnlyList<string>? Best(SeatPlan plan, int count, SeatCategory? category, GapRule rule, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        reason = null;
        var together = Together(plan, count, category, []).ToList();
        if (together.Count > 0)
        {
            var clean = rule == GapRule.Off ? together[0] : together.FirstOrDefault(c => NewlyStranded(plan, c.Run, c.Start, c.Start + count, rule) is null);
            var chosen = clean.Count > 0 ? clean : together[0];
            return Ids(plan, chosen);
        }

        if (Split(plan, count, category) is { } groups)
        {
            return [.. groups.SelectMany(g => Ids(plan, g)).Order(SeatOrder.Instance)];
        }

        var what = category is { } c ? $"{c.ToString().ToUpperInvariant()} seats" : "seats";
        reason = count < 4
            ? $"There are no {count} free {what} side by side, and a party of {count} is not split."
            : $"There are not {count} free {what} in groups of two or more.";
        return null;
    }

    /// <summary>Judges a selection against the seat map it would be written into (its seats still free there).</summary>
    public static GapVerdict Check(SeatPlan plan, IReadOnlyCollection<string> selection, GapRule rule)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(selection);
        if (rule == GapRule.Off)
        {
            return GapVerdict.Fine;
        }

        var byRun = new Dictionary<int, List<int>>();
        foreach (var id in selection)
        {
            if (plan.TryLocate(id, out var run, out var index))
            {
                (byRun.TryGetValue(run, out var list) ? list : byRun[run] = []).Add(index);
            }
        }

        foreach (var (run, indexes) in byRun.OrderBy(r => r.Key))
        {
            var chosen = indexes.ToHashSet();
            if (NewlyStranded(plan, run, chosen, rule) is not { } stranded)
            {
                continue;
            }

            // The nearest side-by-side placement of as many seats in this run that strands nothing; if there is
            // none, the run is too full to avoid it and the selection stands.
            var size = chosen.Count;
            var first = chosen.Min();
            var alternative = Enumerable.Range(0, plan.Runs[run].Length - size + 1)
                .Where(start => Enumerable.Range(start, size).All(i => chosen.Contains(i) || plan.Runs[run][i].State == SeatAvailability.Free))
                .Where(start => NewlyStranded(plan, run, start, start + size, rule, ignoring: chosen) is null)
                .OrderBy(start => Math.Abs(start - first)).ThenBy(start => start)
                .Select(start => (int?)start).FirstOrDefault();
            if (alternative is not { } start)
            {
                continue;
            }

            var inRun = chosen.Select(i => plan.Runs[run][i].Id).ToHashSet(StringComparer.Ordinal);
            var suggestion = selection.Where(id => !inRun.Contains(id))
                .Concat(Enumerable.Range(start, size).Select(i => plan.Runs[run][i].Id))
                .Order(SeatOrder.Instance).ToList();
            return new GapVerdict(plan.Runs[run][stranded].Id, suggestion);
        }

        return GapVerdict.Fine;
    }

    private readonly record struct Group(int Run, int Start, int Count, double Distance);

    /// <summary>Every placement of <paramref name="count"/> free seats side by side, best first (ties: row, then seat number).</summary>
    private static IEnumerable<Group> Together(SeatPlan plan, int count, SeatCategory? category, HashSet<string> used)
    {
        var groups = new List<Group>();
        for (var run = 0; run < plan.Runs.Count; run++)
        {
            var seats = plan.Runs[run];
            for (var start = 0; start + count <= seats.Length; start++)
            {
                var fits = true;
                for (var i = start; i < start + count && fits; i++)
                {
                    fits = seats[i].State == SeatAvailability.Free && (category is null || seats[i].Category == category) && !used.Contains(seats[i].Id);
                }

                if (fits)
                {
                    groups.Add(new Group(run, start, count, plan.Distance(run, start, count)));
                }
            }
        }

        return groups.OrderBy(g => g.Distance).ThenBy(g => plan.Runs[g.Run][g.Start].Row).ThenBy(g => plan.Runs[g.Run][g.Start].Number);
    }

    /// <summary>The closest placement in the fewest groups of two or more seats; null when the party cannot be seated so.</summary>
    private static List<Group>? Split(SeatPlan plan, int count, SeatCategory? category)
    {
        for (var parts = 2; parts <= count / 2; parts++)
        {
            List<Group>? best = null;
            foreach (var sizes in Partitions(count, parts, count))
            {
                var used = new HashSet<string>(StringComparer.Ordinal);
                var placed = new List<Group>();
                foreach (var size in sizes)
                {
                    var group = Together(plan, size, category, used).FirstOrDefault();
                    if (group.Count == 0)
                    {
                        break;
                    }

                    placed.Add(group);
                    used.UnionWith(Ids(plan, group));
                }

                if (placed.Count == sizes.Count && (best is null || placed.Sum(g => g.Distance) < best.Sum(g => g.Distance)))
                {
                    best = placed;
                }
            }

            if (best is not null)
            {
                return best;
            }
        }

        return null;
    }

    /// <summary>The ways to write <paramref name="total"/> as <paramref name="parts"/> sizes of two or more, largest first.</summary>
    private static IEnumerable<List<int>> Partitions(int total, int parts, int largest)
    {
        if (parts == 1)
        {
            if (total >= 2 && total <= largest)
            {
                yield return [total];
            }

            yield break;
        }

        for (var first = Math.Min(largest, total - (2 * (parts - 1))); first >= 2; first--)
        {
            foreach (var rest in Partitions(total - first, parts - 1, first))
            {
                yield return [first, .. rest];
            }
        }
    }

    private static List<string> Ids(SeatPlan plan, Group group) =>
        [.. Enumerable.Range(group.Start, group.Count).Select(i => plan.Runs[group.Run][i].Id)];

    private static int? NewlyStranded(SeatPlan plan, int run, int from, int to, GapRule rule, HashSet<int>? ignoring = null) =>
        NewlyStranded(plan, run, Enumerable.Range(from, to - from).ToHashSet(), rule, ignoring);

    /// <summary>
    /// The first seat of the run that taking <paramref name="chosen"/> leaves stranded and that was not stranded
    /// before (seats in <paramref name="ignoring"/> count as free before and after: a selection being replaced).
    /// </summary>
    private static int? NewlyStranded(SeatPlan plan, int run, HashSet<int> chosen, GapRule rule, HashSet<int>? ignoring = null)
    {
        var seats = plan.Runs[run];
        SeatAvailability Before(int i) => ignoring?.Contains(i) == true ? SeatAvailability.Free : seats[i].State;
        SeatAvailability After(int i) => chosen.Contains(i) ? SeatAvailability.Taken : Before(i);
        for (var i = 0; i < seats.Length; i++)
        {
            if (After(i) == SeatAvailability.Free && Stranded(i, seats.Length, After, rule) && !(Before(i) == SeatAvailability.Free && Stranded(i, seats.Length, Before, rule)))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>A free seat with no free neighbour: between taken seats, or (strict) a taken seat and the run's end.</summary>
    private static bool Stranded(int i, int length, Func<int, SeatAvailability> state, GapRule rule)
    {
        var left = i == 0 ? SeatAvailability.Blocked : state(i - 1);
        var right = i == length - 1 ? SeatAvailability.Blocked : state(i + 1);
        if (left == SeatAvailability.Free || right == SeatAvailability.Free)
        {
            return false;
        }

        return rule == GapRule.Lenient
            ? left == SeatAvailability.Taken && right == SeatAvailability.Taken
            : left == SeatAvailability.Taken || right == SeatAvailability.Taken;
    }
}
