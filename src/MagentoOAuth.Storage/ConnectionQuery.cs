namespace MagentoOAuth.Storage;

/// <summary>A filter and a page position for <see cref="IConnectionStore.ListAsync"/>.</summary>
public sealed record ConnectionQuery
{
    /// <summary>The most a page may hold.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Only connections with this status.</summary>
    public StoreStatus? Status { get; init; }

    /// <summary>Only connections linked to this account of the hosting app.</summary>
    public string? AccountId { get; init; }

    /// <summary>Only connections whose store base URL, consumer key or store name contains this text (case-insensitive for ASCII).</summary>
    public string? Text { get; init; }

    /// <summary>Where the previous page ended (<see cref="ConnectionPage.Next"/>); null for the first page.</summary>
    public string? After { get; init; }

    /// <summary>How many connections a page holds, 1 to <see cref="MaxPageSize"/>.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Throws when the page size is out of range or <see cref="After"/> is not a cursor this store made.</summary>
    public void Validate()
    {
        if (PageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, $"PageSize must be 1 to {MaxPageSize}.");
        }

        if (After is not null)
        {
            _ = ConnectionCursor.Parse(After);
        }
    }
}

/// <summary>One page of <see cref="IConnectionStore.ListAsync"/>.</summary>
/// <param name="Items">The connections, in creation order.</param>
/// <param name="Next">The cursor for the next page, or null on the last page.</param>
public sealed record ConnectionPage(IReadOnlyList<StoreConnection> Items, string? Next);

/// <summary>A keyset position: creation time and id of the last row of a page. Opaque to callers.</summary>
public readonly record struct ConnectionCursor(DateTimeOffset CreatedAt, Guid Id)
{
    /// <summary>The cursor as text.</summary>
    public override string ToString() => CreatedAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + Id.ToString("N");

    /// <summary>Reads a cursor made by <see cref="ToString"/>.</summary>
    /// <exception cref="ArgumentException">Not such a cursor.</exception>
    public static ConnectionCursor Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('.');
        if (parts.Length == 2 && long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long ticks)
            && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(parts[1], "N", out Guid id))
        {
            return new ConnectionCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }

        throw new ArgumentException("Not a page cursor from this store.", nameof(text));
    }

    /// <summary>The cursor of a connection.</summary>
    public static ConnectionCursor Of(StoreConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new ConnectionCursor(connection.CreatedAt, connection.Id);
    }
}
