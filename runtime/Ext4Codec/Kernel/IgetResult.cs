namespace Ext4Codec.Kernel;

/// <summary>The outcome of an iget: the inode, or the failing K_IGET_* check with its errno and error line.</summary>
internal readonly record struct IgetResult(KernelInode? Inode, StageFailure Failure);
