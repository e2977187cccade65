using FsCheck;
using FsCheck.Fluent;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Seating;

namespace MovieBooking.Tests.Seating;

/// <summary>
/// The best-available ladder and the gap rule over drawn seat maps. A map is one string per row, the screen above
/// the first: <c>.</c> a free seat, <c>x</c> a taken one, <c>#</c> a blocked one, <c>|</c> an aisle (a gap of one
/// column); a row written after <c>P:</c> is PRIME, otherwise CLASSIC. Seats are numbered from 1 along each row.
/// </summary>
public sealed class SeatPickerTests
{
    private static SeatPlan Plan(params string[] rows) => Plan(null, rows);

    private static SeatPlan Plan((double Row, double Column)? focal, params string[] rows)
    {
        var seats = new List<PlanSeat>();
        for (var r = 0; r < rows.Length; r++)
        {
            var drawn = rows[r];
            var category = SeatCategory.Classic;
            if (drawn.StartsWith("P:", StringComparison.Ordinal))
            {
                (category, drawn) = (SeatCategory.Prime, drawn[2..]);
            }

            var label = (char)('A' + r);
            var (number, column) = (0, 0);
            foreach (var cell in drawn)
            {
                column++;
                if (cell == '|')
                {
                    continue;
                }

                number++;
                var state = cell switch { '.' => SeatAvailability.Free, 'x' => SeatAvailability.Taken, '#' => SeatAvailability.Blocked, _ => throw new ArgumentException(cell.ToString()) };
                seats.Add(new PlanSeat($"{label}{number}", r, number, column, category, state));
            }
        }

        return new SeatPlan(seats, focal);
    }

    private static string? Best(SeatPlan plan, int count, SeatCategory? category = null, GapRule rule = GapRule.Strict) =>
        SeatPicker.Best(plan, count, category, rule, out _) is { } seats ? string.Join(" ", seats) : null;

    [Theory]
    // The centre of the row two thirds back (row B of A–C, row C of A–D).
    [InlineData(2, "C4 C5", "........", "........", "........", "........")]
    [InlineData(1, "B4", ".......", ".......", ".......")]
    [InlineData(3, "B3 B4 B5", ".......", ".......", ".......")]
    // Closest with no stranded seat: B2 B3 and B3 B4 sit nearer but each leaves a seat alone.
    [InlineData(2, "B6 B7", "xxxxxxx", "x...x..", "xxxxxxx")]
    // Not across an aisle (B4 and B5 are the two seats right of it); B2 B3 would leave B1 alone.
    [InlineData(2, "B4 B5", ".....", "...|..", ".....")]
    // Not across a blocked seat.
    [InlineData(2, "A1 A2", "..", ".#.", "...")]
    // A nearly full show: every pair strands a seat, and the closest is taken (step 2).
    [InlineData(2, "A2 A3", "...x", "xxxx")]
    // Ten in rows of twelve: the centred ten would leave a seat alone at each end, so they sit one along.
    [InlineData(10, "B1 B2 B3 B4 B5 B6 B7 B8 B9 B10", "............", "............", "............")]
    public void The_best_seats_are_side_by_side_closest_to_the_focal_point_leaving_no_seat_alone(int count, string expected, params string[] rows)
    {
        Assert.Equal(expected, Best(Plan(rows), count));
    }

    [Theory]
    // No four side by side: two pairs, closest to the centre, none alone.
    [InlineData(4, "C1 C2 C4 C5", "xxxxxxx", "xxxxxxx", "..x..x.", "xxxxxxx")]
    // Five as three and two.
    [InlineData(5, "B1 B2 B3 B5 B6", "xxxxxx", "...x..", "xxxxxx")]
    public void A_party_with_no_room_together_is_split_into_the_fewest_groups_of_two_or_more(int count, string expected, params string[] rows)
    {
        Assert.Equal(expected, Best(Plan(rows), count));
    }

