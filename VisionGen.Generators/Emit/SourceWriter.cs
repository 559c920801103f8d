using System;
using System.CodeDom.Compiler;
using System.IO;

namespace VisionGen.Generators.Emit
{
    /// <summary>Indented writer with a <c>using (Block())</c> helper for braces.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringWriter _text = new StringWriter { NewLine = "\n" };
        private readonly IndentedTextWriter _writer;

        public SourceWriter() => _writer = new IndentedTextWriter(_text, "    ") { NewLine = "\n" };

        public void Line(string line = "")
        {
            if (line.Length == 0)
            {
                // No trailing indentation on blank lines.
                int indent = _writer.Indent;
                _writer.Indent = 0;
                _writer.WriteLine();
                _writer.Indent = indent;
            }
            else
            {
                _writer.WriteLine(line);
            }
        }

        /// <summary>Writes pre-rendered lines (another writer's text) at the current indentation.</summary>
        public void Lines(string text)
        {
            if (text.Length == 0) return;
            string[] lines = text.TrimEnd('\n').Split('\n');
            foreach (string line in lines) Line(line);
        }

        public IDisposable Block(string header)
        {
            Line(header);
            Line("{");
            _writer.Indent++;
            return new Closer(this);
        }

        public override string ToString() => _text.ToString();

        private sealed class Closer : IDisposable
        {
            private readonly SourceWriter _owner;
            public Closer(SourceWriter owner) => _owner = owner;

            public void Dispose()
            {
                _owner._writer.Indent--;
                _owner.Line("}");
            }
        }
    }
}
