using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.Cli.Commands;

/// <summary><c>journal IMAGE</c>: the jbd2 log's transactions, blocks and revokes, and what recovery would do with them.</summary>
public static class JournalCommand
{
    public static Command Create()
    {
        var image = CommonOptions.Image();
        var json = CommonOptions.Json();
        var command = new Command("journal", "The jbd2 log: transactions, data blocks, revokes, and the recovery verdict (exit 4 when recovery would fail)") { image, json };
        command.SetAction(parse => CommonOptions.OnImage(parse, image, fs =>
        {
            var journal = CommonOptions.OpenJournal(fs);
            var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) CommonOptions.WriteJson(o, w => WriteJson(w, journal, recovery));
            else WriteText(o, journal, recovery);
            return recovery.Error is null ? ExitCodes.Clean : ExitCodes.ErrorsLeft;
        }));
        return command;
    }

    private static void WriteText(TextWriter o, Jbd2Journal journal, JournalRecovery r)
    {
        var g = journal.Geometry;
        string where = journal.Location.Kind == JournalKind.Internal ? "inode " + U(journal.Location.Inode) : "journal device";
        o.WriteLine($"Journal ({where}): {U(g.MaxLen)} blocks of {U((ulong)g.BlockSize)} bytes, log blocks {U(g.First)}..{U(g.Last - 1)}" +
            (g.HasFastCommit ? $", fast-commit blocks {U(g.FcFirst)}..{U(g.FcLast - 1)}" : ""));
        o.WriteLine($"Superblock v{U((ulong)g.Version)}, sequence {U(g.Sequence)}, start {U(g.Start)}: {(g.NeedsRecovery ? "needs recovery" : "clean")}; tags of {U((ulong)g.TagBytes)} bytes");
        foreach (var t in r.Transactions)
        {
            o.WriteLine($"Transaction {U(t.Tid)} at log block {U(t.FirstLogBlock)}: {U((ulong)t.DescriptorBlocks)} descriptor, {U((ulong)t.DataBlocks.Count)} data, " +
                $"{U((ulong)t.RevokeBlocks)} revoke ({U((ulong)t.Revokes.Count)} records), {EndText(t)}{(t.Replayed ? ", replayed" : ", not replayed")}");
            foreach (var b in t.DataBlocks)
                o.WriteLine($"  log {U(b.LogBlock)} -> fs {U(b.FsBlock)}{((b.Flags & JournalTagFlags.FLAG_ESCAPE) != 0 ? " (escaped)" : "")}: {FateName(b.Fate)}");
            if (t.Revokes.Count > 0) o.WriteLine("  revokes: " + string.Join(' ', t.Revokes.ConvertAll(b => U(b))));
        }
        if (!g.NeedsRecovery) o.WriteLine("Recovery: not needed (s_start is 0)");
        else if (r.Error is not null) o.WriteLine($"Recovery: fails: {r.Error.Message} ({r.Error.Errno})");
        else if (r.EndTransaction == r.StartTransaction) o.WriteLine($"Recovery: no complete transaction to replay (expects tid {U(r.StartTransaction)})");
        else o.WriteLine($"Recovery: replays transactions {U(r.StartTransaction)}..{U(r.EndTransaction - 1)}: {U((ulong)r.NrReplays)} blocks written, " +
            $"{U((ulong)r.NrRevokes)} revoke records, {U((ulong)r.NrRevokeHits)} revoked blocks skipped");
        if (r.FailedCommit is uint failed) o.WriteLine($"Journal transaction {U(failed)} was corrupt, replay was aborted.");
        foreach (string note in r.Notes) o.WriteLine("Note: " + note);
    }

    private static void WriteJson(Utf8JsonWriter w, Jbd2Journal journal, JournalRecovery r)
    {
        var g = journal.Geometry;
        w.WriteStartObject();
        w.WriteStartObject("journal");
        w.WriteString("location", journal.Location.Kind.ToString().ToLowerInvariant());
        if (journal.Location.Kind == JournalKind.Internal) w.WriteNumber("s_journal_inum", journal.Location.Inode);
        w.WriteNumber("s_blocksize", g.BlockSize);
        w.WriteNumber("s_maxlen", g.MaxLen);
        w.WriteNumber("s_first", g.First);
        w.WriteNumber("s_sequence", g.Sequence);
        w.WriteNumber("s_start", g.Start);
        w.WriteNumber("s_num_fc_blks", journal.NumFcBlocks);
        w.WriteNumber("version", g.Version);
        w.WriteNumber("s_feature_compat", (uint)g.Compat);
        w.WriteNumber("s_feature_incompat", (uint)g.Incompat);
        w.WriteNumber("j_last", g.Last);
        if (g.HasFastCommit)
        {
            w.WriteNumber("j_fc_first", g.FcFirst);
            w.WriteNumber("j_fc_last", g.FcLast);
        }
        w.WriteNumber("tag_bytes", g.TagBytes);
        w.WriteEndObject();

        w.WriteStartArray("transactions");
        foreach (var t in r.Transactions)
        {
            w.WriteStartObject();
            w.WriteNumber("tid", t.Tid);
            w.WriteNumber("first_block", t.FirstLogBlock);
            w.WriteNumber("descriptor_blocks", t.DescriptorBlocks);
            w.WriteNumber("revoke_blocks", t.RevokeBlocks);
            w.WriteString("end", EndName(t.End));
            if (t.CommitLogBlock >= 0)
            {
                w.WriteNumber("commit_block", t.CommitLogBlock);
                w.WriteNumber("h_commit_sec", t.CommitSec);
                w.WriteNumber("h_commit_nsec", t.CommitNsec);
            }
            w.WriteBoolean("replayed", t.Replayed);
            w.WriteStartArray("blocks");
            foreach (var b in t.DataBlocks)
            {
                w.WriteStartObject();
                w.WriteNumber("log_block", b.LogBlock);
                w.WriteNumber("fs_block", b.FsBlock);
                w.WriteNumber("t_flags", (uint)b.Flags);
                w.WriteString("fate", FateName(b.Fate));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("revokes");
            foreach (ulong b in t.Revokes) w.WriteNumberValue(b);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("recovery");
        w.WriteBoolean("needed", g.NeedsRecovery);
        w.WriteNumber("start_transaction", r.StartTransaction);
        w.WriteNumber("end_transaction", r.EndTransaction);
        w.WriteNumber("nr_replays", r.NrReplays);
        w.WriteNumber("nr_revokes", r.NrRevokes);
        w.WriteNumber("nr_revoke_hits", r.NrRevokeHits);
        if (r.FailedCommit is uint failed) w.WriteNumber("j_failed_commit", failed);
        if (r.Error is null) w.WriteNull("error");
        else
        {
            w.WriteStartObject("error");
            w.WriteString("message", r.Error.Message);
            w.WriteString("errno", r.Error.Errno);
            w.WriteNumber("log_block", r.Error.LogBlock);
            w.WriteEndObject();
        }
        w.WriteStartArray("notes");
        foreach (string note in r.Notes) w.WriteStringValue(note);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string EndText(JournalTransaction t) => t.End switch
    {
        TransactionEnd.Committed => "commit at " + U((ulong)t.CommitLogBlock),
        TransactionEnd.BadCommitChecksum => "commit at " + U((ulong)t.CommitLogBlock) + " with a bad checksum",
        _ => "no commit block",
    };

    private static string EndName(TransactionEnd end) => end switch
    {
        TransactionEnd.Committed => "committed",
        TransactionEnd.BadCommitChecksum => "bad_commit_checksum",
        _ => "incomplete",
    };

    private static string FateName(DataBlockFate fate) => fate switch
    {
        DataBlockFate.Replayed => "replayed",
        DataBlockFate.Revoked => "revoked",
        DataBlockFate.BadChecksum => "bad_checksum",
        DataBlockFate.Unreadable => "unreadable",
        _ => "not_replayed",
    };

    private static string U(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
