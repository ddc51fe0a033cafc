using System.Runtime.InteropServices;

namespace Ext4Codec.Fuzz;

/// <summary>
/// Instrumented code bumps counters in SharpFuzz's trace bitmap unconditionally, and SharpFuzz only points the
/// bitmap at memory inside its Run methods. Seeds are located (instrumented code) before Run, and replay never
/// calls Run, so the bitmap needs somewhere to live first: a scratch buffer, replaced by the engine's map later.
/// </summary>
internal static unsafe class TraceScratch
{
    /// <summary>SharpFuzz's map size (AFL's MAP_SIZE): instrumented branch ids stay below it.</summary>
    private const int MapSize = 1 << 16;

    public static void Install()
    {
        if (SharpFuzz.Common.Trace.SharedMem == null) SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(MapSize);
    }
}
