using System.Text;
using CsCheck;
using OpenClaw.Core.Config;
using OpenClaw.Core.Config.Json5;

namespace OpenClaw.Core.Tests.Config;

/// <summary>
/// Random documents in random styles (one-line and multi-line objects, trailing commas or not, quoted keys, comments):
/// after set or unset the text must still parse, and mean exactly the old document with that one change.
/// </summary>
public sealed class ConfigTextEditPropertyTests
{
    private static readonly string[] s_keys = ["a", "b", "c", "d", "e"];

    // The model: an object is an ordered member list, a leaf is an int.
    private sealed class Obj
    {
        public List<(string Key, object Value)> Members { get; } = [];
    }

    [Fact]
    public void Set_AnyPathInAnyStyle_ChangesOnlyThatValue()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var model = RandomObject(random, 0);
            var json = random.Next(3) == 0;
            var text = Render(model, random, "", json) + (!json && random.Next(2) == 0 ? "\n// end\n" : "\n");
            var path = RandomPath(random, model);
            var value = random.Next(1000, 2000);

            var edited = ConfigTextEdit.Set(text, Json5Reader.Parse(text), ConfigPath.Parse(string.Join('.', path)), value.ToString());

            ApplySet(model, path, value);
            Assert.True(Canonical(model) == Canonical(Json5Reader.Parse(edited)), $"seed {seed}\n--- before\n{text}\n--- after\n{edited}");
            Assert.True(!json || IsJson(edited), $"seed {seed}: a JSON file stopped being JSON\n{edited}");
        }, iter: 3000, threads: 1);
    }

    [Fact]
    public void Unset_AnyMemberInAnyStyle_RemovesOnlyThatMember()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var model = RandomObject(random, 0);
            var json = random.Next(3) == 0;
            var text = Render(model, random, "", json);
            var path = ExistingPath(random, model);
            if (path is null)
            {
                return;
            }

            var edited = ConfigTextEdit.Unset(text, Json5Reader.Parse(text), ConfigPath.Parse(string.Join('.', path)));

            ApplyUnset(model, path);
            Assert.True(edited is not null && Canonical(model) == Canonical(Json5Reader.Parse(edited)), $"seed {seed}\n--- before\n{text}\n--- after\n{edited}");
            Assert.True(!json || IsJson(edited), $"seed {seed}: a JSON file stopped being JSON\n{edited}");
        }, iter: 3000, threads: 1);
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static Obj RandomObject(Random random, int depth)
    {
        var obj = new Obj();
        var count = random.Next(depth == 0 ? 1 : 0, 4);
        foreach (var key in s_keys.OrderBy(_ => random.Next()).Take(count))
        {
            obj.Members.Add((key, depth < 3 && random.Next(2) == 0 ? RandomObject(random, depth + 1) : random.Next(100)));
        }

        return obj;
    }

    private static string Render(Obj obj, Random random, string indent, bool json)
    {
        if (obj.Members.Count == 0)
        {
            return random.Next(2) == 0 ? "{}" : "{\n" + indent + "}";
        }

        var inline = random.Next(3) == 0;
        var trailing = !json && random.Next(2) == 0;
        var sb = new StringBuilder("{");
        for (var i = 0; i < obj.Members.Count; i++)
        {
            var (key, value) = obj.Members[i];
            var name = json || random.Next(4) == 0 ? "\"" + key + "\"" : key;
            var rendered = value is Obj child ? Render(child, random, indent + "  ", json) : value.ToString();
            var comma = i < obj.Members.Count - 1 || trailing ? "," : "";
            if (inline)
            {
                sb.Append(i == 0 ? " " : " ").Append(name).Append(": ").Append(rendered).Append(comma);
            }
            else
            {
                if (!json && random.Next(5) == 0)
                {
                    sb.Append('\n').Append(indent).Append("  /* about ").Append(key).Append(" */");
                }

                sb.Append('\n').Append(indent).Append("  ").Append(name).Append(": ").Append(rendered).Append(comma);
                if (!json && random.Next(4) == 0)
                {
                    sb.Append(" // note");
                }
            }
        }

        return inline ? sb.Append(" }").ToString() : sb.Append('\n').Append(indent).Append('}').ToString();
    }

    // A path to an existing leaf, an existing object member or a new key under any existing object.
    private static List<string> RandomPath(Random random, Obj obj)
    {
        var path = new List<string>();
        var current = obj;
        while (true)
        {
            var key = s_keys[random.Next(s_keys.Length)];
            path.Add(key);
            var member = current.Members.FirstOrDefault(m => m.Key == key);
            if (member.Key is null)
            {
                for (var extra = random.Next(3); extra > 0; extra--)
                {
                    path.Add(s_keys[random.Next(s_keys.Length)]);
                }

                return path;
            }

            if (member.Value is not Obj child || random.Next(3) == 0)
            {
                return path;
            }

            current = child;
        }
    }

    private static List<string>? ExistingPath(Random random, Obj obj)
    {
        var path = new List<string>();
        var current = obj;
        while (current.Members.Count > 0)
        {
            var (key, value) = current.Members[random.Next(current.Members.Count)];
            path.Add(key);
            if (value is not Obj child || random.Next(2) == 0)
            {
                return path;
            }

            current = child;
        }

        return path.Count == 0 ? null : path;
    }

    private static void ApplySet(Obj obj, List<string> path, int value)
    {
        var current = obj;
        for (var i = 0; i < path.Count; i++)
        {
            var index = current.Members.FindIndex(m => m.Key == path[i]);
            if (i == path.Count - 1)
            {
                if (index >= 0)
                {
                    current.Members[index] = (path[i], value);
                }
                else
                {
                    current.Members.Add((path[i], value));
                }

                return;
            }

            if (index < 0)
            {
                var created = new Obj();
                current.Members.Add((path[i], created));
                current = created;
            }
            else
            {
                current = (Obj)current.Members[index].Value;
            }
        }
    }

    private static void ApplyUnset(Obj obj, List<string> path)
    {
        var current = obj;
        for (var i = 0; i < path.Count - 1; i++)
        {
            current = (Obj)current.Members.First(m => m.Key == path[i]).Value;
        }

        current.Members.RemoveAll(m => m.Key == path[^1]);
    }

    private static string Canonical(Obj obj) =>
        "{" + string.Join(",", obj.Members.Select(m => m.Key + ":" + (m.Value is Obj o ? Canonical(o) : m.Value.ToString()))) + "}";

    private static string Canonical(Json5Node node) => node switch
    {
        Json5Object o => "{" + string.Join(",", o.Properties.Select(p => p.Name + ":" + Canonical(p.Value))) + "}",
        Json5Number n => n.Text,
        _ => "?",
    };
}
