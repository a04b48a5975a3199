import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The web UI's static files, served by the server itself (no CDN): one stylesheet and one script
/// (``WebScript``), whose URLs carry a hash of their content, so browsers keep them for a year and a
/// new version is a new URL.
///
/// ```swift
/// WebAssets.stylesheetPath   // "/static/agnes.3f2a…9c.css"
/// WebAssets.scriptPath       // "/static/agnes.81c0…4e.js"
/// ```
enum WebAssets {
    /// The stylesheet of every page: readable on a 360 px phone and on a desktop, no framework.
    static let stylesheet = """
        :root{--ink:#1d1d1f;--muted:#5f6368;--line:#dadce0;--accent:#0b57d0;--bad:#b3261e;--warn:#8a5a00;--ok:#146c2e;--bg:#f8f9fa}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:#fff}
        a{color:var(--accent)}
        a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:2px solid var(--accent);outline-offset:2px}
        header{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem;padding:.6rem 1rem;border-bottom:1px solid var(--line);background:var(--bg)}
        header .brand{font-weight:600;text-decoration:none;color:var(--ink);margin-right:auto}
        nav ul{display:flex;flex-wrap:wrap;gap:.25rem .9rem;list-style:none;margin:0;padding:0}
        nav a{text-decoration:none}
        nav a[aria-current=page]{font-weight:600;text-decoration:underline}
        header form{margin:0}
        main{max-width:72rem;margin:0 auto;padding:1rem}
        h1{font-size:1.45rem;margin:.4rem 0 1rem}
        h2{font-size:1.15rem;margin:1.6rem 0 .6rem}
        .muted{color:var(--muted)}
        .summary{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin:.5rem 0 1rem}
        .summary strong{font-size:1.2rem}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;width:100%;font-size:.93rem}
        th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
        th{font-weight:600;background:var(--bg)}
        td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .status-ok{color:var(--ok)}.status-failed{color:var(--bad)}.status-stale{color:var(--warn)}
        .problem{color:var(--bad);font-size:.88rem}
        pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.88rem}
        pre{background:var(--bg);border:1px solid var(--line);padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
        button,.button{font:inherit;padding:.4rem .9rem;border:1px solid var(--line);border-radius:4px;background:#fff;cursor:pointer}
        .error{color:var(--bad)}
        h3{font-size:1rem;margin:1.2rem 0 .3rem}
        form[role=search]{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
        input[type=search]{font:inherit;padding:.35rem .5rem;min-width:14rem;flex:1 1 14rem;max-width:28rem}
        svg.meter rect{fill:var(--accent)}svg.meter rect.track{fill:var(--line)}
        svg.meter{vertical-align:middle}
        svg.chart{display:block;width:100%;max-width:30rem;height:auto;background:var(--bg)}
        svg.chart rect{fill:var(--accent)}svg.chart rect:hover{fill:var(--ink)}
        figure{margin:.3rem 0}
        table.top{width:auto}
        label{display:block;font-weight:600;margin:.7rem 0 .2rem}
        label.inline{display:inline;font-weight:normal;margin:0 .6rem 0 .2rem}
        input[type=text],input[type=email],input[type=password],input[type=number],input[type=url],select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid var(--line);border-radius:4px;width:100%;max-width:40rem}
        textarea{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9rem;min-height:8rem}
        textarea.sql{max-width:none;min-height:10rem}
        .actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.8rem 0}
        button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
        button.danger{color:var(--bad);border-color:var(--bad)}
        .note{color:var(--muted)}
        [role=alert]{color:var(--bad);white-space:pre-wrap}
        .card{border:1px solid var(--line);border-radius:6px;padding:.6rem .9rem;margin:.6rem 0}
        .chip{display:inline-block;border:1px solid var(--line);border-radius:1rem;padding:0 .5rem;font-size:.82rem;margin:.1rem .2rem .1rem 0}
        .pager{display:flex;gap:1rem;margin:1rem 0}
        .reveal{background:#fff8e1;border:1px solid var(--warn);padding:.6rem;word-break:break-all}
        .hidden{display:none}
        form.inline{display:inline}form.inline [data-result]{margin:.2rem 0}
        .card>h2:first-child{margin-top:.2rem}
        main.narrow{max-width:30rem}
        main.narrow form{margin:1rem 0 1.5rem}
        h1 code,h2 code,h3 code{font-size:inherit}
        input.short{width:8rem}
        ul.columns{columns:16rem;padding-left:1.2rem}
        details{margin:.6rem 0}summary{cursor:pointer;font-weight:600}
        .sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}
        dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
        ul.plain{list-style:none;padding:0}ul.plain li{margin:.2rem 0}
        a.chip{text-decoration:none}
        .chip.origin-google{border-color:var(--accent)}.chip.origin-system{background:var(--bg)}
        .chip.status-ok{border-color:var(--ok)}.chip.status-failed{border-color:var(--bad)}
        table.matrix td.cell{text-align:center;vertical-align:middle}
        table.matrix th.block{font-weight:normal;color:var(--muted)}
        table.matrix input[type=checkbox]{width:1.2rem;height:1.2rem;margin:0}
        .prose{white-space:pre-wrap;overflow-wrap:anywhere}
        textarea.prose{font-family:inherit;font-size:inherit}
        form.filters{display:flex;flex-wrap:wrap;gap:.2rem 1rem;align-items:flex-end}
        form.filters label{margin-top:.3rem}
        .votes{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
        .votes form,td form{margin:.2rem 0}
        button[aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:#fff}
        .chip.mandatory{border-color:var(--warn);color:var(--warn)}
        .pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.8rem}
        .pair .side{border-left:3px solid var(--line);padding-left:.6rem}
        .pair h3{margin-top:.2rem}
        form.actions select{width:auto}
        .bulk{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:.8rem}
        .status-pending{color:var(--warn)}.status-approved,.status-mandatory{color:var(--ok)}.status-rejected,.status-revoked,.status-expired{color:var(--bad)}
        @media (max-width:40rem){main{padding:.6rem}th,td{padding:.35rem .4rem}h1{font-size:1.25rem}}
        """

    /// `/static/agnes.<first 16 hex of the SHA-256>.css`.
    static let stylesheetPath = hashedPath(of: stylesheet, extension: "css")

    /// `/static/agnes.<first 16 hex of the SHA-256>.js`.
    static let scriptPath = hashedPath(of: WebScript.source, extension: "js")

    static func hashedPath(of text: String, extension fileExtension: String) -> String {
        let digest = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        return "/static/agnes.\(digest.prefix(16)).\(fileExtension)"
    }

    /// Serves the stylesheet and the script at their hashed paths, cacheable for a year; any other name
    /// under `/static/` is a 404 (an old hash included: the page that asked for it is older than this
    /// server).
    static func register(on router: Router<AgnesRequestContext>) {
        router.get("/static/:name") { request, _ in
            let asset: (type: String, text: String)? =
                switch request.uri.path {
                case stylesheetPath: ("text/css; charset=utf-8", stylesheet)
                case scriptPath: ("text/javascript; charset=utf-8", WebScript.source)
                default: nil
                }
            guard let asset else {
                return Response(
                    status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "Not found\n")))
            }
            return Response(
                status: .ok,
                headers: [.contentType: asset.type, .cacheControl: "public, max-age=31536000, immutable"],
                body: .init(byteBuffer: ByteBuffer(string: asset.text)))
        }
    }
}
