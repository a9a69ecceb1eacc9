/// The browser's style sheet: light, dense tables, and status colours that also read in grey.
enum BrowserStyle {
    static let text = """
        :root { --ink: #1d2430; --muted: #667085; --line: #e4e7ec; --bg: #f7f8fa; --accent: #1f5fbf;
                --ok: #137a3a; --okbg: #e3f5ea; --bad: #b42318; --badbg: #fde8e6; --warn: #9a6700; --warnbg: #fff4d6; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif; color: var(--ink); background: var(--bg); }
        header { display: flex; gap: 16px; align-items: center; padding: 10px 24px; background: #0f1b2d; color: #fff; flex-wrap: wrap; }
        header a { color: #dbe6ff; text-decoration: none; }
        header nav { display: flex; gap: 14px; }
        .brand { font-weight: 700; font-size: 18px; color: #fff; letter-spacing: .5px; }
        #search { display: flex; flex: 1; min-width: 280px; max-width: 640px; }
        #search input { flex: 1; padding: 6px 10px; border: 0; border-radius: 4px 0 0 4px; font: inherit; }
        #search button { padding: 6px 14px; border: 0; border-radius: 0 4px 4px 0; background: var(--accent); color: #fff; font: inherit; cursor: pointer; }
        .live { font-size: 12px; padding: 2px 8px; border-radius: 10px; }
        .live.on { background: var(--okbg); color: var(--ok); }
        .live.off { background: #33415a; color: #c4cede; }
        main { max-width: 1280px; margin: 0 auto; padding: 18px 24px 40px; }
        footer { text-align: center; color: var(--muted); font-size: 12px; padding: 16px; }
        h1 { font-size: 20px; margin: 4px 0 14px; word-break: break-all; }
        h2 { font-size: 15px; margin: 22px 0 8px; }
        a { color: var(--accent); }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
        .card .label { color: var(--muted); font-size: 12px; }
        .card .value { font-size: 22px; font-weight: 600; }
        .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
        @media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
        table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 12px; color: var(--muted); font-weight: 600; background: #fafbfc; }
        td a.mono { white-space: nowrap; }
        td.mono, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; word-break: break-all; }
        dl.fields { display: grid; grid-template-columns: 190px 1fr; background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 0; }
        dl.fields dt, dl.fields dd { margin: 0; padding: 6px 10px; border-bottom: 1px solid var(--line); }
        dl.fields dt { color: var(--muted); }
        dl.fields dd { word-break: break-all; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
        .status-ok, .state-up { background: var(--okbg); color: var(--ok); }
        .status-fail, .state-down { background: var(--badbg); color: var(--bad); }
        .state-unhealthy, .state-connecting, .status-pending { background: var(--warnbg); color: var(--warn); }
        .reason { color: var(--bad); }
        .muted { color: var(--muted); }
        .chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
        .chart svg { width: 100%; height: 140px; display: block; }
        .chart .title { font-size: 12px; color: var(--muted); }
        .bar { fill: var(--accent); }
        .line { fill: none; stroke: #e07b00; stroke-width: 2; }
        .error { background: var(--badbg); color: var(--bad); padding: 10px 12px; border-radius: 6px; }
        pre { white-space: pre-wrap; word-break: break-all; margin: 0; }
        """
}
