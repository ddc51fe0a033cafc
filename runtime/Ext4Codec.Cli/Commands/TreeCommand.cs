using System.Collections.Generic;
using System.CommandLine;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Reports;

namespace Ext4Codec.Cli.Commands;

public static class TreeCommand
{
    public static Command Create()
    {
        var image = CommonOptions.Image();
        var path = CommonOptions.Path("directory to start from", "/");
        var json = CommonOptions.Json();
        var command = new Command("tree", "Every path below a directory, depth first in name order") { image, path, json };
        command.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            return CommonOptions.OnImage(parse, image, fs =>
            {
                string start = parse.GetValue(path)!;
                uint ino = CommonOptions.Resolve(fs, start);
                var errors = new List<Corruption>();
                var nodes = TreeWalker.Walk(fs, ino, start, errors);
                if (parse.GetValue(json))
                {
                    CommonOptions.WriteJson(o, w =>
                    {
                        w.WriteStartObject();
                        w.WriteStartArray("paths");
                        foreach (var node in nodes)
                        {
                            w.WriteStartObject();
                            w.WriteString("path", node.Path);
                            if (TryNode(fs, node.Inode, out var s, out string? target))
                            {
                                s.WriteJsonProperties(w);
                                if (target is not null) w.WriteString("target", target);
                            }
                            else w.WriteNumber("ino", node.Inode);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        ErrorsJson.Write(w, errors);
                        w.WriteEndObject();
                    });
                    return errors.Count > 0 ? ExitCodes.ErrorsLeft : ExitCodes.Clean;
                }
                foreach (var node in nodes)
                {
                    string name = node.Depth == 0 ? node.Path : node.Path[(node.Path.LastIndexOf('/') + 1)..];
                    string suffix = "";
                    if (TryNode(fs, node.Inode, out var s, out string? target))
                        suffix = s.Type == Ext4InodeType.S_IFDIR && node.Depth > 0 ? "/" : target is not null ? " -> " + target : "";
                    o.WriteLine($"{new string(' ', node.Depth * 2)}{name}{suffix}");
                }
                foreach (var err in errors) parse.InvocationConfiguration.Error.WriteLine($"ext4codec: {parse.GetValue(image)}: {err}");
                // Every readable path is listed; what could not be read leaves errors.
                return errors.Count > 0 ? ExitCodes.ErrorsLeft : ExitCodes.Clean;
            });
        });
        return command;
    }

    private static bool TryNode(Ext4FileSystem fs, uint ino, out InodeSummary summary, out string? target)
    {
        target = null;
        if (!InodeSummary.TryOf(fs, ino, out summary)) return false;
        if (summary.Type != Ext4InodeType.S_IFLNK) return true;
        try { target = NameText.Escape(InodeReport.SymlinkTarget(fs, ino, fs.ReadInode(ino))); }
        catch (CorruptDataException) { return false; }
        return true;
    }
}
