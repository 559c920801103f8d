namespace VisionGen.ObjectDetection;

/// <summary>
/// One detected object: an axis-aligned box in input-pixel coordinates (x1, y1, x2, y2), its score and
/// its class label (the head's class index, as torchvision returns it: no background shift is applied).
/// </summary>
/// <param name="X1">Left edge, in input pixels.</param>
/// <param name="Y1">Top edge, in input pixels.</param>
/// <param name="X2">Right edge, in input pixels.</param>
/// <param name="Y2">Bottom edge, in input pixels.</param>
/// <param name="Score">Confidence in [0, 1].</param>
/// <param name="Label">Class index in [0, classes).</param>
public readonly record struct Detection(float X1, float Y1, float X2, float Y2, float Score, int Label);
