using OpenClaw.Core.Config.Json5;

namespace OpenClaw.Core.Config;

/// <summary>
/// Edits JSON5 config text in place through node spans, so every other byte (comments, formatting, key order) stays.
/// </summary>
internal static class ConfigTextEdit
{
    /// <summary>The text of a file that does not exist yet.</summary>
    public const string EmptyDocument = "{\n}\n";

    /// <summary>
    /// Sets <paramref name="path"/> to <paramref name="valueText"/> (JSON5): replaces an existing value's span, or inserts
    /// the key into the nearest existing object, creating nested objects as needed.
    /// </summary>
    /// <exception cref="ConfigException">The path runs through a value that is not an object, or an index is out of range.</exception>
    public static string Set(string text, Json5Node root, ConfigPath path, string valueText)
    {
        var style = Style.Detect(text, root);
        Json5Node current = root;
        var walked = "";
        var segments = path.Segments;
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var last = i == segments.Count - 1;
            if (segment.IsIndex)
            {
                if (current is not Json5Array array)
                {
                    throw NotA(path, walked, current, "an array");
                }

                if (segment.Index >= array.Items.Count)
                {
                    throw new ConfigException(
                        $"cannot set {path}: {Display(walked)} has {array.Items.Count} item(s), so [{segment.Index}] does not exist; set the whole array instead.");
                }

                current = array.Items[segment.Index];
                walked = ConfigPath.Append(walked, segment.Index);
            }
            else
            {
                if (current is not Json5Object obj)
                {
                    throw NotA(path, walked, current, "an object");
                }

                var property = obj.Find(segment.Name!);
                if (property is null)
                {
                    var rest = segments.Skip(i + 1).ToArray();
                    if (rest.Any(s => s.IsIndex))
                    {
                        throw new ConfigException($"cannot set {path}: {ConfigPath.Append(walked, segment.Name!)} does not exist, and array items are not created; set the whole array instead.");
                    }

                    return Insert(text, obj, [segment.Name!, .. rest.Select(s => s.Name!)], valueText, style);
                }

                current = property.Value;
                walked = ConfigPath.Append(walked, segment.Name!);
            }

            if (last)
            {
                return string.Concat(text.AsSpan(0, current.Span.Start.Offset), valueText, text.AsSpan(current.Span.End.Offset));
            }
        }

