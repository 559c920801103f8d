namespace VisionGen.Cpu;

/// <summary>Layout changes between kernels.</summary>
public static class Layout
{
    /// <summary>
    /// Transposes C×S (channel planes) to S×C (all channels of one location together), as torchvision's
    /// <c>view(N, A, K, H, W).permute(0, 3, 4, 1, 2).reshape(N, -1, K)</c> lays out head outputs.
    /// </summary>
    public static void ToChannelsLast(int channels, int spatial, ReadOnlySpan<float> input, Span<float> output)
    {
        if (channels <= 0 || spatial <= 0) throw new ArgumentException($"Invalid layout {channels}x{spatial}.");
        if (input.Length < channels * spatial) throw new ArgumentException("Input span too short.", nameof(input));
        if (output.Length < channels * spatial) throw new ArgumentException("Output span too short.", nameof(output));
        // Tiles of 16x16 keep both the reads and the writes within a few cache lines.
        const int Tile = 16;
        for (int s0 = 0; s0 < spatial; s0 += Tile)
        {
            int s1 = Math.Min(s0 + Tile, spatial);
            for (int c0 = 0; c0 < channels; c0 += Tile)
            {
                int c1 = Math.Min(c0 + Tile, channels);
                for (int c = c0; c < c1; c++)
                {
                    ReadOnlySpan<float> row = input.Slice(c * spatial, spatial);
                    for (int s = s0; s < s1; s++) output[s * channels + c] = row[s];
                }
            }
        }
    }
}
