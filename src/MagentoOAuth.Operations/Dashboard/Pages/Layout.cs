using System.Text;

namespace MagentoOAuth.Operations.Dashboard.Pages;

/// <summary>The frame of every dashboard page: one style sheet and at most one script, both carrying the response's nonce.</summary>
internal static class Layout
{
    // Contrast: every text colour is at least 4.5:1 on its background (WCAG AA); focus is a thick outline, never only colour.
    private const string Css = """
        :root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --line: #c9c9c9; --focus: #0b4fd1; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
        a { color: #0a47b8; }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5em; }
        .skip:focus { left: .5em; }
        header { display: flex; gap: 1em; align-items: center; padding: .6em 1.2em; border-bottom: 1px solid var(--line); background: #f4f4f4; }
        header .brand { font-weight: 700; }
        header nav { flex: 1; }
        header form { margin: 0; }
        main { padding: 1em 1.2em 3em; max-width: 100rem; }
        h1 { font-size: 1.5em; margin: .3em 0 .6em; } h2 { font-size: 1.2em; margin: 1.4em 0 .5em; }
        table { border-collapse: collapse; width: 100%; font-size: .93em; }
        caption { text-align: left; font-weight: 600; padding: .4em 0; }
        th, td { text-align: left; vertical-align: top; padding: .35em .5em; border-bottom: 1px solid var(--line); }
        thead th { background: #f4f4f4; border-bottom: 2px solid #8a8a8a; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .muted { color: var(--muted); }
        .status { font-weight: 600; white-space: nowrap; }
        .s-active, .c-pass { color: #0d6321; } .s-failed, .c-fail { color: #a3121e; } .s-revoked, .c-warn { color: #8a4b00; }
        .s-pending, .s-exchanging, .s-superseded, .c-skip { color: #3f3f46; }
        .reason { max-width: 32em; overflow-wrap: anywhere; }
        .url { overflow-wrap: anywhere; } tbody th { min-width: 16em; font-weight: normal; }
        .error { border: 2px solid #a3121e; padding: .5em .8em; color: #a3121e; background: #fff5f5; }
        .note { border: 1px solid var(--line); padding: .5em .8em; background: #f8f8f8; }
        .path { font-weight: 700; }
        form.search { display: flex; flex-wrap: wrap; gap: .6em; align-items: end; margin: 1em 0; }
        form.search div { display: flex; flex-direction: column; }
        label { font-weight: 600; }
        input, select, button { font: inherit; padding: .35em .5em; border: 1px solid #6b6b6b; border-radius: 3px; }
        button { background: #0a47b8; color: #fff; border-color: #0a47b8; cursor: pointer; }
        button.secondary { background: #fff; color: #0a47b8; }
        ul.reauthorize li { margin-bottom: .8em; }
        nav.pages { display: flex; gap: 1.5em; margin: 1em 0; }
        dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .3em 1.2em; }
        dl.fields dt { font-weight: 600; } dl.fields dd { margin: 0; overflow-wrap: anywhere; }
        """;

    public static string Render(string title, string nonce, string main, string? signOutToken = null, string? antiforgeryField = null, string? script = null)
    {
        var html = new StringBuilder(8192);
        html.Append($$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>{{Html.E(title)}} · MagentoOAuth</title>
            <style nonce="{{nonce}}">{{Css}}</style>
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header><span class="brand">MagentoOAuth</span><nav aria-label="Dashboard"><a href="/">Stores</a></nav>
            """);
        if (signOutToken is not null && antiforgeryField is not null)
        {
            html.Append($"""<form method="post" action="/signout"><input type="hidden" name="{Html.E(antiforgeryField)}" value="{Html.E(signOutToken)}"><button type="submit" class="secondary">Sign out</button></form>""");
        }

        html.Append("</header>\n<main id=\"main\">\n").Append(main).Append("\n</main>\n");
        if (script is not null)
        {
            html.Append($"<script nonce=\"{nonce}\">").Append(script).Append("</script>\n");
        }

        return html.Append("</body>\n</html>\n").ToString();
    }
}
