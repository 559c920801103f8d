using VisionGen.Models;

namespace VisionGen.Weights;

/// <summary>
/// The reading side of a streamed <see cref="WeightSet"/>: tensors come from the file as the constructor asks for them.
/// A seekable file is read in the constructor's order. A forward-only stream is read in file order: tensors the stream
/// passes before they are asked for are kept until then; a tensor asked for next is read straight to where it is used.
/// Every tensor's values are checked for NaN and infinity exactly once, whenever it is first read.
/// </summary>
internal sealed class StreamedWeights
{
    private sealed class Entry(SafetensorsTensor tensor, int reads)
    {
        public SafetensorsTensor Tensor { get; } = tensor;

        /// <summary>Reads left; −1 when the spec states none (then never dropped before loading ends).</summary>
        public int ReadsLeft { get; set; } = reads > 0 ? reads : -1;

        /// <summary>Forward-only: the stream is past its data.</summary>
        public bool Passed { get; set; }

        /// <summary>Its values have been checked for NaN and infinity.</summary>
        public bool Scanned { get; set; }

        /// <summary>Forward-only: its values, read before they were asked for or to be read again.</summary>
        public float[]? Kept { get; set; }
    }

    private readonly SafetensorsFile _file;
    private readonly Dictionary<string, Entry> _entries;
    private readonly List<Entry> _inFileOrder;
    private readonly List<(string Name, string Text)> _nonFinite = [];
    private int _next;

    public StreamedWeights(SafetensorsFile file, IEnumerable<WeightSpec> specs)
    {
        _file = file;
        _entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (WeightSpec spec in specs)
        {
            if (!spec.Ignored) _entries.Add(spec.Name, new Entry(file.Tensors[spec.Name], spec.Reads));
        }
        _inFileOrder = _entries.Values.ToList();
        _inFileOrder.Sort((a, b) => a.Tensor.DataStart != b.Tensor.DataStart
            ? a.Tensor.DataStart.CompareTo(b.Tensor.DataStart)
            : string.CompareOrdinal(a.Tensor.Name, b.Tensor.Name));
    }

    public bool Contains(string name) => _entries.ContainsKey(name);

    public int Count => _entries.Count;

    public IEnumerable<string> Names => _entries.Keys;

    public float[] Take(string name)
    {
        Entry entry = Use(name);
        if (_file.CanReadInAnyOrder) return ReadNew(entry);
        if (entry.Kept is float[] kept)
        {
            if (entry.ReadsLeft != 0) return (float[])kept.Clone();
            entry.Kept = null;
            return kept;
        }
        AdvanceTo(entry);
        float[] values = ReadNew(entry);
        if (entry.ReadsLeft != 0) entry.Kept = (float[])values.Clone(); // read again later
        return values;
    }

    public Span<float> Borrow(string name, WeightSet owner)
    {
        Entry entry = Use(name);
        int length = (int)entry.Tensor.ElementCount;
        if (!_file.CanReadInAnyOrder && entry.Kept is null) AdvanceTo(entry);
        if (entry.Kept is null && (_file.CanReadInAnyOrder || entry.ReadsLeft == 0))
        {
            Span<float> scratch = owner.Scratch(length);
            Read(entry, scratch);
            return scratch;
        }
        entry.Kept ??= ReadNew(entry);
        if (entry.ReadsLeft == 0)
        {
            // The last read: the caller may change the kept values themselves.
            float[] kept = entry.Kept;
            entry.Kept = null;
            return kept;
        }
        Span<float> copy = owner.Scratch(length);
        entry.Kept.CopyTo(copy);
        return copy;
    }

    /// <summary>
    /// After the constructor: checks the tensors it never read, reads a forward-only stream to the end of the last
    /// tensor (so a truncated file fails as it would by path), and returns the NaN/∞ problems ordered by name.
    /// </summary>
    /// <exception cref="WeightLoadException">The stream ends before the last tensor does.</exception>
    /// <exception cref="InvalidOperationException">The constructor read a tensor fewer times than its spec states.</exception>
    public List<string> Finish()
    {

        if (_file.CanReadInAnyOrder)
        {
            foreach (Entry entry in _inFileOrder)
                if (!entry.Scanned) Scan(entry);
        }
        else
        {
            for (; _next < _inFileOrder.Count; _next++)
            {
                Entry entry = _inFileOrder[_next];
                if (!entry.Passed) Scan(entry);
            }
            _file.EnsureComplete();
        }
        foreach (Entry entry in _inFileOrder)
        {
            if (entry.ReadsLeft > 0)
                throw new InvalidOperationException(
                    $"Tensor '{entry.Tensor.Name}' was read {entry.ReadsLeft} time(s) fewer than its WeightSpec.Reads states; the generated model and its weight table disagree.");
        }
        _nonFinite.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return _nonFinite.ConvertAll(p => p.Text);
    }

    public void Release()
    {
        foreach (Entry entry in _inFileOrder) entry.Kept = null;
    }

    private Entry Use(string name)
    {
        if (!_entries.TryGetValue(name, out Entry? entry))
            throw new KeyNotFoundException($"The weight set has no tensor named '{name}'.");
        if (entry.ReadsLeft == 0)
            throw new InvalidOperationException(
                $"Tensor '{name}' is read more often than its WeightSpec.Reads states; the generated model and its weight table disagree.");
        if (entry.ReadsLeft > 0) entry.ReadsLeft--;
        return entry;
    }

    /// <summary>Forward-only: reads (and keeps) every tensor before <paramref name="entry"/> that the stream has not passed yet.</summary>
    private void AdvanceTo(Entry entry)
    {
        if (entry.Passed)
            throw new InvalidOperationException($"Tensor '{entry.Tensor.Name}' was read from the forward-only stream and not kept.");
        while (_next < _inFileOrder.Count)
        {
            Entry next = _inFileOrder[_next++];
            if (ReferenceEquals(next, entry)) return;
            if (!next.Passed) next.Kept = ReadNew(next);
        }
    }

    private float[] ReadNew(Entry entry)
    {
        var values = new float[entry.Tensor.ElementCount];
        Read(entry, values);
        return values;
    }

    private void Read(Entry entry, Span<float> destination)
    {
        _file.ReadFloat32(entry.Tensor, destination);
        entry.Passed = true;
        if (entry.Scanned) return;
        entry.Scanned = true;
        if (InputValidation.AllFinite(destination)) return;
        long count = 0, first = -1;
        for (int i = 0; i < destination.Length; i++)
        {
            if (float.IsFinite(destination[i])) continue;
            if (count++ == 0) first = i;
        }
        _nonFinite.Add((entry.Tensor.Name, WeightBinder.DescribeNonFinite(entry.Tensor.Name, count, first, destination[(int)first])));
    }

    private void Scan(Entry entry)
    {
        var (count, first, value) = _file.ScanNonFinite(entry.Tensor);
        entry.Passed = entry.Scanned = true;
        if (count > 0) _nonFinite.Add((entry.Tensor.Name, WeightBinder.DescribeNonFinite(entry.Tensor.Name, count, first, value)));
    }
}
