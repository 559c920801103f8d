namespace VisionGen.Tests.Gpu;

/// <summary>
/// Managed bytes of a batch of launches through our launcher against the same batch through a kernel of identical
/// signature loaded straight from ILGPU: each warmed up, then the fewest bytes over several rounds each — ILGPU's CPU
/// accelerator now and then allocates more for a launch of either kind (its own bookkeeping: 9,920 against 10,200 B for
/// 40 launches, 321 against 167 B a launch, both seen in CI), which one round would blame on whichever ran.
/// </summary>
internal static class LaunchAllocations
{
    public static (long Raw, long Ours) Fewest(Action raw, Action ours, int launches, Action synchronize, int rounds = 15)
    {
        for (int i = 0; i < 3; i++) { raw(); ours(); }
        synchronize();
        long rawBytes = long.MaxValue, ourBytes = long.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            rawBytes = Math.Min(rawBytes, Bytes(raw, launches, synchronize));
            ourBytes = Math.Min(ourBytes, Bytes(ours, launches, synchronize));
        }
        return (rawBytes, ourBytes);
    }

    private static long Bytes(Action launch, int launches, Action synchronize)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < launches; i++) launch();
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        synchronize();
        return bytes;
    }
}
