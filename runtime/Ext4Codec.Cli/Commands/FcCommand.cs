using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Ext4Codec.Directories;
using Ext4Codec.FastCommit;
using Ext4Codec.Format;
using Ext4Codec.FileSystem;
using Ext4Codec.Imaging;
using Ext4Codec.Journal;
using Ext4Codec.Versioning;
using Ext4Codec.Reports;

namespace Ext4Codec.Cli.Commands;

/// <summary><c>fc IMAGE</c>: every record of the fast-commit area, decoded, with its commit and whether replay uses it.</summary>
public static class FcCommand
{
    public static Command Create()
    {
        var image = CommonOptions.Image();
        var json = CommonOptions.Json();
        var write = new Option<string>("--write") { Description = "write the fast commits a JSON file describes (docs/compat.md) into a copy of IMAGE, then list its area" };
        var output = new Option<string>("--output", "-o") { Description = "with --write: the new image (must differ from IMAGE)" };
        var proposal = CommonOptions.Proposal();
        var command = new Command("fc", "The fast-commit area: every tag decoded, its commit, replayed or not, and the scan verdict of Linux 6.18 (or of a reader implementing the image's proposal; exit 4 when the scan fails); --write writes fast commits into a copy") { image, json, write, output, proposal };
        command.SetAction(parse =>
        {
            string? commits = parse.GetValue(write);
            if (commits is not null) return Write(parse, parse.GetValue(image)!, commits, parse.GetValue(output), parse.GetValue(json));
            return CommonOptions.OnImage(parse, image, fs =>
            {
                var o = parse.InvocationConfiguration.Output;
                var reader = ReaderOf(CommonOptions.ResolveProposal(parse, proposal, fs));
                var scan = ScanArea(fs, reader);
                if (parse.GetValue(json)) CommonOptions.WriteJson(o, w => WriteJson(w, scan, reader));
                else WriteText(o, scan, reader);
                return scan.Outcome == FcOutcome.Failed ? ExitCodes.ErrorsLeft : ExitCodes.Clean;
            });
        });
        return command;
    }

    /// <summary>Linux 6.18 for the base format; this project's reader implementing the proposal otherwise.</summary>
    private static ReaderRules ReaderOf(ProposalLayout? proposal)
        => proposal is null ? ReaderRules.Of(ReaderProfiles.Linux_6_18) : ReaderRules.Of(ReaderProfiles.Ext4codec, proposal);

