using System.CommandLine;
using Ext4Codec.Format;
using Ext4Codec.Reports;

namespace Ext4Codec.Cli.Commands;

public static class SpecCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = "a structure, flag set or TLV family (default: all)", Arity = ArgumentArity.ZeroOrOne };
        var markdown = new Option<bool>("--markdown") { Description = "field tables as Markdown (the default output)" };
        var dictionary = new Option<bool>("--dictionary") { Description = "an AFL/libFuzzer dictionary instead: magic numbers, fast-commit record headers, feature bits" };
        var command = new Command("spec", "Print the declared on-disk format: field tables from the specs") { name, markdown, dictionary };
        command.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            string? wanted = parse.GetValue(name);
            if (parse.GetValue(dictionary))
            {
                Ext4Codec.Fuzzing.FuzzDictionary.Write(o);
                return ExitCodes.Clean;
            }
            if (wanted is null)
            {
                SpecMarkdown.WriteAll(o);
                return ExitCodes.Clean;
            }
            foreach (var s in SpecCatalog.Structs)
                if (s.SpecName == wanted || s.TypeName == wanted) { SpecMarkdown.WriteStruct(o, s); return ExitCodes.Clean; }
            foreach (var f in SpecCatalog.FlagSets)
                if (f.TypeName == wanted) { SpecMarkdown.WriteFlagSet(o, f); return ExitCodes.Clean; }
            foreach (var t in SpecCatalog.Tlvs)
                if (t.TypeName == wanted) { SpecMarkdown.WriteTlv(o, t); return ExitCodes.Clean; }
            parse.InvocationConfiguration.Error.WriteLine($"ext4codec: no structure, flag set or TLV family named '{wanted}' (try 'ext4codec spec' for all)");
            return ExitCodes.OperationalError;
        });
        return command;
    }
}
