namespace MagentoOAuth.Sandbox.Oauth;

/// <summary>A PHP array: ordered, string keys (integer keys kept as their decimal text), values strings or arrays.</summary>
internal sealed class PhpArray
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private long _nextIndex;

    public int Count => _order.Count;

    public IEnumerable<KeyValuePair<string, object>> Items => _order.Select(k => new KeyValuePair<string, object>(k, _values[k]));

    public object? this[string key] => _values.GetValueOrDefault(key);

    /// <summary>Assigns like <c>$a[$key] = $value</c>: an existing key keeps its position.</summary>
    public void Set(string key, object value)
    {
        if (!_values.ContainsKey(key))
        {
            _order.Add(key);
        }

        _values[key] = value;
        if (Php.IsIntegerKey(key) && long.TryParse(key, out long index) && index >= _nextIndex)
        {
            _nextIndex = index + 1;
        }
    }

    public void Remove(string key)
    {
        if (_values.Remove(key))
        {
            _order.Remove(key);
        }
    }

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary><c>$a[] = …</c>'s key.</summary>
    public string NextIndex() => (_nextIndex++).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// PHP's <c>parse_str</c>: pairs split on '&amp;' and the first '=', urldecoded ('+' is a space); in names, leading
    /// spaces dropped, ' ' and '.' before the first '[' become '_', an unclosed first '[' becomes '_' (and so do the
    /// '.', ' ' and '[' after it);
    /// <c>a[b][]</c> builds nested arrays.
    /// </summary>
    public static PhpArray ParseStr(string query)
    {
        var result = new PhpArray();
        foreach (string segment in query.Split('&'))
        {
            if (segment.Length == 0)
            {
                continue;
            }

            int equals = segment.IndexOf('=', StringComparison.Ordinal);
            string name = Php.UrlDecode(equals < 0 ? segment : segment[..equals]);
            string value = equals < 0 ? string.Empty : Php.UrlDecode(segment[(equals + 1)..]);
            Register(result, name, value);
        }

        return result;
    }

    private static void Register(PhpArray target, string name, string value)
    {
        name = name.TrimStart(' ');
        int bracket = name.IndexOf('[', StringComparison.Ordinal);
        string baseName = (bracket < 0 ? name : name[..bracket]).Replace(' ', '_').Replace('.', '_');
        if (baseName.Length == 0)
        {
            return;
        }

        if (bracket < 0)
        {
            target.Set(baseName, value);
            return;
        }

        var indexes = new List<string>();
        string rest = name[bracket..];
        int position = 0;
        while (position < rest.Length && rest[position] == '[')
        {
            int close = rest.IndexOf(']', position + 1);
            if (close < 0)
            {
                if (indexes.Count == 0)
                {
                    // PHP 8 (main/php_variables.c): the unclosed '[' becomes '_' and the name goes on being a plain
                    // name, so its '.', ' ' and '[' become '_' too: 'a[[b' is 'a__b', 'a[b.c' is 'a_b_c'.
                    target.Set(baseName + "_" + rest[(position + 1)..].Replace(' ', '_').Replace('.', '_').Replace('[', '_'), value);
                    return;
                }

                break;
            }

            indexes.Add(rest[(position + 1)..close]);
            position = close + 1;
        }

        PhpArray current = target;
        string key = baseName;
        foreach (string index in indexes)
        {
            if (current[key] is not PhpArray nested)
            {
                nested = new PhpArray();
                current.Set(key, nested);
            }

            current = nested;
            key = index.Length == 0 ? current.NextIndex() : index;
        }

        current.Set(key, value);
    }
}
