using System.Data.Common;

namespace MagentoOAuth.Storage.Sql;

public abstract partial class SqlCredentialStore : IApiKeyStore
{
    private const string ApiKeyColumns = "name, key_id, secret_hash, scope, stores, created_at";

    /// <inheritdoc />
    public async Task<bool> AddApiKeyAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);

        // A URL never holds a line break, so the store list is one text column.
        return await ExecuteAsync($"INSERT INTO api_keys ({ApiKeyColumns}) VALUES (@name, @id, @hash, @scope, @stores, @created) ON CONFLICT DO NOTHING", c =>
        {
            Add(c, "@name", key.Name);
            Add(c, "@id", key.KeyId);
            Add(c, "@hash", key.SecretHash);
            Add(c, "@scope", (int)key.Scope);
            Add(c, "@stores", string.Join('\n', key.Stores));
            Add(c, "@created", Time(key.CreatedAt));
        }, cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<ApiKey?> FindApiKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ApiKey> found = await QueryApiKeysAsync($"SELECT {ApiKeyColumns} FROM api_keys WHERE key_id = @id", c => Add(c, "@id", keyId), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        QueryApiKeysAsync($"SELECT {ApiKeyColumns} FROM api_keys ORDER BY name", _ => { }, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> RevokeApiKeyAsync(string name, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM api_keys WHERE name = @name", c => Add(c, "@name", name), cancellationToken).ConfigureAwait(false) == 1;

    private async Task<IReadOnlyList<ApiKey>> QueryApiKeysAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        DbConnection db = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            DbCommand command = db.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = sql;
                bind(command);
                var keys = new List<ApiKey>();
                DbDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (r.ConfigureAwait(false))
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        string stores = r.GetString(4);
                        keys.Add(new ApiKey
                        {
                            Name = r.GetString(0),
                            KeyId = r.GetString(1),
                            SecretHash = r.GetString(2),
                            Scope = (ApiKeyScope)Int(r.GetValue(3)),
                            Stores = stores.Length == 0 ? [] : stores.Split('\n'),
                            CreatedAt = ParseTime(r.GetString(5)),
                        });
                    }
                }

                return keys;
            }
        }
    }
}
