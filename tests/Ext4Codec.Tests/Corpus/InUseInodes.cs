using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Tests.Corpus;

/// <summary>Inodes a clean image uses: initialised groups only, links > 0, no deletion time.</summary>
public static class InUseInodes
{
    public static IEnumerable<uint> Of(Ext4FileSystem fs)
    {
        var g = fs.Geometry;
        bool groupCsum = g.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM) || g.Has(Ext4FeatureRoCompat.RO_COMPAT_GDT_CSUM);
        for (uint group = 0; group < g.GroupCount; group++)
        {
            var gd = fs.GroupDescriptor(group);
            if (groupCsum && (gd.bg_flags & Ext4BgFlags.INODE_UNINIT) != 0) continue;
            uint used = groupCsum ? g.InodesPerGroup - (uint)gd.bg_itable_unused : g.InodesPerGroup;
            for (uint i = 0; i < used && i < g.InodesPerGroup; i++)
            {
                uint ino = group * g.InodesPerGroup + i + 1;
                if (ino > g.InodesCount) yield break;
                var inode = fs.ReadInode(ino);
                if (inode.i_mode != 0 && inode.i_links_count > 0 && inode.i_dtime == 0) yield return ino;
            }
        }
    }
}
