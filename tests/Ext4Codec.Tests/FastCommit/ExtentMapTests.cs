using System.Collections.Generic;
using Ext4Codec.Editing;
using Ext4Codec.FileSystem;
using Xunit;

namespace Ext4Codec.Tests.FastCommit;

/// <summary>The in-memory map replay edits, against hand-worked cases of ext4_fc_replay_add_range / del_range.</summary>
public class ExtentMapTests
{
    private static ExtentRecord R(ulong logical, uint length, ulong physical, bool unwritten = false) => new(logical, length, physical, unwritten);

    [Fact]
    public void Remove_splits_a_run_and_reports_the_blocks_it_held()
    {
        var map = new ExtentMap([R(0, 10, 100)]);
        var removed = new List<ExtentRecord>();
        map.Remove(3, 4, removed);
        Assert.Equal([R(0, 3, 100), R(7, 3, 107)], map.Runs);
        Assert.Equal([R(3, 4, 103)], removed);
    }

    [Fact]
    public void Add_over_a_remapped_range_releases_only_the_old_blocks_that_moved()
    {
        // Blocks 0-9 at 100; the log says 4-5 now live at 500, and 6-7 stay at 106 but become unwritten.
        var map = new ExtentMap([R(0, 10, 100)]);
        var released = new List<ExtentRecord>();
        map.Add(R(4, 2, 500), released);
        map.Add(R(6, 2, 106, unwritten: true), released);
        Assert.Equal([R(0, 4, 100), R(4, 2, 500), R(6, 2, 106, true), R(8, 2, 108)], map.Runs);
        Assert.Equal([R(4, 2, 104)], released);
        Assert.Equal(10ul, map.MappedBlocks);
        Assert.Equal(501ul, map.Lookup(5));
        Assert.Null(map.Lookup(10));
    }

    [Fact]
    public void Adjacent_runs_merge_up_to_the_longest_extent_and_no_further()
    {
        var map = new ExtentMap([]);
        var released = new List<ExtentRecord>();
        map.Add(R(0, 32000, 1000), released);
        map.Add(R(32000, 768, 33000), released);
        map.Add(R(32768, 10, 33768), released);
        Assert.Equal([R(0, 32768, 1000), R(32768, 10, 33768)], map.Runs);
        Assert.Empty(released);
    }
}
