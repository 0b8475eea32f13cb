using System.Text.Json.Serialization;

namespace OpenClaw.Channels.Telegram;

/// <summary>A Bot API answer: <c>{"ok":true,"result":…}</c> or <c>{"ok":false,"error_code":…,"description":…}</c>.</summary>
internal sealed record TelegramApiResponse<T>
{
    public bool Ok { get; init; }

    public T? Result { get; init; }

    public int? ErrorCode { get; init; }

    public string? Description { get; init; }

    public TelegramResponseParameters? Parameters { get; init; }
}

/// <summary>The <c>parameters</c> of an error answer.</summary>
internal sealed record TelegramResponseParameters
{
    public int? RetryAfter { get; init; }

    public long? MigrateToChatId { get; init; }
}

/// <summary>The part of an <c>Update</c> the adapter reads (unknown fields are ignored).</summary>
internal sealed record TelegramUpdate
{
    public long UpdateId { get; init; }

    public TelegramMessage? Message { get; init; }

    public TelegramMessage? EditedMessage { get; init; }

    public TelegramMessage? ChannelPost { get; init; }
}

/// <summary>The part of a <c>Message</c> the adapter reads.</summary>
internal sealed record TelegramMessage
{
    public long MessageId { get; init; }

    public TelegramUser? From { get; init; }

    public TelegramChat Chat { get; init; } = new();

    public string? Text { get; init; }

    public string? Caption { get; init; }

    public TelegramEntity[]? Entities { get; init; }

    public TelegramEntity[]? CaptionEntities { get; init; }

    public TelegramPhotoSize[]? Photo { get; init; }

    public TelegramDocument? Document { get; init; }

    public TelegramMessage? ReplyToMessage { get; init; }
}

/// <summary>A chat: its id and type (<c>private</c>, <c>group</c>, <c>supergroup</c>, <c>channel</c>).</summary>
internal sealed record TelegramChat
{
    public long Id { get; init; }

    public string Type { get; init; } = "";
}

/// <summary>A user or bot.</summary>
internal sealed record TelegramUser
{
    public long Id { get; init; }

    public bool IsBot { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Username { get; init; }
}

/// <summary>A message entity (mention, command, …): offsets in UTF-16 code units.</summary>
internal sealed record TelegramEntity
{
    public string Type { get; init; } = "";

    public int Offset { get; init; }

    public int Length { get; init; }

    public TelegramUser? User { get; init; }
}

/// <summary>One size of a photo.</summary>
internal sealed record TelegramPhotoSize
{
    public string FileId { get; init; } = "";

    public int Width { get; init; }

    public int Height { get; init; }

    public long? FileSize { get; init; }
}

/// <summary>A document (any file).</summary>
internal sealed record TelegramDocument
{
    public string FileId { get; init; } = "";

    public string? FileName { get; init; }

    public string? MimeType { get; init; }

    public long? FileSize { get; init; }
}

/// <summary>What <c>getFile</c> returns.</summary>
internal sealed record TelegramFile
{
    public string FileId { get; init; } = "";

    public long? FileSize { get; init; }

    public string? FilePath { get; init; }
}

/// <summary>The source-generated JSON of the Bot API subset (AOT-clean: no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TelegramUpdate))]
[JsonSerializable(typeof(TelegramApiResponse<TelegramUser>))]
[JsonSerializable(typeof(TelegramApiResponse<TelegramUpdate[]>))]
[JsonSerializable(typeof(TelegramApiResponse<TelegramMessage>))]
[JsonSerializable(typeof(TelegramApiResponse<TelegramFile>))]
[JsonSerializable(typeof(TelegramApiResponse<bool>))]
[JsonSerializable(typeof(TelegramApiResponse<System.Text.Json.JsonElement>))]
internal sealed partial class TelegramJsonContext : JsonSerializerContext;
