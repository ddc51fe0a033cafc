using System;

namespace Ext4Codec.Cli.Commands;

/// <summary>A request that cannot be served (a missing path, a directory where a file was asked): one line, exit 8.</summary>
public sealed class CommandProblem(string message) : Exception(message);