        return text;
    }

    /// <summary>Removes the member (or array item) at <paramref name="path"/> and its comma; <see langword="null"/> when it is not there.</summary>
    public static string? Unset(string text, Json5Node root, ConfigPath path)
    {
        Json5Node current = root;
        var segments = path.Segments;
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var last = i == segments.Count - 1;
            List<(int Start, int End)> elements;
            int index;
            if (segment.IsIndex)
            {
                if (current is not Json5Array array || segment.Index >= array.Items.Count)
                {
                    return null;
                }

                elements = array.Items.Select(n => (n.Span.Start.Offset, n.Span.End.Offset)).ToList();
                index = segment.Index;
                if (!last)
                {
                    current = array.Items[index];
                    continue;
                }
            }
            else
            {
                if (current is not Json5Object obj || obj.Find(segment.Name!) is not { } property)
                {
                    return null;
                }

                elements = obj.Properties.Select(p => (p.NameSpan.Start.Offset, p.Value.Span.End.Offset)).ToList();
                index = obj.Properties.ToList().IndexOf(property);
                if (!last)
                {
                    current = property.Value;
                    continue;
                }
            }

            return Remove(text, current, elements, index);
        }

        return null;
    }

    /// <summary>Formats a parsed value as compact one-line JSON5 (strings double-quoted, number literals as written).</summary>
    public static string Format(Json5Node node, Style style) => node switch
    {
        Json5String s => Json5Writer.FormatString(s.Value),
        Json5Number n => n.Text,
        Json5Boolean b => b.Value ? "true" : "false",
        Json5Null => "null",
        Json5Array { Items.Count: 0 } => "[]",
        Json5Array a => "[" + string.Join(", ", a.Items.Select(i => Format(i, style))) + "]",
        Json5Object { Properties.Count: 0 } => "{}",
        Json5Object o => "{ " + string.Join(", ", o.Properties.Select(p => style.Key(p.Name) + ": " + Format(p.Value, style))) + " }",
        _ => "null",
    };

    private static string Insert(string text, Json5Object obj, string[] keys, string valueText, Style style)
    {
        var nl = style.NewLine;
        var objectIndent = LineIndent(text, obj.Span.Start.Offset);
        var open = obj.Span.Start.Offset;
        var close = obj.Span.End.Offset - 1;
        if (obj.Properties.Count == 0)
        {
            var childIndent = objectIndent + style.Unit;
            var member = Member(keys, valueText, childIndent, style) + (style.TrailingCommas ? "," : "");
            var inside = text[(open + 1)..close];
            if (string.IsNullOrWhiteSpace(inside) && !inside.Contains('\n', StringComparison.Ordinal))
            {
                return string.Concat(text.AsSpan(0, open + 1), nl + childIndent + member + nl + objectIndent, text.AsSpan(close));
            }

            var at = EndOfLine(text, open + 1, close);
            return string.Concat(text.AsSpan(0, at), nl + childIndent + member, text.AsSpan(at));
        }

        var lastProperty = obj.Properties[^1];
        var valueEnd = lastProperty.Value.Span.End.Offset;
        var next = SkipTrivia(text, valueEnd);
        var hasComma = next < text.Length && text[next] == ',';
        var anchor = hasComma ? next + 1 : valueEnd;
        var nameStart = lastProperty.NameSpan.Start.Offset;
        var multiLine = LineOf(text, close) != LineOf(text, valueEnd) || LineOf(text, nameStart) != LineOf(text, open);
        if (!multiLine)
        {
            var inline = Member(keys, valueText, objectIndent + style.Unit, style);
            return hasComma
                ? string.Concat(text.AsSpan(0, anchor), " " + inline + ",", text.AsSpan(anchor))
                : string.Concat(text.AsSpan(0, valueEnd), ", " + inline, text.AsSpan(valueEnd));
        }

        var indent = StartsLine(text, nameStart) ? LineIndent(text, nameStart) : objectIndent + style.Unit;
        var insertion = nl + indent + Member(keys, valueText, indent, style) + (hasComma ? "," : "");
        var insertAt = EndOfLine(text, anchor, close);
        var result = string.Concat(text.AsSpan(0, insertAt), insertion, text.AsSpan(insertAt));
        return hasComma ? result : result.Insert(valueEnd, ",");
    }

    // "key: value", with any remaining keys as nested multi-line objects indented under indent.
    private static string Member(string[] keys, string valueText, string indent, Style style)
    {
        var value = valueText;
        for (var k = keys.Length - 1; k >= 1; k--)
        {
            var inner = indent + string.Concat(Enumerable.Repeat(style.Unit, k));
            var outer = indent + string.Concat(Enumerable.Repeat(style.Unit, k - 1));
            value = "{" + style.NewLine + inner + style.Key(keys[k]) + ": " + value + (style.TrailingCommas ? "," : "") + style.NewLine + outer + "}";
        }

        return style.Key(keys[0]) + ": " + value;
    }

    private static string Remove(string text, Json5Node container, List<(int Start, int End)> elements, int index)
    {
        var (start, end) = elements[index];
        var next = SkipTrivia(text, end);
        var hasComma = next < text.Length && text[next] == ',';
        var afterComma = hasComma ? next + 1 : end;
        var isLast = index == elements.Count - 1;
        var open = container.Span.Start.Offset;
        var close = container.Span.End.Offset - 1;

        int removeStart;
        int removeEnd;
        var lineEnd = EndOfLine(text, afterComma, close);
        if (StartsLine(text, start) && lineEnd < text.Length && text[lineEnd] is '\n' or '\r')
        {
            // The member has its own line(s): remove them whole, with any comment that trails it on its last line.
            removeStart = LineStart(text, start);
            removeEnd = lineEnd + (text[lineEnd] == '\r' && lineEnd + 1 < text.Length && text[lineEnd + 1] == '\n' ? 2 : 1);
            if (isLast && !hasComma && index > 0)
            {
                var previousComma = SkipTrivia(text, elements[index - 1].End);
                var edited = string.Concat(text.AsSpan(0, removeStart), text.AsSpan(removeEnd));
                return previousComma < removeStart && text[previousComma] == ',' ? edited.Remove(previousComma, 1) : edited;
            }
        }
        else if (isLast && !hasComma && index > 0)
        {
            // "{ a: 1, b: 2 }" without b: cut from the end of a's value.
            removeStart = elements[index - 1].End;
            removeEnd = end;
        }
        else
        {
            removeStart = start;
            removeEnd = afterComma;
            while (removeEnd < close && text[removeEnd] is ' ' or '\t')
            {
                removeEnd++;
            }
        }

        var result = string.Concat(text.AsSpan(0, removeStart), text.AsSpan(removeEnd));
        if (elements.Count == 1)
        {
            // The container is now empty: if only whitespace is left between the brackets, write it as {} or [].
            var newClose = close - (removeEnd - removeStart);
            if (string.IsNullOrWhiteSpace(result[(open + 1)..newClose]))
            {
                result = string.Concat(result.AsSpan(0, open + 1), result.AsSpan(newClose));
            }
        }

        return result;
    }

    private static ConfigException NotA(ConfigPath path, string walked, Json5Node node, string what) =>
        new($"cannot set {path}: {Display(walked)} is {Article(node.Kind)}, not {what}; set {Display(walked)} itself instead.");

    private static string Display(string path) => path.Length == 0 ? "the top level" : path;

    private static string Article(string kind) => kind is "object" or "array" ? "an " + kind : "a " + kind;

    // Skips whitespace and comments from pos; returns the first other position (or the text's end).
    internal static int SkipTrivia(string text, int pos)
    {
        while (pos < text.Length)
        {
            if (char.IsWhiteSpace(text[pos]) || text[pos] == '\uFEFF')
            {
                pos++;
            }
            else if (text[pos] == '/' && pos + 1 < text.Length && text[pos + 1] == '/')
            {
                while (pos < text.Length && text[pos] is not ('\n' or '\r' or '\u2028' or '\u2029'))
                {
                    pos++;
                }
            }
            else if (text[pos] == '/' && pos + 1 < text.Length && text[pos + 1] == '*')
            {
                var end = text.IndexOf("*/", pos + 2, StringComparison.Ordinal);
                pos = end < 0 ? text.Length : end + 2;
            }
            else
            {
                break;
            }
        }

        return pos;
    }

    // From pos, skips spaces, tabs and same-line comments; returns the position of the line break, or of the first
    // other character (or limit) when the line holds more than trivia.
    private static int EndOfLine(string text, int pos, int limit)
    {
        var start = pos;
        while (pos < limit)
        {
            var c = text[pos];
            if (c is '\n' or '\r')
            {
                return pos;
            }

            if (c is ' ' or '\t')
            {
                pos++;
            }
            else if (c == '/' && pos + 1 < text.Length && text[pos + 1] == '/')
            {
                while (pos < text.Length && text[pos] is not ('\n' or '\r'))
                {
                    pos++;
                }

                return pos;
            }
            else if (c == '/' && pos + 1 < text.Length && text[pos + 1] == '*')
            {
                var end = text.IndexOf("*/", pos + 2, StringComparison.Ordinal);
                if (end < 0 || text.AsSpan(pos, end - pos).Contains('\n'))
                {
                    return start;
                }

                pos = end + 2;
            }
            else
            {
                return start;
            }
        }

        return pos < limit ? pos : start;
    }

    private static int LineStart(string text, int pos)
    {
        while (pos > 0 && text[pos - 1] is not ('\n' or '\r'))
        {
            pos--;
        }

        return pos;
    }

    private static bool StartsLine(string text, int pos) => string.IsNullOrWhiteSpace(text[LineStart(text, pos)..pos]);

    private static string LineIndent(string text, int pos)
    {
        var start = LineStart(text, pos);
        var end = start;
        while (end < text.Length && text[end] is ' ' or '\t')
        {
            end++;
        }

        return text[start..end];
    }

    private static int LineOf(string text, int pos)
    {
        var line = 0;
        for (var i = 0; i < pos && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
            }
        }

        return line;
    }

    /// <summary>How the existing file is written, so inserted text matches it.</summary>
    internal sealed class Style
    {
        public string Unit { get; private init; } = "  ";

        public string NewLine { get; private init; } = "\n";

        public bool TrailingCommas { get; private init; } = true;

        public bool QuotedKeys { get; private init; }

        public static Style Detect(string text, Json5Node root)
        {
            var unit = "  ";
            foreach (var line in text.Split('\n'))
            {
                var width = line.Length - line.TrimStart(' ', '\t').Length;
                if (width > 0 && line.Trim().Length > 0)
                {
                    unit = line[..width];
                    break;
                }
            }

            var objects = new List<Json5Object>();
            Collect(root, objects);
            var withMembers = objects.Where(o => o.Properties.Count > 0).ToList();
            var trailing = withMembers.Count == 0 || withMembers.Any(o =>
            {
                var next = SkipTrivia(text, o.Properties[^1].Value.Span.End.Offset);
                return next < text.Length && text[next] == ',';
            });
            var quoted = withMembers.Count > 0 && text[withMembers[0].Properties[0].NameSpan.Start.Offset] == '"';
            return new Style
            {
                Unit = unit,
                NewLine = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n",
                TrailingCommas = trailing && !quoted,
                QuotedKeys = quoted,
            };
        }

        public string Key(string name)
        {
            if (!QuotedKeys && name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or '$') &&
                name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$'))
            {
                return name;
            }

            return Json5Writer.FormatString(name);
        }

        private static void Collect(Json5Node node, List<Json5Object> into)
        {
            switch (node)
            {
                case Json5Object o:
                    into.Add(o);
                    foreach (var p in o.Properties)
                    {
                        Collect(p.Value, into);
                    }

                    break;
                case Json5Array a:
                    foreach (var item in a.Items)
                    {
                        Collect(item, into);
                    }

                    break;
            }
        }
    }
}
