using System.Collections.Generic;
using System.Globalization;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>F.interpolate</c> / <c>nn.Upsample</c>, nearest or bilinear, to <see cref="OutHeight"/>×<see cref="OutWidth"/>.
    /// <see cref="ScaleY"/> and <see cref="ScaleX"/> are the float source-coordinate scales ATen uses (1/scale_factor when a
    /// scale was given, in/out for a size, (in−1)/(out−1) for align_corners), fixed at build time.
    /// </summary>
    internal sealed record InterpolateOp(bool Bilinear, int OutHeight, int OutWidth, float ScaleY, float ScaleX, bool AlignCorners) : Op
    {
        [NnOp("Interpolate")]
        internal static object? FromNn(NnCall c)
        {
            TensorValue x = c.Tensor("x");
            Shape? shape = c.ShapeOf(x);
            if (shape is null) return TensorValue.Error;
            string mode = c.String("mode");
            if (mode != "nearest" && mode != "bilinear") return c.Invalid("mode", $"\"nearest\" or \"bilinear\", but it is \"{mode}\"");
            bool bilinear = mode == "bilinear", align = c.Bool("alignCorners");
            if (align && !bilinear) return c.Invalid("alignCorners", "false for mode \"nearest\" (torch rejects align_corners there)");
            if (!shape.IsImage) return c.Apply(new InterpolateOp(bilinear, 1, 1, 1f, 1f, align), x); // the op reports the rank
            double? scale = null;
            int oh, ow;
            if (c.Given("scale") || c.Raw("size") is null)
            {
                double s = c.Double("scale");
                if (!(s > 0) || double.IsInfinity(s)) return c.Invalid("scale", $"a finite positive scale factor, but it is {s.ToString("R", CultureInfo.InvariantCulture)}");
                scale = s;
                // torch: output = floor(input · scale_factor), in double.
                double h = System.Math.Floor(shape.H * s), w = System.Math.Floor(shape.W * s);
                if (h > int.MaxValue || w > int.MaxValue) return c.Invalid("scale", $"small enough for a {shape.Text} input, but it is {s.ToString("R", CultureInfo.InvariantCulture)}");
                (oh, ow) = ((int)h, (int)w);
            }
            else
            {
                (oh, ow) = c.Pair("size");
            }
            return c.Apply(new InterpolateOp(bilinear, oh, ow, AtenScale(bilinear, align, shape.H, oh, scale), AtenScale(bilinear, align, shape.W, ow, scale), align), x);
        }

        public override string Kind => "interpolate";

        /// <summary>ATen's scale for one axis (area_pixel_compute_scale / compute_scales_value, in float).</summary>
        public static float AtenScale(bool bilinear, bool alignCorners, int input, int output, double? scaleFactor)
        {
            if (bilinear && alignCorners) return output > 1 ? (float)(input - 1) / (output - 1) : 0f;
            return scaleFactor is double s && s > 0 ? (float)(1.0 / s) : (float)input / output;
        }

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape x = inputs[0];
            if (!x.IsImage)
            {
                check.Mismatch($"interpolation needs an N×C×H×W input, but its input is {x.Text}");
                return null;
            }
            if (!OpChecks.Positive(check, ("output height", OutHeight), ("output width", OutWidth))) return null;
            return check.FitsInMemory(x.N, x.C, OutHeight, OutWidth) ? Shape.Of(x.N, x.C, OutHeight, OutWidth) : null;
        }

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) =>
            $"{(Bilinear ? "bilinear" : "nearest")} resize{(Bilinear && AlignCorners ? " (align corners)" : "")}, source scale {F(ScaleY)} x {F(ScaleX)}";

        private string Arguments(StepContext c)
        {
            Shape x = c.Inputs[0];
            string common = $"{L((long)x.N * x.C)}, {I(x.H)}, {I(x.W)}, {I(OutHeight)}, {I(OutWidth)}";
            return Bilinear
                ? $"{common}, alignCorners: {(AlignCorners ? "true" : "false")}, {Float(ScaleY)}, {Float(ScaleX)}, {c.In(0)}, {c.Out}"
                : $"{common}, {Float(ScaleY)}, {Float(ScaleX)}, {c.In(0)}, {c.Out}";
        }

        public override void EmitCpu(StepContext c) => c.Line($"global::VisionGen.Cpu.Resize.{(Bilinear ? "Bilinear" : "Nearest")}({Arguments(c)});");

        public override void EmitGpu(StepContext c) => c.Line($"Kernels.{(Bilinear ? "Bilinear" : "Nearest")}({Arguments(c)});");

        public override string? CpuWarmUp(StepContext c)
        {
            // One plane: the kernels run plane by plane.
            Shape x = c.Inputs[0];
            return $"global::VisionGen.Cpu.Resize.WarmUp({(Bilinear ? "true" : "false")}, {I(x.H)}, {I(x.W)}, {I(OutHeight)}, {I(OutWidth)}, {(AlignCorners ? "true" : "false")}, {Float(ScaleY)}, {Float(ScaleX)});";
        }
    }
}
