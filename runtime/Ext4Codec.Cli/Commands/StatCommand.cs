using System.CommandLine;
using Ext4Codec.Reports;

namespace Ext4Codec.Cli.Commands;

public static class StatCommand
{
    public static Command Create()
    {
        var image = CommonOptions.Image();
        var path = CommonOptions.Path("file, directory or inode");
        var json = CommonOptions.Json();
        var command = new Command("stat", "Show an inode: fields, times, attributes and block map (like debugfs stat)") { image, path, json };
        command.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            return CommonOptions.OnImage(parse, image, fs =>
            {
                uint ino = CommonOptions.Resolve(fs, parse.GetValue(path)!);
                if (parse.GetValue(json)) CommonOptions.WriteJson(o, w => InodeReport.WriteJson(fs, ino, w));
                else InodeReport.WriteText(fs, ino, o);
            });
        });
        return command;
    }
}
