using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace OpenClaw.Testing.Telegram;

/// <summary>The parameters of one Bot API call, from a JSON body, a form (urlencoded or multipart) or the query string.</summary>
internal sealed class FakeTelegramArgs
{
    private readonly Dictionary<string, JsonElement> _json = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _text = new(StringComparer.Ordinal);

    public static async Task<FakeTelegramArgs> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var args = new FakeTelegramArgs();
        foreach (var (key, value) in request.Query)
        {
            args._text[key] = value.ToString();
        }

        if (request.HasJsonContentType())
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    args._json[property.Name] = property.Value.Clone();
                }
            }
        }
        else if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (key, value) in form)
            {
                args._text[key] = value.ToString();
            }
        }

        return args;
    }

    public string? String(string name)
    {
        if (_json.TryGetValue(name, out var element))
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.Null => null,
                _ => element.GetRawText(),
            };
        }

        return _text.TryGetValue(name, out var text) ? text : null;
    }

    public long? Long(string name) => String(name) is { } s ? long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    public bool? Bool(string name) => String(name) is { } s ? bool.Parse(s) : null;

    public JsonElement? Object(string name)
    {
        if (_json.TryGetValue(name, out var element))
        {
            return element.ValueKind == JsonValueKind.Object ? element : null;
        }

        if (_text.TryGetValue(name, out var text) && text.TrimStart().StartsWith('{'))
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }

        return null;
    }

    public string[]? StringArray(string name)
    {
        JsonElement array;
        if (_json.TryGetValue(name, out var element))
        {
            array = element;
        }
        else if (_text.TryGetValue(name, out var text))
        {
            using var document = JsonDocument.Parse(text);
            array = document.RootElement.Clone();
        }
        else
        {
            return null;
        }

        return array.ValueKind == JsonValueKind.Array ? [.. array.EnumerateArray().Select(e => e.GetString() ?? "")] : null;
    }
}
