using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Imaging;

namespace Ext4Codec.Kernel;

/// <summary>
/// What the three mount attempts on one image share: the devices, the profile, the shared reader, the journal
/// replay computed once, and the notes on what the model could not decide.
/// </summary>
internal sealed class MountContext(DiskImage image, DiskImage? externalJournal, KernelProfile profile)
{
    private readonly List<string> _notes = [];
    private Ext4FileSystem? _fs;
    private bool _fsTried;

    public KernelDisk Disk { get; } = new(image);

    /// <summary>The journal device given as journal_path=, or null.</summary>
    public KernelDisk? ExternalJournal { get; } = externalJournal is null ? null : new(externalJournal);

    public KernelProfile Profile { get; } = profile;

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>The journal replay, once computed for this image (the same for every attempt that loads the journal).</summary>
    public JournalRun? Replay { get; set; }

    public void Note(string text)
    {
        if (!_notes.Contains(text)) _notes.Add(text);
    }

    /// <summary>The shared reader over the same image, for block maps; null when its stricter geometry refuses the superblock (blocks per group below 8).</summary>
    public Ext4FileSystem? FileSystem
    {
        get
        {
            if (!_fsTried)
            {
                _fsTried = true;
                if (Ext4FileSystem.TryOpen(Disk.Image, false, out var fs, out _)) _fs = fs;
                else Note("the block maps of the journal and orphan-file inodes are not read: the shared reader refuses this geometry");
            }
            return _fs;
        }
    }
}
