namespace VisionGen;

/// <summary>One class a classifier predicts: its index, its probability (softmax over the logits) and its name, if known.</summary>
/// <param name="Class">The class index.</param>
/// <param name="Score">Its softmax probability.</param>
/// <param name="Label">Its name from <c>ClassNames</c>, or null.</param>
public readonly record struct Prediction(int Class, float Score, string? Label)
{
    /// <inheritdoc />
    public override string ToString() => $"{Label ?? Class.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({Score:P1})";
}

/// <summary>Turning a classifier's logits into its most likely classes.</summary>
public static class Classification
{
    /// <summary>
    /// The <c>top.Length</c> most likely classes of <paramref name="logits"/>, most likely first, with softmax probabilities
    /// and names. Allocates nothing.
    /// </summary>
    /// <param name="logits">One logit per class.</param>
    /// <param name="top">Receives the best classes; its length is k (at most the class count is used).</param>
    /// <param name="labels">Class names, or null.</param>
    /// <returns>How many entries of <paramref name="top"/> were written.</returns>
    /// <exception cref="ArgumentException">No logits, or a NaN logit.</exception>
    public static int TopK(ReadOnlySpan<float> logits, Span<Prediction> top, IReadOnlyList<string>? labels = null)
    {
        if (logits.IsEmpty) throw new ArgumentException("No logits.", nameof(logits));
        float max = float.NegativeInfinity;
        foreach (float v in logits)
        {
            if (float.IsNaN(v)) throw new ArgumentException("A logit is NaN.", nameof(logits));
            if (v > max) max = v;
        }
        double sum = 0;
        foreach (float v in logits) sum += Math.Exp(v - max);
        int k = Math.Min(top.Length, logits.Length);
        for (int n = 0; n < k; n++)
        {
            // Selection of the n-th best: the largest logit not already taken (ties keep the lower index, as torch.topk).
            int best = -1;
            for (int i = 0; i < logits.Length; i++)
            {
                if (best >= 0 && logits[i] <= logits[best]) continue;
                bool taken = false;
                for (int j = 0; j < n && !taken; j++) taken = top[j].Class == i;
                if (!taken) best = i;
            }
            string? label = labels is not null && best < labels.Count ? labels[best] : null;
            top[n] = new Prediction(best, (float)(Math.Exp(logits[best] - max) / sum), label);
        }
        return k;
    }
}
