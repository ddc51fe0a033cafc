using System;

namespace Ext4Codec.Editing;

/// <summary>
/// An edit this library will not make: the filesystem is full, or the change needs a transformation it does not
/// implement (an htree index that must grow a level, an inline directory that must move to a block, a
/// block-mapped file). Callers refuse the whole operation rather than leave a partial result.
/// </summary>
public sealed class EditRefusedException(string message) : Exception(message);
