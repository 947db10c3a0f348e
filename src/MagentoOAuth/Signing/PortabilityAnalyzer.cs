using System.Text;

namespace MagentoOAuth.Signing;

/// <summary>
/// Tells whether every Magento signer generation would accept a request signed with its profile, and if not, which
/// would refuse it and why. Each generation's base string is computed and compared; the named checks below only
/// explain the difference (or, for requests Magento cannot process at all, report them directly).
/// </summary>
public static class PortabilityAnalyzer
{
    private static readonly SignatureProfile[] Generations =
        [SignatureProfile.MagentoG1, SignatureProfile.MagentoG2, SignatureProfile.MagentoG3, SignatureProfile.MagentoG4];

    private static readonly SignatureProfile[] G1ToG3 = [SignatureProfile.MagentoG1, SignatureProfile.MagentoG2, SignatureProfile.MagentoG3];
    private static readonly SignatureProfile[] G1G2 = [SignatureProfile.MagentoG1, SignatureProfile.MagentoG2];
    private static readonly SignatureProfile[] G4 = [SignatureProfile.MagentoG4];
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("abcdef");
    private static readonly OAuthCredentials ProbeCredentials = new("probe", "probe", "probe", "probe");

    /// <summary>Lists the reasons some generations would refuse <paramref name="request"/>; empty when it is portable.</summary>
    /// <param name="request">The request as it will be sent and signed.</param>
    public static IReadOnlyList<PortabilityIssue> Analyze(in OAuthRequest request)
    {
        string signed = BaseString(request, request.Profile);
        var refusing = new HashSet<SignatureProfile>();
        foreach (SignatureProfile generation in Generations)
        {
            if (BaseString(request, generation) != signed)
            {
                refusing.Add(generation);
            }
        }

        var issues = new List<PortabilityIssue>();
        var explained = new HashSet<SignatureProfile>();

        void Mismatch(string rule, IEnumerable<SignatureProfile> candidates, string reason, string advice)
        {
            var affected = candidates.Where(refusing.Contains).ToList();
            if (affected.Count > 0)
            {
                explained.UnionWith(affected);
                issues.Add(new PortabilityIssue(affected, reason, advice, rule));
            }
        }

        void Failure(string rule, IReadOnlyList<SignatureProfile> affected, string reason, string advice) =>
            issues.Add(new PortabilityIssue(affected, reason, advice, rule));

        if (request.SignatureMethod == OAuthSignatureMethod.HmacSha1)
        {
            Failure("signature-method", [SignatureProfile.MagentoG2, SignatureProfile.MagentoG3, SignatureProfile.MagentoG4],
                "Magento 2.4.4 and later accept only HMAC-SHA256 (400 \"Signature method HMAC-SHA1 is not supported\").",
                "Use HMAC-SHA256 unless the store runs 2.4.0–2.4.3.");
        }

        List<Pair> query = Pairs(request.Uri.Query.Length > 1 ? request.Uri.Query[1..] : string.Empty);
        List<Pair> form = Pairs(request.FormBody ?? string.Empty);

        CheckQuery(query, Mismatch, Failure);
        CheckForm(form, Mismatch, Failure);
        CheckOrder(query.Concat(form).Where(p => !p.Name.Contains('+', StringComparison.Ordinal)).ToList(), Mismatch);
        CheckPath(request.Uri.AbsolutePath, Mismatch);
        if (request.Host is { } host && host != BaseUriRules.DefaultHost(request.Uri))
        {
            Mismatch("host-header", G4, $"the Host header '{host}' is not lower-case without a default port, and G4 signs it exactly as sent.",
                $"Send Host '{BaseUriRules.DefaultHost(request.Uri)}' (HttpClient does).");
        }

        var unexplained = refusing.Except(explained).Order().ToList();
        if (unexplained.Count > 0)
        {
            issues.Add(new PortabilityIssue(unexplained, "their signature base string differs from the one signed.",
                "Compare with --explain --profile g" + (int)unexplained[0] + ".", "base-string-differs"));
        }

        return issues;
    }

