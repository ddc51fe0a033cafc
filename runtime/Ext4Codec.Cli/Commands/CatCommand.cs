using System;
using System.CommandLine;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Cli.Commands;

public static class CatCommand
{
    public static Command Create()
    {
        var image = CommonOptions.Image();
        var path = CommonOptions.Path("file to print");
        var command = new Command("cat", "Write a file's content to standard output (like debugfs cat)") { image, path };
        command.SetAction(parse =>
        {
            return CommonOptions.OnImage(parse, image, fs =>
            {
                uint ino = CommonOptions.Resolve(fs, parse.GetValue(path)!);
                var inode = fs.ReadInode(ino);
                if (InodeFacts.Type(inode) == Ext4InodeType.S_IFDIR) throw new CommandProblem($"{parse.GetValue(path)}: is a directory");
                using var stdout = Console.OpenStandardOutput();
                InodeContent.CopyTo(fs, ino, inode, stdout);
            });
        });
        return command;
    }
}