    [Theory]
    [InlineData(2, ".x.x.x.")]
    [InlineData(3, "..x..x..")]
    [InlineData(5, "..x..x.x")]
    [InlineData(1, "xxx")]
    public void A_party_that_would_leave_someone_alone_is_refused_with_a_reason(int count, string row)
    {
        Assert.Null(SeatPicker.Best(Plan(row), count, null, GapRule.Strict, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void A_category_is_kept_even_when_other_seats_sit_closer()
    {
        var plan = Plan("P:......", "......", "......");
        Assert.Equal("A3 A4", Best(plan, 2, SeatCategory.Prime));
        Assert.Equal("B3 B4", Best(plan, 2, SeatCategory.Classic));
        Assert.Null(Best(plan, 7, SeatCategory.Prime));
    }

    [Fact]
    public void Ties_go_to_the_nearer_row_then_the_lower_seat_number()
    {
        // Focal point between rows A and B, between seats 2 and 3: A2 and B2, A3 and B3 are all as close.
        var plan = Plan((0.5, 2.5), "....", "....");
        Assert.Equal("A2", Best(plan, 1, rule: GapRule.Off));
    }

    [Theory]
    // Strict: alone between a taken seat and the row end, or an aisle, or another taken seat.
    [InlineData("A2", "A1", GapRule.Strict, "A1", "......")]
    [InlineData("A3", "A2", GapRule.Strict, "A2", "x.....")]
    [InlineData("A4 A5", "A3", GapRule.Strict, "A3 A4", "xx....|...")]
    // Lenient: only between two taken seats.
    [InlineData("A2", null, GapRule.Lenient, null, "......")]
    [InlineData("A5", "A4", GapRule.Lenient, "A4", "x.x...")]
    public void A_selection_that_strands_a_seat_names_it_and_suggests_the_nearest_that_does_not(string selection, string? stranded, GapRule rule, string? suggestion, string row)
    {
        var verdict = SeatPicker.Check(Plan(row), selection.Split(' '), rule);
        Assert.Equal(stranded, verdict.Stranded);
        Assert.Equal(suggestion, verdict.Suggestion is { } s ? string.Join(" ", s) : null);
    }

    [Theory]
    [InlineData("A1 A2", "......")]
    [InlineData("A2 A3", "x.....")]
    [InlineData("A5 A6", "xx....")]
    // Nearly full: every pair left in the run strands a seat, so the selection stands.
    [InlineData("A1 A2", "...x")]
    // Already alone before the selection: not this selection's doing.
    [InlineData("A3 A4 A5", ".x...")]
    public void A_selection_that_strands_nothing_new_is_taken(string selection, string row)
    {
        Assert.Equal(GapVerdict.Fine, SeatPicker.Check(Plan(row), selection.Split(' '), GapRule.Strict));
    }

    [Fact]
    public void A_selection_over_two_rows_keeps_the_row_that_is_fine_in_its_suggestion()
    {
        var verdict = SeatPicker.Check(Plan("......", "......"), ["A1", "B2"], GapRule.Strict);
        Assert.Equal("B1", verdict.Stranded);
        Assert.Equal(["A1", "B1"], verdict.Suggestion);
    }

    [Fact]
    public void With_the_rule_off_any_selection_is_taken()
    {
        Assert.Equal(GapVerdict.Fine, SeatPicker.Check(Plan("......"), ["A2"], GapRule.Off));
        Assert.Equal("B2 B3", Best(Plan("xxxx", "....", "xxxx"), 2, rule: GapRule.Off));
    }

    [Fact]
    public void Blocked_seats_taken_seats_and_other_categories_are_never_chosen()
    {
        var plan = Plan("#x.#", "P:.x#.", "x#..");
        for (var count = 1; count <= 4; count++)
        {
            var chosen = SeatPicker.Best(plan, count, SeatCategory.Classic, GapRule.Strict, out _) ?? [];
            Assert.DoesNotContain(chosen, id => id is "A1" or "A2" or "A4" or "B1" or "B2" or "B3" or "B4" or "C1" or "C2");
        }
    }

    [Fact]
    public void On_any_seat_map_the_chosen_seats_are_free_distinct_and_no_one_sits_alone()
    {
        var maps = from rows in Gen.Choose(1, 6)
                   from width in Gen.Choose(1, 14)
                   from cells in Gen.ArrayOf(Gen.Elements('.', '.', '.', 'x', '#', '|'), rows * width)
                   from count in Gen.Choose(1, 10)
                   select (Rows: Enumerable.Range(0, rows).Select(r => new string(cells, r * width, width).Trim('|')).Select(r => r.Length == 0 ? "x" : r).ToArray(), Count: count);

        Prop.ForAll(maps.ToArbitrary(), map =>
        {
            var plan = Plan(map.Rows);
            if (SeatPicker.Best(plan, map.Count, null, GapRule.Strict, out var reason) is not { } chosen)
            {
                return !string.IsNullOrEmpty(reason);
            }

            var free = plan.Runs.SelectMany(r => r).Where(s => s.State == SeatAvailability.Free).Select(s => s.Id).ToHashSet();
            var neighbours = plan.Runs.SelectMany(run => run.Select((seat, i) => (seat.Id, Next: run.Where((_, j) => Math.Abs(j - i) == 1).Select(s => s.Id).ToList())))
                .ToDictionary(x => x.Id, x => x.Next);
            return chosen.Count == map.Count
                && chosen.Distinct().Count() == chosen.Count
                && chosen.All(free.Contains)
                && (map.Count == 1 || chosen.All(id => neighbours[id].Any(chosen.Contains)));
        }).QuickCheckThrowOnFailure();
    }
}
