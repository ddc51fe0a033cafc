using System.CommandLine;
using Ext4Codec.Reports;

namespace Ext4Codec.Cli.Commands;

public static class InfoCommand
{
    public static Command Create()
    {
        var image = CommonOptions.Image();
        var json = CommonOptions.Json();
        var command = new Command("info", "Superblock, group descriptors and journal superblock (like dumpe2fs)") { image, json };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            return CommonOptions.OnImage(parse, image, fs =>
            {
                if (parse.GetValue(json)) CommonOptions.WriteJson(stdout, w => InfoReport.WriteJson(fs, w));
                else InfoReport.WriteText(fs, stdout);
            });
        });
        return command;
    }
}
