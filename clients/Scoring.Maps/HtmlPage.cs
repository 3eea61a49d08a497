using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Scoring.Maps;

/// <summary>
/// The map as one self-contained HTML page: the SVG inline, a little script and style, no request to any network.
/// Hovering a parcel shows its id, score and classification; clicking it shows its explanation (elements, top shortfalls,
/// failed vetoes, suggested modes).
/// </summary>
public static class HtmlPage
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Default };

    /// <summary>The page for <paramref name="request"/> laid out as <paramref name="figure"/>.</summary>
    public static string Render(MapRequest request, Figure figure)
    {
        var facts = request.Parcels.GroupBy(p => p.Id).ToDictionary(g => g.Key, g =>
        {
            var p = g.First();
            return new Dictionary<string, object>
            {
                ["score"] = Math.Round(p.Score, 4),
                ["classification"] = p.Classification,
                ["disposition"] = Legend.Name(p.Disposition),
                ["elements"] = p.Explanation.Elements.Select(e => new object?[] { e.Name, e.Score is { } s ? Math.Round(s, 3) : null }).ToList(),
                ["shortfalls"] = p.Explanation.TopShortfalls,
                ["vetoes"] = p.Explanation.FailedVetoes,
                ["modes"] = p.Explanation.Modes,
            };
        });
        var html = new StringBuilder(figure.Parcels.Count * 400 + 16 * 1024);
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{SecurityElement.Escape(request.Title)}}</title>
            <style>
            body { margin: 0; font-family: {{SvgRenderer.FontFamily}}; color: #222; display: flex; gap: 16px; }
            #map { flex: 1 1 auto; min-width: 0; }
            #map svg { width: 100%; height: auto; display: block; }
            #map path.parcel { cursor: pointer; }
            #map path.parcel:hover, #map path.parcel.chosen { stroke: #000; stroke-width: 2; }
            #tip { position: fixed; pointer-events: none; background: rgba(255,255,255,.95); border: 1px solid #888; padding: 4px 8px; font-size: 13px; }
            #detail { flex: 0 0 300px; padding: 16px; border-left: 1px solid #ddd; font-size: 14px; }
            #detail h2 { font-size: 18px; margin: 0 0 8px; }
            #detail table { border-collapse: collapse; }
            #detail td { padding: 1px 8px 1px 0; }
            </style>
            </head>
            <body>
            <div id="map">

            """);
        SvgRenderer.Write(figure, html);
        html.Append($$"""
            </div>
            <aside id="detail"><h2>{{SecurityElement.Escape(request.Title)}}</h2><p>{{request.Parcels.Count.ToString("N0", CultureInfo.InvariantCulture)}} 宗地块。悬停查看得分，点击查看解释。</p></aside>
            <div id="tip" hidden></div>
            <script>
            const parcels = {{JsonSerializer.Serialize(facts, Json)}};
            const tip = document.getElementById('tip'), detail = document.getElementById('detail');
            const text = s => String(s).replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
            const list = (title, items) => items.length ? `<h3>${title}</h3><ul>${items.map(i => `<li>${text(i)}</li>`).join('')}</ul>` : `<h3>${title}</h3><p>无</p>`;
            let chosen = null;
            for (const path of document.querySelectorAll('path.parcel')) {
              const id = path.dataset.id, p = parcels[id];
              path.addEventListener('mousemove', e => {
                tip.hidden = false;
                tip.style.left = (e.clientX + 12) + 'px';
                tip.style.top = (e.clientY + 12) + 'px';
                tip.innerHTML = `<b>${text(id)}</b><br>得分 ${p.score.toFixed(4)}<br>${text(p.classification)} · ${text(p.disposition)}`;
              });
              path.addEventListener('mouseleave', () => { tip.hidden = true; });
              path.addEventListener('click', () => {
                if (chosen) chosen.classList.remove('chosen');
                chosen = path;
                path.classList.add('chosen');
                const elements = p.elements.length
                  ? `<h3>要素得分</h3><table>${p.elements.map(([n, s]) => `<tr><td>${text(n)}</td><td>${s === null ? '—' : s.toFixed(3)}</td></tr>`).join('')}</table>`
                  : '';
                detail.innerHTML = `<h2>${text(id)}</h2><p>得分 ${p.score.toFixed(4)}<br>${text(p.classification)} · ${text(p.disposition)}</p>` +
                  elements + list('主要短板', p.shortfalls) + list('否决项', p.vetoes) + list('建议改造模式', p.modes);
              });
            }
            // Every parcel is wired: the page says so (a browser test reads it from the DOM).
            document.body.dataset.parcels = document.querySelectorAll('path.parcel').length;
            </script>
            </body>
            </html>

            """);
        return html.ToString();
    }
}
