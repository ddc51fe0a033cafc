using System;
using System.Collections.Generic;
using System.IO;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Tests.Corpus;

namespace Ext4Codec.Tests.Versioning;

/// <summary>
/// Fast-commit areas written by <see cref="FcAreaWriter"/> into a private copy of corpus/compat/base.img.gz (a clean
/// 4k fast_commit filesystem with /upper = inode 12 and /work = 13; inodes from 14 are free).
/// </summary>
public sealed class FcAreas : IDisposable
{
    public const uint Root = 2, Upper = 12, FirstFree = 14;

    private readonly DiskImage _base = DiskImage.FromStream(new MemoryStream(RepoImages.Decompress(CompatCorpus.BaseImage)), "base.img");

    public FcAreas(FcWriteRequest request)
    {
        Image = _base.PrivateCopy();
        Report = FcAreaWriter.Write(Image, request);
    }

    public DiskImage Image { get; }

    public FcWriteReport Report { get; }

    /// <summary>A new regular file <paramref name="ino"/> named <paramref name="name"/> in /upper, as ext4_fc_write_inode and CREAT log it.</summary>
    public static List<FcRecordSpec> NewFile(uint ino, string name)
        => [FcRecordSpec.Inode(ino, RegularInode()), FcRecordSpec.Creat(Upper, ino, System.Text.Encoding.ASCII.GetBytes(name))];

    /// <summary>128 + 32 bytes of an empty extent-mapped 0644 file with one link.</summary>
    public static byte[] RegularInode()
    {
        var raw = new byte[160];
        var w = new InodeWriter(raw);
        w.i_mode = 0x81A4;
        w.i_links_count = 1;
        w.i_extra_isize = 32;
        w.i_flags = Ext4InodeFlags.EXTENTS_FL;
        var root = new ExtentHeaderWriter(raw.AsSpan(InodeLayout.Offsets.i_block, 12));
        root.eh_magic = 0xF30A;
        root.eh_max = 4;
        return raw;
    }

    /// <summary>The journal byte offset of fast-commit block <paramref name="index"/> (0: the HEAD's block).</summary>
    public long BlockOffset(int index)
    {
        using var fs = Ext4FileSystem.Open(Image);
        Ext4Codec.Journal.Jbd2Journal.TryOpen(fs, out var journal, out _);
        return journal.Store.OffsetOf(Report.FirstBlock + (uint)index);
    }

    public void Dispose()
    {
        Image.Dispose();
        _base.Dispose();
    }
}
