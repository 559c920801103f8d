using VisionGen.Weights;
using Xunit;

namespace VisionGen.Tests.Weights;

/// <summary>
/// A model's arena (<see cref="ModelArrays.Arena"/>) comes from memory the runtime does not zero (so that it can be advised
/// onto 2 MB pages before the first touch), then zeroes it itself: the generated code relies on the zeros a plain
/// <c>new float[]</c> gave it. Memory a collected array left behind must not show through.
/// </summary>
public class ModelArraysTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(3 << 20)] // 12 MB: large enough for the 2 MB-page path
    public void ArenaIsZeroedEvenOnMemoryAnEarlierArrayDirtied(int length)
    {
        for (int round = 0; round < 3; round++)
        {
            // Dirty memory of the same size class, drop it and collect, so the arena may land where it was.
            float[] dirty = GC.AllocateUninitializedArray<float>(length);
            dirty.AsSpan().Fill(float.NaN);
            dirty = null!;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            float[] arena = ModelArrays.Arena(length);
            Assert.Equal(length, arena.Length);
            Assert.Equal(-1, arena.AsSpan().IndexOfAnyExcept(0f));
            arena.AsSpan().Fill(float.NaN); // dirty it for the next round
        }
    }
}
