namespace VisionGen.Imaging;

/// <summary>
/// How pixels outside the image are made up, as OpenCV's <c>BorderTypes</c> (same numeric values).
/// Shown for a row <c>abcdefgh</c>.
/// </summary>
public enum BorderMode
{
    /// <summary><c>000|abcdefgh|000</c>: a constant zero border.</summary>
    Constant = 0,
    /// <summary><c>aaa|abcdefgh|hhh</c>: the edge pixel repeated.</summary>
    Replicate = 1,
    /// <summary><c>cba|abcdefgh|hgf</c>: mirrored, edge pixel included.</summary>
    Reflect = 2,
    /// <summary><c>dcb|abcdefgh|gfe</c>: mirrored about the edge pixel (OpenCV's default, PyTorch's <c>"reflect"</c>).</summary>
    Reflect101 = 4,
}

/// <summary>Maps an out-of-range coordinate to the source coordinate a border mode reads.</summary>
internal static class BorderIndex
{
    /// <summary>Source index for <paramref name="p"/> in <c>[0, length)</c>, or −1 for a constant-border pixel.</summary>
    public static int Map(int p, int length, BorderMode mode)
    {
        if ((uint)p < (uint)length) return p;
        switch (mode)
        {
            case BorderMode.Replicate:
                return p < 0 ? 0 : length - 1;
            case BorderMode.Reflect:
            case BorderMode.Reflect101:
                if (length == 1) return 0;
                int delta = mode == BorderMode.Reflect101 ? 1 : 0;
                // Repeat the reflection for windows wider than the image, as OpenCV's borderInterpolate does.
                do
                {
                    p = p < 0 ? -p - 1 + delta : length - 1 - (p - length) - delta;
                }
                while ((uint)p >= (uint)length);
                return p;
            default:
                return -1;
        }
    }

    public static void Validate(BorderMode mode, string paramName)
    {
        if (mode is not (BorderMode.Constant or BorderMode.Replicate or BorderMode.Reflect or BorderMode.Reflect101))
            throw new ArgumentOutOfRangeException(paramName, mode, "Border mode must be Constant, Replicate, Reflect or Reflect101.");
    }
}
