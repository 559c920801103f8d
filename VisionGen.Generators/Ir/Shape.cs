using System.Globalization;
using System.Linq;
using VisionGen.Generators.Model;

namespace VisionGen.Generators.Ir
{
    /// <summary>
    /// A tensor's static shape, batch first as PyTorch's (N×C×H×W for images, N×F after a flatten). Every size is a
    /// build-time constant; the checks keep each tensor within what one .NET array can index.
    /// </summary>
    internal sealed record Shape(EquatableArray<int> Dims)
    {
        public static Shape Of(params int[] dims) => new Shape(new EquatableArray<int>(dims));

        public int Rank => Dims.Count;

        public int this[int axis] => Dims[axis];

        /// <summary>Batch size (dimension 0).</summary>
        public int N => Dims[0];

        /// <summary>Channels (dimension 1); 1 for a rank-1 tensor.</summary>
        public int C => Rank > 1 ? Dims[1] : 1;

        /// <summary>Height (dimension 2 of an image tensor; 1 for other ranks — callers check <see cref="IsImage"/>).</summary>
        public int H => IsImage ? Dims[2] : 1;

        /// <summary>Width (dimension 3 of an image tensor; 1 for other ranks).</summary>
        public int W => IsImage ? Dims[3] : 1;

        /// <summary>True for N×C×H×W.</summary>
        public bool IsImage => Rank == 4;

        /// <summary>Elements in all (long: the checks compare it with what an array can hold).</summary>
        public long Length
        {
            get
            {
                long n = 1;
                foreach (int d in Dims) n *= d;
                return n;
            }
        }

        /// <summary>Elements of one batch item.</summary>
        public long ImageLength => Length / N;

        /// <summary>Product of the sizes of the dimensions before <paramref name="axis"/>.</summary>
        public long Outer(int axis)
        {
            long n = 1;
            for (int i = 0; i < axis; i++) n *= Dims[i];
            return n;
        }

        /// <summary>Product of the sizes of the dimensions after <paramref name="axis"/>.</summary>
        public long Inner(int axis)
        {
            long n = 1;
            for (int i = axis + 1; i < Rank; i++) n *= Dims[i];
            return n;
        }

        public Shape With(int axis, int size)
        {
            int[] dims = Dims.ToArray();
            dims[axis] = size;
            return Of(dims);
        }

        /// <summary>"1x3x224x224".</summary>
        public string Text => string.Join("x", Dims.Select(d => d.ToString(CultureInfo.InvariantCulture)));

        /// <summary>The sizes as a C# argument list: "1, 3, 224, 224".</summary>
        public string Arguments => string.Join(", ", Dims.Select(d => d.ToString(CultureInfo.InvariantCulture)));

        public override string ToString() => Text;
    }
}
