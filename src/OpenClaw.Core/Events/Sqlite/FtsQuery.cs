using System.Text;

namespace OpenClaw.Core.Events.Sqlite;

/// <summary>Turns user text into an FTS5 query that matches it literally, so no input is ever a syntax error.</summary>
internal static class FtsQuery
{
    private const int MaxTerms = 32;
    private const int MaxLength = 1000;

    /// <summary>Each whitespace-separated word becomes a quoted FTS5 string (all must match); operators lose their meaning.</summary>
    public static string FromUserText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new EventStoreException(EventStoreErrorKind.Invalid, "search query must contain at least one word.");
        }

        if (text.Length > MaxLength)
        {
            throw new EventStoreException(EventStoreErrorKind.Invalid, $"search query is {text.Length} characters long; at most {MaxLength} are allowed.");
        }

        var terms = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (terms.Length > MaxTerms)
        {
            throw new EventStoreException(EventStoreErrorKind.Invalid, $"search query has {terms.Length} words; at most {MaxTerms} are allowed.");
        }

        var query = new StringBuilder(text.Length + (terms.Length * 3));
        foreach (var term in terms)
        {
            // A term of punctuation only has no token to match; as an empty FTS5 string it would confuse the match.
            if (!term.Any(c => char.IsLetterOrDigit(c) || char.IsSurrogate(c)))
            {
                continue;
            }

            if (query.Length > 0)
            {
                query.Append(' ');
            }

            // Inside an FTS5 string only '"' is special, and it is escaped by doubling; NUL would end the query early.
            query.Append('"').Append(term.Replace("\"", "\"\"", StringComparison.Ordinal).Replace('\0', ' ')).Append('"');
        }

        return query.Length > 0
            ? query.ToString()
            : throw new EventStoreException(EventStoreErrorKind.Invalid, "search query must contain at least one word (letters or digits).");
    }
}
