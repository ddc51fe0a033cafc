using System;
using Gpt.Format;

namespace Gpt
{
    /// <summary>One used entry of the partition entry array.</summary>
    public sealed class GptPartition
    {
        public GptPartition(int index, Guid type, Guid unique, ulong firstLba, ulong lastLba, GptAttributes attributes, string name)
        {
            Index = index;
            Type = type;
            Unique = unique;
            FirstLba = firstLba;
            LastLba = lastLba;
            Attributes = attributes;
            Name = name;
        }

        /// <summary>Position in the entry array (0-based; sgdisk numbers partitions from 1).</summary>
        public int Index { get; }

        public Guid Type { get; }

        public Guid Unique { get; }

        public ulong FirstLba { get; }

        /// <summary>Inclusive.</summary>
        public ulong LastLba { get; }

        public GptAttributes Attributes { get; }

        public string Name { get; }
    }
}
