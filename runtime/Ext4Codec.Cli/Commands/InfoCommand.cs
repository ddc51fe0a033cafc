using System.CommandLine;
using System.IO;
using System.Text.Json;
using Ext4Codec.FileSystem;
using Ext4Codec.Reports;

namespace Ext4Codec.Cli.Commands;

public static class InfoCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "ext2/3/4 image file (opened read-only)" };
        var json = new Option<bool>("--json") { Description = "machine-readable output with the kernel's field names" };
        var command = new Command("info", "Superblock, group descriptors and journal superblock (like dumpe2fs)") { image, json };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(image)!;
            bool asJson = parse.GetValue(json);
            var stdout = parse.InvocationConfiguration.Output;
            return ImageErrors.Run(path, parse.InvocationConfiguration.Error, () =>
            {
                using var fs = Ext4FileSystem.Open(path);
                if (asJson)
                {
                    using var stream = new MemoryStream();
                    using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                        InfoReport.WriteJson(fs, writer);
                    stdout.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
                }
                else
                {
                    InfoReport.WriteText(fs, stdout);
                }
            });
        });
        return command;
    }
}
