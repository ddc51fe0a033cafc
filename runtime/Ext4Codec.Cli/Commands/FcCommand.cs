using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Ext4Codec.Directories;
using Ext4Codec.FastCommit;
using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.Cli.Commands;

/// <summary><c>fc IMAGE</c>: every record of the fast-commit area, decoded, with its commit and whether replay uses it.</summary>
public static class FcCommand
{
    public static Command Create()
    {
        var image = CommonOptions.Image();
        var json = CommonOptions.Json();
        var command = new Command("fc", "The fast-commit area: every tag decoded, its commit, replayed or not, and the kernel's scan verdict (exit 4 when the scan fails)") { image, json };
        command.SetAction(parse => CommonOptions.OnImage(parse, image, fs =>
        {
            var journal = CommonOptions.OpenJournal(fs);
            if (!journal.Geometry.HasFastCommit && !fs.Geometry.Has(Ext4FeatureCompat.COMPAT_FAST_COMMIT))
                throw new CommandProblem("neither the filesystem nor its journal has the fast_commit feature");
            var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
            var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize);
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) CommonOptions.WriteJson(o, w => WriteJson(w, scan));
            else WriteText(o, scan);
            return scan.Outcome == FcOutcome.Failed ? ExitCodes.ErrorsLeft : ExitCodes.Clean;
        }));
        return command;
    }

    private static void WriteText(TextWriter o, FcScan scan)
    {
        o.WriteLine($"Fast-commit area: journal blocks {U(scan.FirstBlock)}..{U(scan.EndBlock - 1)}, expected tid {U(scan.ExpectedTid)}");
        foreach (var r in scan.Records)
            o.WriteLine($"  {U(r.JournalBlock)}+{U((ulong)r.Offset),-5} {TagName(r.Tag),-9} {Describe(r),-60} commit {r.Commit.ToString(CultureInfo.InvariantCulture)}, {(r.State == FcRecordState.Replayed ? "replayed" : "not replayed")}");
        foreach (var c in scan.Commits)
            o.WriteLine($"Commit {c.Index.ToString(CultureInfo.InvariantCulture)}: tid {U(c.Tid)}, records {c.FirstRecord.ToString(CultureInfo.InvariantCulture)}..{c.TailRecord.ToString(CultureInfo.InvariantCulture)}, {(c.Valid ? "valid" : "not valid for this tid/CRC")}");
        o.WriteLine($"Scan: {OutcomeName(scan.Outcome)}{(scan.Errno.Length > 0 ? " (" + scan.Errno + ")" : "")}: {U((ulong)scan.ReplayTags)} records replay; {scan.Reason}");
    }

    private static void WriteJson(Utf8JsonWriter w, FcScan scan)
    {
        w.WriteStartObject();
        w.WriteNumber("first_block", scan.FirstBlock);
        w.WriteNumber("end_block", scan.EndBlock);
        w.WriteNumber("expected_tid", scan.ExpectedTid);
        w.WriteString("outcome", OutcomeName(scan.Outcome));
        w.WriteString("errno", scan.Errno);
        w.WriteString("reason", scan.Reason);
        w.WriteNumber("replay_tags", scan.ReplayTags);
        w.WriteStartArray("records");
        foreach (var r in scan.Records)
        {
            w.WriteStartObject();
            w.WriteNumber("block", r.JournalBlock);
            w.WriteNumber("offset", r.Offset);
            w.WriteString("fc_tag", TagName(r.Tag));
            w.WriteNumber("fc_len", r.Length);
            w.WriteNumber("commit", r.Commit);
            w.WriteBoolean("replayed", r.State == FcRecordState.Replayed);
            switch (r.Tag)
            {
                case FcTag.ADD_RANGE:
                    w.WriteNumber("fc_ino", r.Ino);
                    w.WriteNumber("ee_block", r.Lblk);
                    w.WriteNumber("ee_len", r.Len);
                    w.WriteNumber("ee_start", r.Pblk);
                    w.WriteBoolean("unwritten", r.Unwritten);
                    break;
                case FcTag.DEL_RANGE:
                    w.WriteNumber("fc_ino", r.Ino);
                    w.WriteNumber("fc_lblk", r.Lblk);
                    w.WriteNumber("fc_len", r.Len);
                    break;
                case FcTag.CREAT:
                case FcTag.LINK:
                case FcTag.UNLINK:
                    w.WriteNumber("fc_parent_ino", r.ParentIno);
                    w.WriteNumber("fc_ino", r.Ino);
                    w.WriteString("fc_dname", NameText.Escape(r.Name));
                    break;
                case FcTag.INODE:
                    w.WriteNumber("fc_ino", r.Ino);
                    w.WriteNumber("i_mode", r.Mode);
                    w.WriteNumber("i_links_count", r.LinksCount);
                    w.WriteNumber("i_size", r.Size);
                    break;
                case FcTag.HEAD:
                    w.WriteNumber("fc_features", r.Features);
                    w.WriteNumber("fc_tid", r.Tid);
                    break;
                case FcTag.TAIL:
                    w.WriteNumber("fc_tid", r.Tid);
                    w.WriteNumber("fc_crc", r.Crc);
                    w.WriteNumber("computed_crc", r.ComputedCrc);
                    break;
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("commits");
        foreach (var c in scan.Commits)
        {
            w.WriteStartObject();
            w.WriteNumber("index", c.Index);
            w.WriteNumber("fc_tid", c.Tid);
            w.WriteNumber("first_record", c.FirstRecord);
            w.WriteNumber("tail_record", c.TailRecord);
            w.WriteBoolean("valid", c.Valid);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Describe(FcRecord r) => r.Tag switch
    {
        FcTag.ADD_RANGE => $"ino {U(r.Ino)} lblk {U(r.Lblk)} len {U(r.Len)} -> {U(r.Pblk)}{(r.Unwritten ? " unwritten" : "")}",
        FcTag.DEL_RANGE => $"ino {U(r.Ino)} lblk {U(r.Lblk)} len {U(r.Len)}",
        FcTag.CREAT or FcTag.LINK or FcTag.UNLINK => $"parent {U(r.ParentIno)} ino {U(r.Ino)} \"{NameText.Escape(r.Name)}\"",
        FcTag.INODE => $"ino {U(r.Ino)} mode {System.Convert.ToString(r.Mode, 8)} links {U(r.LinksCount)} size {U(r.Size)}",
        FcTag.HEAD => $"features 0x{r.Features.ToString("x", CultureInfo.InvariantCulture)} tid {U(r.Tid)}",
        FcTag.TAIL => $"tid {U(r.Tid)} crc 0x{r.Crc.ToString("x8", CultureInfo.InvariantCulture)}{(r.Crc == r.ComputedCrc ? "" : " (computed 0x" + r.ComputedCrc.ToString("x8", CultureInfo.InvariantCulture) + ")")}",
        _ => $"{U((ulong)r.Length)} bytes",
    };

    private static string TagName(FcTag tag) => FcTagInfo.IsKnown(tag) ? tag.ToString() : "0x" + ((ushort)tag).ToString("x4", CultureInfo.InvariantCulture);

    private static string OutcomeName(FcOutcome outcome) => outcome switch
    {
        FcOutcome.NotScanned => "not_scanned",
        FcOutcome.NothingToReplay => "nothing_to_replay",
        FcOutcome.Replay => "replay",
        _ => "failed",
    };

    private static string U(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