    private static FcScan ScanArea(Ext4FileSystem fs, ReaderRules reader)
    {
        var journal = CommonOptions.OpenJournal(fs);
        if (!journal.Geometry.HasFastCommit && !fs.Geometry.Has(Ext4FeatureCompat.COMPAT_FAST_COMMIT))
            throw new CommandProblem("neither the filesystem nor its journal has the fast_commit feature");
        var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
        return FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize, reader.Scan, (uint)fs.Geometry.Incompat);
    }

    /// <summary><c>fc IMAGE --write FILE -o OUT</c>: the input copied to OUT, the commits written there; nothing is left behind on refusal.</summary>
    private static int Write(ParseResult parse, string input, string commitsFile, string? outputPath, bool asJson)
    {
        var error = parse.InvocationConfiguration.Error;
        if (outputPath is null)
        {
            error.WriteLine("ext4codec: fc --write needs --output (-o): the input image is never changed");
            return ExitCodes.OperationalError;
        }
        if (Path.GetFullPath(outputPath) == Path.GetFullPath(input))
        {
            error.WriteLine("ext4codec: fc --write: the output must be a new file: the input image is never changed");
            return ExitCodes.OperationalError;
        }
        return ImageErrors.Run(input, error, () =>
        {
            string text;
            try
            {
                text = File.ReadAllText(commitsFile);
            }
            catch (System.Exception e) when (e is IOException or System.UnauthorizedAccessException)
            {
                throw new CommandProblem($"{commitsFile}: {e.Message}");
            }
            FcWriteReport report;
            FcWriteRequest request;
            using (var fs = Ext4FileSystem.Open(input))
            {
                try
                {
                    request = FcCommitDocument.Parse(text, fs);
                }
                catch (JsonSpecException e)
                {
                    throw new CommandProblem($"{commitsFile}: {e.Message}");
                }
                fs.Image.SaveSparse(outputPath);
                try
                {
                    using var target = DiskImage.OpenWritable(outputPath);
                    report = FcAreaWriter.Write(target, request);
                }
                catch (System.Exception e) when (e is FcWriteRefusedException or CorruptDataException)
                {
                    File.Delete(outputPath);
                    throw new CommandProblem("fast commits not written: " + e.Message);
                }
            }
            using var written = Ext4FileSystem.Open(outputPath);
            var reader = ReaderOf(request.Proposal);
            var scan = ScanArea(written, reader);
            var o = parse.InvocationConfiguration.Output;
            if (asJson)
            {
                CommonOptions.WriteJson(o, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("output", outputPath);
                    w.WriteNumber("fc_tid", report.Tid);
                    w.WriteNumber("first_block", report.FirstBlock);
                    w.WriteNumber("blocks", report.Blocks);
                    w.WriteNumber("records", report.Records);
                    w.WriteNumber("commits", report.Commits);
                    w.WriteNumber("fc_features", report.HeadFeatures);
                    w.WriteStartArray("changes");
                    foreach (string c in report.Changes) w.WriteStringValue(c);
                    w.WriteEndArray();
                    w.WritePropertyName("area");
                    WriteJson(w, scan, reader);
                    w.WriteEndObject();
                });
            }
            else
            {
                o.WriteLine($"{outputPath}: {U((ulong)report.Commits)} fast commits, {U((ulong)report.Records)} records in {U((ulong)report.Blocks)} blocks, tid {U(report.Tid)}");
                foreach (string c in report.Changes) o.WriteLine("  " + c);
                WriteText(o, scan, reader);
            }
            return ExitCodes.Clean;
        });
    }

    private static void WriteText(TextWriter o, FcScan scan, ReaderRules reader)
    {
        o.WriteLine($"Fast-commit area: journal blocks {U(scan.FirstBlock)}..{U(scan.EndBlock - 1)}, expected tid {U(scan.ExpectedTid)}");
        foreach (var r in scan.Records)
            o.WriteLine($"  {U(r.JournalBlock)}+{U((ulong)r.Offset),-5} {TagName(r.Tag),-9} {Describe(r),-60} commit {r.Commit.ToString(CultureInfo.InvariantCulture)}, {(r.State == FcRecordState.Replayed ? "replayed" : "not replayed")}");
        foreach (var c in scan.Commits)
            o.WriteLine($"Commit {c.Index.ToString(CultureInfo.InvariantCulture)}: tid {U(c.Tid)}, records {c.FirstRecord.ToString(CultureInfo.InvariantCulture)}..{c.TailRecord.ToString(CultureInfo.InvariantCulture)}, {(c.Valid ? "valid" : "not valid for this tid/CRC")}");
        o.WriteLine($"Scan ({reader.Name}): {OutcomeName(scan.Outcome)}{(scan.Errno.Length > 0 ? " (" + scan.Errno + ")" : "")}: {U((ulong)scan.ReplayTags)} records replay; {scan.Reason}");
    }

    private static void WriteJson(Utf8JsonWriter w, FcScan scan, ReaderRules reader)
    {
        w.WriteStartObject();
        w.WriteString("reader", reader.Id);
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
                case FcTag.CREAT_DEV:
                    w.WriteNumber("fc_parent_ino", r.ParentIno);
                    w.WriteNumber("fc_ino", r.Ino);
                    w.WriteNumber("fc_mode", r.Mode);
                    w.WriteNumber("fc_rdev", r.Rdev);
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
        FcTag.CREAT_DEV => $"parent {U(r.ParentIno)} ino {U(r.Ino)} \"{NameText.Escape(r.Name)}\" mode {System.Convert.ToString(r.Mode, 8)} rdev {U(r.Rdev >> 8 & 0xFFF)}:{U((r.Rdev & 0xFF) | (r.Rdev >> 12 & 0xFFF00))}",
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