    private static void CheckQuery(
        List<Pair> query,
        Action<string, IEnumerable<SignatureProfile>, string, string> mismatch,
        Action<string, IReadOnlyList<SignatureProfile>, string, string> failure)
    {
        foreach (Pair p in query.Where(p => p.Raw.Contains('+', StringComparison.Ordinal)).Take(1))
        {
            // G4 reads '+' as a space except under a bracketed name, where its parse_str copy is dropped.
            mismatch("raw-plus", Generations, $"'{p.Raw}' has a raw '+': RFC 5849 and PHP read a space, but G1–G3 (and G4 under a bracketed name) sign a '+'.",
                "Write %20 for a space and %2B for a plus sign.");
        }

        foreach (Pair p in query.Where(p => p.EqualsCount != 1).Take(1))
        {
            mismatch("not-a-pair", G1ToG3, $"'{p.Raw}' is not one name=value pair, and G1–G3 leave such pairs out of the signature.",
                "Send name=value, with '=' inside a value as %3D.");
        }

        foreach (Pair p in query.Where(p => ParameterRules.IsProtocolParameter(p.Name)).Take(1))
        {
            mismatch("protocol-name-in-query", G1ToG3, $"'{p.Name}' looks like a protocol parameter, and G1–G3 leave it out of the signature.",
                "Send oauth_* parameters only in the Authorization header.");
        }

        foreach (var group in query.GroupBy(p => p.DecodedName).Where(g => g.Count() > 1).Take(1))
        {
            mismatch("repeated-name", Generations, $"'{group.Key}' is repeated, and Magento signs only its last value.",
                RepeatedNameAdvice(group.Key, group.Count(), query.Select(p => p.DecodedName).ToList()));
        }

        foreach (Pair p in query.Where(p => IsRenamedByPhp(p.DecodedName)).Take(1))
        {
            mismatch("php-renamed-name", G4, $"'{p.DecodedName}' is a name PHP renames to '{ParameterRules.PhpName(p.DecodedName)}', and G4 signs it under both names.",
                "Avoid '.', spaces and unclosed '[' in names.");
        }

        foreach (Pair p in query.Where(p => IsBaseOfBracketed(p, query)).Take(1))
        {
            mismatch("bracket-base-name", G4, $"'{p.DecodedName}' is also the base of a bracketed name, and G4 loses it.",
                "Rename one of them.");
        }

        foreach (Pair p in query.Where(p => IsAllDigits(p.DecodedName)).Take(1))
        {
            failure("all-digit-name", G4, $"'{p.DecodedName}' is an all-digit name, which G4 answers with 500 (a TypeError).", "Use a name with a letter.");
        }
    }

    private static void CheckForm(
        List<Pair> form,
        Action<string, IEnumerable<SignatureProfile>, string, string> mismatch,
        Action<string, IReadOnlyList<SignatureProfile>, string, string> failure)
    {
        foreach (Pair p in form.Where(p => ParameterRules.IsBracketedName(p.DecodedName)).Take(1))
        {
            failure("bracketed-form-field", Generations, $"the form body has the bracketed name '{p.DecodedName}', which Magento's signer cannot handle (500).",
                "Send the body as JSON, or move such fields to the query.");
        }

        foreach (Pair p in form.Where(p => IsRenamedByPhp(p.DecodedName)).Take(1))
        {
            mismatch("php-renamed-form-field", Generations, $"the form field '{p.DecodedName}' is renamed by PHP to '{ParameterRules.PhpName(p.DecodedName)}' before Magento signs it.",
                "Avoid '.', spaces and unclosed '[' in form field names.");
        }

        foreach (var group in form.GroupBy(p => p.DecodedName).Where(g => g.Count() > 1).Take(1))
        {
            mismatch("repeated-form-field", Generations, $"the form field '{group.Key}' is repeated, and Magento signs only its last value.",
                "Send each field once.");
        }

        foreach (Pair p in form.Where(p => IsAllDigits(p.DecodedName)).Take(1))
        {
            failure("all-digit-form-field", G4, $"the form field '{p.DecodedName}' has an all-digit name, which G4 answers with 500.", "Use a name with a letter.");
        }
    }

    private static void CheckOrder(List<Pair> pairs, Action<string, IEnumerable<SignatureProfile>, string, string> mismatch)
    {
        for (int i = 0; i < pairs.Count; i++)
        {
            for (int j = i + 1; j < pairs.Count; j++)
            {
                byte[] a = Encoding.ASCII.GetBytes(pairs[i].EncodedName);
                byte[] b = Encoding.ASCII.GetBytes(pairs[j].EncodedName);
                int ordinal = Math.Sign(a.AsSpan().SequenceCompareTo(b));
                if (Math.Sign(NaturalOrder.Compare(a, b)) != ordinal)
                {
                    mismatch("natural-order", G1ToG3, $"'{pairs[i].DecodedName}' and '{pairs[j].DecodedName}' sort differently in PHP's natural order (G1–G3) than in byte order.",
                        "Keep array indices within 0–9, or sign with the store's generation (--profile).");
                    return;
                }

                byte[] da = Encoding.UTF8.GetBytes(pairs[i].DecodedName);
                byte[] db = Encoding.UTF8.GetBytes(pairs[j].DecodedName);
                if (Math.Sign(da.AsSpan().SequenceCompareTo(db)) != ordinal)
                {
                    mismatch("decoded-order", G4, $"'{pairs[i].DecodedName}' and '{pairs[j].DecodedName}' sort differently by decoded name (G4) than by encoded name.",
                        "Keep array indices within 0–9, or sign with the store's generation (--profile).");
                    return;
                }
            }
        }
    }

