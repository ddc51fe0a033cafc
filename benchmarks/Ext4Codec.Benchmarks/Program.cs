using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Ext4Codec.Benchmarks.SampleBlocks).Assembly).Run(args);
