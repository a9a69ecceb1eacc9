import Foundation
import StrandRPC

/// The block browser: one page and its two assets, served by the node on its RPC port, with
/// nothing fetched from elsewhere (intranets have no CDN). The page routes in the browser
/// (`/`, `/nodes`, `/block/…`, `/tx/…`, `/address/…`) and asks the node through `strand_*`
/// JSON-RPC calls; the overview follows new blocks over the port's WebSocket.
public enum BrowserPage {
    public static func page(for path: String) -> StaticPage? {
        switch path {
        case "/assets/browser.js": return script
        case "/assets/browser.css": return style
        case "/", "/nodes": return html
        default:
            let routed = ["/block/", "/tx/", "/address/"].contains { path.hasPrefix($0) && path.count > $0.count }
            return routed ? html : nil
        }
    }

    static let html = StaticPage(contentType: "text/html; charset=utf-8", body: Data(htmlText.utf8))
    static let style = StaticPage(contentType: "text/css; charset=utf-8", body: Data(BrowserStyle.text.utf8))
    static let script = StaticPage(contentType: "text/javascript; charset=utf-8", body: Data(BrowserScript.text.utf8))

    static let htmlText = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Strand block browser</title>
        <link rel="stylesheet" href="/assets/browser.css">
        <link rel="icon" href="data:,">
        </head>
        <body>
        <header>
          <a class="brand" href="/">Strand</a>
          <nav><a href="/">Overview</a><a href="/nodes">Nodes</a></nav>
          <form id="search" role="search">
            <input id="query" name="q" placeholder="Height, block hash, transaction hash or address" autocomplete="off" spellcheck="false">
            <button type="submit">Search</button>
          </form>
          <span id="live" class="live off" title="Live updates over the node's WebSocket">offline</span>
        </header>
        <main id="main"><p class="muted">Loading…</p></main>
        <footer>Served by this node on its RPC port · no outside assets</footer>
        <script src="/assets/browser.js"></script>
        </body>
        </html>
        """
}
