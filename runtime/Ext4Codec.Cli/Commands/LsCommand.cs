using System.Collections.Generic;
using System.CommandLine;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Reports;

namespace Ext4Codec.Cli.Commands;

public static class LsCommand
{
    public static Command Create()
    {
        var image = CommonOptions.Image();
        var path = CommonOptions.Path("directory to list", "/");
        var json = CommonOptions.Json();
        var longFormat = new Option<bool>("--long", "-l") { Description = "inode, mode, links, owner, size and mtime of each entry" };
        var command = new Command("ls", "List a directory (like debugfs ls)") { image, path, longFormat, json };
        command.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            return CommonOptions.OnImage(parse, image, fs =>
            {
                uint ino = CommonOptions.Resolve(fs, parse.GetValue(path)!);
                var inode = fs.ReadInode(ino);
                if (InodeFacts.Type(inode) != Ext4InodeType.S_IFDIR) throw new CommandProblem($"{parse.GetValue(path)}: not a directory");
                var errors = new List<Corruption>();
                var entries = DirectoryReader.ReadAll(fs, ino, inode, errors);
                if (parse.GetValue(json))
                {
                    CommonOptions.WriteJson(o, w =>
                    {
                        w.WriteStartObject();
                        w.WriteNumber("ino", ino);
                        w.WriteStartArray("entries");
                        foreach (var e in entries)
                        {
                            w.WriteStartObject();
                            w.WriteString("name", e.DisplayName);
                            w.WriteNumber("inode", e.Inode);
                            w.WriteString("file_type", e.FileType.ToString());
                            w.WriteNumber("offset", e.Offset);
                            if (InodeSummary.TryOf(fs, e.Inode, out var s))
                            {
                                w.WriteStartObject("stat");
                                s.WriteJsonProperties(w);
                                w.WriteEndObject();
                            }
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        ErrorsJson.Write(w, errors);
                        w.WriteEndObject();
                    });
                }
                else
                {
                    foreach (var e in entries)
                    {
                        if (parse.GetValue(longFormat) && InodeSummary.TryOf(fs, e.Inode, out var s))
                        {
                            string size = s.Type is Ext4InodeType.S_IFCHR or Ext4InodeType.S_IFBLK ? $"{s.DevMajor},{s.DevMinor}" : s.Size.ToString();
                            o.WriteLine($"{e.Inode,8} {s.ModeString} {s.Links,4} {s.Uid,6} {s.Gid,6} {size,12} {InodeFacts.ToDate(s.Mtime):yyyy-MM-dd HH:mm} {e.DisplayName}");
                        }
                        else o.WriteLine($"{e.Inode,8} {e.DisplayName}");
                    }
                    foreach (var err in errors) parse.InvocationConfiguration.Error.WriteLine($"ext4codec: {parse.GetValue(image)}: {err}");
                }
                // The readable entries are listed; a directory block that could not be read leaves errors.
                return errors.Count > 0 ? ExitCodes.ErrorsLeft : ExitCodes.Clean;
            });
        });
        return command;
    }
}
