using System.CommandLine;
using Ext4Codec.Cli.Commands;

var root = new RootCommand("ext4codec: ext4, jbd2 and fast-commit images, read the way the kernel and e2fsck read them")
{
    InfoCommand.Create(),
    LsCommand.Create(),
    CatCommand.Create(),
    StatCommand.Create(),
    TreeCommand.Create(),
    JournalCommand.Create(),
    FcCommand.Create(),
    ReplayCommand.Create(),
    CheckCommand.Create(),
    CompatCommand.Create(),
    SpecCommand.Create(),
    FuzzCommand.Create(),
};
return root.Parse(args).Invoke();
