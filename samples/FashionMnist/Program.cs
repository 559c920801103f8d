Console.WriteLine("FashionMnist sample: work in progress.");
