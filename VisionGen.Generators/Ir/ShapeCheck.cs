using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using VisionGen.Generators.Model;

namespace VisionGen.Generators.Ir
{
    /// <summary>
    /// How an op reports a shape problem: at the location of whatever declared it (the layer attribute, or the call in
    /// <c>Forward</c>), prefixed with what it is (<c>[Conv2d("0")]</c>, <c>Conv2d("enc1.0")</c>). Every check that can
    /// overflow 32 bits is done in 64.
    /// </summary>
    internal sealed class ShapeCheck
    {
        /// <summary>An op may hold this many floats: far below 2^31, so sizes and offsets never wrap.</summary>
        public const long MaxTensorLength = int.MaxValue / 8;

        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly Shape _modelInput;

        public ShapeCheck(List<DiagnosticInfo> diagnostics, Shape modelInput)
        {
            _diagnostics = diagnostics;
            _modelInput = modelInput;
        }

        /// <summary>What is being checked, as the user wrote it.</summary>
        public string What { get; set; } = "";

        public LocationInfo? Location { get; set; }

        /// <summary>True when the op is a layer the user declared directly (a window that does not fit is its own fault).</summary>
        public bool DeclaredLayer { get; set; }

        public bool Failed { get; private set; }

        public void Report(DiagnosticDescriptor descriptor, params string[] args)
        {
            Failed = true;
            _diagnostics.Add(new DiagnosticInfo(descriptor.Id, Location, new EquatableArray<string>(args)));
        }

        /// <summary>VG0006: channels or ranks that do not fit the op.</summary>
        public void Mismatch(string message) => Report(Diagnostics.ChannelMismatch, What, message);

        /// <summary>VG0022: shapes that cannot be combined (broadcasting, concatenation), naming both.</summary>
        public void Shapes(string message) => Report(Diagnostics.ShapeMismatch, What, message);

        /// <summary>VG0020: a parameter outside what the op accepts.</summary>
        public void OutOfRange(string parameter, string requirement) => Report(Diagnostics.OutOfRange, $"{What} {parameter}", requirement);

        /// <summary>
        /// A window (kernel, dilation, padding) that does not fit: the layer's fault (VG0004) when it meets the model's own
        /// input size, the input's (VG0005) when earlier layers shrank it.
        /// </summary>
        public void WindowDoesNotFit(int kernel, int dilation, long padding, Shape input)
        {
            bool shrunk = input.IsImage && _modelInput.IsImage && (input.H < _modelInput.H || input.W < _modelInput.W);
            if (DeclaredLayer && !shrunk)
                Report(Diagnostics.KernelTooLarge, What, I(kernel), I(dilation), I(input.IsImage ? input.H : 0), I(input.IsImage ? input.W : 0), padding.ToString(CultureInfo.InvariantCulture));
            else
                Report(Diagnostics.SpatialZero, I(_modelInput.IsImage ? _modelInput.H : 0), I(_modelInput.IsImage ? _modelInput.W : 0), What);
        }

        /// <summary>Checks that a tensor of these sizes fits what one array can index; reports VG0015 otherwise.</summary>
        public bool FitsInMemory(params long[] dims)
        {
            // In double: a product of int-sized factors can wrap a long.
            double n = 1;
            foreach (long d in dims) n *= d;
            if (n <= MaxTensorLength) return true;
            Report(Diagnostics.TensorTooLarge, What, string.Join("x", System.Array.ConvertAll(dims, d => d.ToString(CultureInfo.InvariantCulture))));
            return false;
        }

        private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    }
}
