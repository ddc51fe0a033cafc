namespace Ext4Codec.Kernel;

/// <summary>Errno names as mount(8) reports them (EFSCORRUPTED is EUCLEAN, EFSBADCRC is EBADMSG), and their numbers for "(%d)" messages.</summary>
internal static class Errno
{
    public const string EIO = "EIO";
    public const string ENXIO = "ENXIO";
    public const string E2BIG = "E2BIG";
    public const string ENOMEM = "ENOMEM";
    public const string EBUSY = "EBUSY";
    public const string EINVAL = "EINVAL";
    public const string EFBIG = "EFBIG";
    public const string EROFS = "EROFS";
    public const string EBADMSG = "EBADMSG";
    public const string EUCLEAN = "EUCLEAN";

    /// <summary>A name from the journal and fast-commit code (which uses the kernel's EFSCORRUPTED/EFSBADCRC aliases) as mount(8) names it.</summary>
    public static string FromKernelName(string name) => name switch
    {
        "EFSCORRUPTED" => EUCLEAN,
        "EFSBADCRC" => EBADMSG,
        _ => name,
    };

    /// <summary>The positive errno, for the kernel's "(%d)" and "Error %d" messages (0 when unknown).</summary>
    public static int Number(string name) => name switch
    {
        EIO => 5,
        ENXIO => 6,
        E2BIG => 7,
        ENOMEM => 12,
        EBUSY => 16,
        EINVAL => 22,
        EFBIG => 27,
        EROFS => 30,
        EBADMSG => 74,
        EUCLEAN => 117,
        _ => 0,
    };

    /// <summary>The name of a positive errno as mount(8)'s libmount debug output gives it ("E" and the number when not listed).</summary>
    public static string Name(int number) => number switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        5 => EIO,
        6 => ENXIO,
        7 => E2BIG,
        12 => ENOMEM,
        13 => "EACCES",
        15 => "ENOTBLK",
        16 => EBUSY,
        19 => "ENODEV",
        22 => EINVAL,
        27 => EFBIG,
        28 => "ENOSPC",
        30 => EROFS,
        34 => "ERANGE",
        74 => EBADMSG,
        75 => "EOVERFLOW",
        95 => "EOPNOTSUPP",
        125 => "ECANCELED",
        117 => EUCLEAN,
        _ => "E" + number.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
