using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using Ext4Codec.Format;

namespace Ext4Codec.Imaging;

/// <summary>
/// An image mapped into memory, so every structure is read in place. Images from a stream are copied into an
/// anonymous mapping once, so both paths read the same way. Only <see cref="OpenWritable"/> images can be changed.
/// </summary>
public sealed unsafe class DiskImage : IDisposable
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly bool _ownsFile;
    private byte* _base;

    /// <summary>Ranges written into a private copy, so a private copy of it starts from the same bytes.</summary>
    private List<(long Offset, int Length)>? _privateWrites;

    private DiskImage(MemoryMappedFile? file, MemoryMappedViewAccessor? view, long length, string name, bool writable = false, bool ownsFile = true)
    {
        Writable = writable;
        _file = file;
        _ownsFile = ownsFile;
        _view = view;
        Length = length;
        Name = name;
        if (view is not null)
        {
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref _base);
            _base += view.PointerOffset;
        }
    }

    /// <summary>Bytes in the image.</summary>
    public long Length { get; }

    /// <summary>The path or description the image was opened from, for messages.</summary>
    public string Name { get; }

    /// <summary>Whether <see cref="Write"/> may be used (the image was opened with <see cref="OpenWritable"/>).</summary>
    public bool Writable { get; }

    /// <summary>Largest image a gzip file may expand to; beyond it the image is refused rather than filling the disk.</summary>
    public const long MaxDecompressedLength = 64L << 30;

    /// <summary>
    /// Maps a file read-only; the file is never written. A gzip-compressed image (as the corpora ship them) is
    /// expanded into a temporary file that is deleted when the image is disposed.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="IOException">The file cannot be read, or a compressed image is corrupt or too large.</exception>
    public static DiskImage Open(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        if (IsGzip(stream)) return OpenGzip(stream, path);
        long length = stream.Length;
        if (length == 0) return new DiskImage(null, null, 0, path);
        var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        return new DiskImage(file, view, length, path);
    }

    /// <summary>Maps a raw (uncompressed) image file read-write: what <see cref="Write"/> changes lands in the file.</summary>
    /// <exception cref="IOException">The file cannot be opened for writing or is empty.</exception>
    public static DiskImage OpenWritable(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        long length = stream.Length;
        if (length == 0) throw new IOException(path + " is empty");
        var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
        return new DiskImage(file, view, length, path, writable: true);
    }

    private static bool IsGzip(FileStream stream)
    {
        Span<byte> magic = stackalloc byte[2];
        bool gzip = stream.Read(magic) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        stream.Position = 0;
        return gzip;
    }

    private static DiskImage OpenGzip(FileStream compressed, string path)
    {
        string temp = Path.GetTempFileName();
        var expanded = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = gzip.Read(buffer)) > 0)
                {
                    if (expanded.Length + n > MaxDecompressedLength) throw new IOException($"compressed image expands beyond {MaxDecompressedLength >> 30} GiB");
                    expanded.Write(buffer, 0, n);
                }
            }
            long length = expanded.Length;
            if (length == 0)
            {
                expanded.Dispose();
                return new DiskImage(null, null, 0, path);
            }
            var file = MemoryMappedFile.CreateFromFile(expanded, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            return new DiskImage(file, file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length, path);
        }
        catch (InvalidDataException e)
        {
            expanded.Dispose();
            throw new IOException("corrupt gzip image: " + e.Message, e);
        }
        catch
        {
            expanded.Dispose();
            throw;
        }
    }

    /// <summary>Copies a stream (from its current position to its end) into memory and reads it from there.</summary>
    public static DiskImage FromStream(Stream stream, string name = "<stream>")
    {
        if (stream.CanSeek)
        {
            long length = stream.Length - stream.Position;
            if (length == 0) return new DiskImage(null, null, 0, name);
            var file = MemoryMappedFile.CreateNew(null, length, MemoryMappedFileAccess.ReadWrite);
            using (var target = file.CreateViewStream(0, length, MemoryMappedFileAccess.ReadWrite)) stream.CopyTo(target);
            return new DiskImage(file, file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length, name);
        }
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        buffer.Position = 0;
        return FromStream(buffer, name);
    }

    /// <summary>
    /// A writable view of the same bytes whose writes stay private (a copy-on-write mapping): only the pages
    /// written are copied, and neither the file nor this image sees them. A private copy of a private copy
    /// starts with what was written into it. For readers that must substitute a few structures, as e2fsck does
    /// when it falls back to the backup superblock, and for mutants. Dispose it before this image.
    /// </summary>
    public DiskImage PrivateCopy()
    {
        var copy = _file is null
            ? new DiskImage(null, null, 0, Name, writable: true, ownsFile: false)
            : new DiskImage(_file, _file.CreateViewAccessor(0, Length, MemoryMappedFileAccess.CopyOnWrite), Length, Name, writable: true, ownsFile: false);
        copy._privateWrites = [];
        if (_privateWrites is not null)
            foreach (var (offset, length) in _privateWrites) Read(offset, length).CopyTo(copy.Write(offset, length));
        return copy;
    }

    /// <summary>The bytes at <paramref name="offset"/>, in place.</summary>
    /// <exception cref="CorruptDataException">The range is not inside the image; <paramref name="structure"/> names what was wanted there.</exception>
    public ReadOnlySpan<byte> Read(long offset, int length, string structure = "image")
    {
        if (!TryRead(offset, length, out var span))
        {
            throw new Corruption(structure, "", offset,
                $"{length} bytes at byte {offset} lie beyond the end of the {Length}-byte image").ToException();
        }
        return span;
    }

    /// <summary>The bytes at <paramref name="offset"/>, in place and writable.</summary>
    /// <exception cref="InvalidOperationException">The image was not opened writable.</exception>
    /// <exception cref="CorruptDataException">The range is not inside the image.</exception>
    public Span<byte> Write(long offset, int length, string structure = "image")
    {
        if (!Writable) throw new InvalidOperationException(Name + " was opened read-only");
        var span = Read(offset, length, structure);
        _privateWrites?.Add((offset, length));
        return new Span<byte>(_base + offset, span.Length);
    }

    /// <summary>Writes what was changed through <see cref="Write"/> to the file (nothing for a <see cref="PrivateCopy"/>).</summary>
    public void Flush() => _view?.Flush();

    /// <summary>Writes the image's bytes to a new file, leaving all-zero megabytes as holes so sparse images stay small.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void SaveSparse(string path)
    {
        const int Chunk = 1 << 20;
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write);
        for (long at = 0; at < Length; at += Chunk)
        {
            var chunk = Read(at, (int)Math.Min(Chunk, Length - at));
            if (chunk.IndexOfAnyExcept((byte)0) < 0) continue;
            output.Position = at;
            output.Write(chunk);
        }
        output.SetLength(Length);
    }

    public bool TryRead(long offset, int length, out ReadOnlySpan<byte> span)
    {
        if (offset < 0 || length < 0 || offset > Length - length)
        {
            span = default;
            return false;
        }
        span = length == 0 ? default : new ReadOnlySpan<byte>(_base + offset, length);
        return true;
    }

    public void Dispose()
    {
        if (_base != null)
        {
            _view!.SafeMemoryMappedViewHandle.ReleasePointer();
            _base = null;
        }
        _view?.Dispose();
        if (_ownsFile) _file?.Dispose();
    }
}
