namespace Ext4Codec.FileSystem;

/// <summary>Receives a file's block map from <see cref="BlockMapper.Walk{TVisitor}"/>, in logical order.</summary>
/// <remarks>Implement on a struct and pass it by reference: the walk then neither boxes nor allocates.</remarks>
public interface IBlockMapVisitor
{
    /// <summary>A mapping block: an extent tree node below the root, or an indirect block. Return false to stop.</summary>
    /// <param name="block">Physical block.</param>
    /// <param name="levelsBelow">Levels of mapping blocks below this one (0: it points at data).</param>
    /// <param name="data">The block's bytes.</param>
    bool OnMapBlock(ulong block, int levelsBelow, System.ReadOnlySpan<byte> data);

    /// <summary>A run of data blocks. Return false to stop.</summary>
    bool OnExtent(in ExtentRecord extent);
}