    private static void CheckPath(string path, Action<string, IEnumerable<SignatureProfile>, string, string> mismatch)
    {
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] == '%' && PercentEncoding.TryDecodeEscape(path, i, out byte decoded) && ":@&=+$,/;%".Contains((char)decoded, StringComparison.Ordinal))
            {
                mismatch("path-escape", G1G2, $"the path has '{path.Substring(i, 3)}', which G1–G2 decode to '{(char)decoded}' before signing while G3–G4 sign it as sent; no one signature fits both.",
                    "Sign with the store's generation: --profile g2 for 2.4.0–2.4.7, --profile g4 for 2.4.8+.");
                break;
            }
        }

        foreach (char c in path)
        {
            if (c < 0x80 && !PercentEncoding.IsUnreserved(c) && !"()/:@&=+$,;%".Contains(c, StringComparison.Ordinal))
            {
                mismatch("path-raw-character", G1ToG3, $"the path has a raw '{c}', which G1–G3 escape before signing.",
                    $"Send it escaped (%{(int)c:X2}).");
                break;
            }
        }

        for (int i = 0; i + 2 < path.Length; i++)
        {
            if (path[i] == '%' && PercentEncoding.TryDecodeEscape(path, i, out _) && path.AsSpan(i + 1, 2).ContainsAny(LowerHex))
            {
                mismatch("path-lower-case-escape", G1ToG3, $"the path has the lower-case escape '{path.Substring(i, 3)}', which G1–G3 upper-case before signing.",
                    "Write escapes with upper-case hex digits.");
                break;
            }
        }
    }

    /// <summary>
    /// A repeated <c>a[]</c> can be numbered instead, which PHP reads as the same array (PortableRequest does it when
    /// nothing else writes to that array), but only up to 10 values: indices must stay within 0–9 for G1–G3's natural
    /// order and G4's decoded order. Otherwise a Magento profile signs only the last value, as every generation does.
    /// </summary>
    private static string RepeatedNameAdvice(string name, int count, IReadOnlyList<string> names)
    {
        if (!name.Contains("[]", StringComparison.Ordinal) || !ParameterRules.IsBracketedName(name))
        {
            return "Send each name once.";
        }

        if (PortableRequest.CanNumber(name, names))
        {
            return $"Number the values instead, '{name[..^2]}[0]', '{name[..^2]}[1]', …, which PHP reads as the same array.";
        }

        return count > 10
            ? $"Its {count} values cannot be numbered portably (an index of 10 or more sorts differently in G1–G3 and G4): send at most 10, or sign with the store's generation (--profile), which signs only the last value as every generation does."
            : "Number the values yourself with the indices PHP would give them (within 0–9), or sign with the store's generation (--profile), which signs only the last value as every generation does.";
    }

    private static bool IsRenamedByPhp(string name) => ParameterRules.PhpName(name) is { } renamed && renamed != name;

    private static bool IsAllDigits(string name) => name.Length > 0 && name.TrimStart('-').All(char.IsAsciiDigit);

    private static bool IsBaseOfBracketed(Pair p, List<Pair> all) =>
        !ParameterRules.IsBracketedName(p.DecodedName)
        && all.Any(o => ParameterRules.IsBracketedName(o.DecodedName) && o.DecodedName.StartsWith(p.DecodedName + "[", StringComparison.Ordinal));

    private static string BaseString(in OAuthRequest request, SignatureProfile profile)
    {
        OAuthRequest probe = request with { Profile = profile, Nonce = "n", Timestamp = 1 };
        var parameters = new ParameterList(16);
        var writer = new ByteWriter(512);
        try
        {
            OAuthSigner.BuildBaseString(probe, ProbeCredentials, default, "1"u8, ref parameters, ref writer);
            return Encoding.ASCII.GetString(writer.WrittenSpan);
        }
        finally
        {
            parameters.Dispose();
            writer.Dispose();
        }
    }

    private static List<Pair> Pairs(string text)
    {
        var pairs = new List<Pair>();
        foreach (string raw in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = raw.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? raw : raw[..equals];
            string decoded = Uri.UnescapeDataString(name.Replace('+', ' '));
            pairs.Add(new Pair(raw, name, decoded, PercentEncoding.Encode(decoded), raw.Count(c => c == '=')));
        }

        return pairs;
    }

    private sealed record Pair(string Raw, string Name, string DecodedName, string EncodedName, int EqualsCount);
}
