using System;
using System.IO;
using Ext4Codec.Format;

namespace Ext4Codec.Cli.Commands;

/// <summary>Turns what can go wrong opening and reading an image into one clear line and exit code 8.</summary>
public static class ImageErrors
{
    public static int Run(string image, TextWriter error, Action action)
        => Run(image, error, () =>
        {
            action();
            return ExitCodes.Clean;
        });

    /// <summary>Runs <paramref name="action"/>, whose result is the exit code unless reading the image fails.</summary>
    public static int Run(string image, TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (CorruptDataException e)
        {
            error.WriteLine($"ext4codec: {image}: {e.Reason} ({Where(e.Corruption)})");
        }
        catch (CommandProblem e)
        {
            error.WriteLine($"ext4codec: {image}: {e.Message}");
        }
        catch (FileNotFoundException)
        {
            error.WriteLine($"ext4codec: {image}: no such file");
        }
        catch (DirectoryNotFoundException)
        {
            error.WriteLine($"ext4codec: {image}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            error.WriteLine($"ext4codec: {image}: permission denied");
        }
        catch (IOException e)
        {
            error.WriteLine($"ext4codec: {image}: {e.Message}");
        }
        return ExitCodes.OperationalError;
    }

    private static string Where(Corruption c)
        => (c.Field.Length > 0 ? c.Structure + "." + c.Field : c.Structure) + " at byte " + c.Offset;
}
