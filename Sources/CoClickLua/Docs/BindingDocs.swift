/// The one table of documentation of the Lua API (SPEC, "The Lua API"): `help()` lists it,
/// `help(f)` shows an entry, and Tab completion offers its names.
public enum BindingDocs {
    private static let query = BindingDoc.Field(
        "q",
        "filter: a table sent as Rails nested params (q = {user = \"a@b.c\"}), or a string sent as it is; a status outside scheduled, in_progress, closed, cancelled draws a warning (and is sent)"
    )
    private static let per = BindingDoc.Field("per", "meetings per page requested (default 20)")
    private static let limit = BindingDoc.Field("limit", "stop after this many meetings")
    private static let full = BindingDoc.Field("full", "true: full meetings, their details fetched concurrently ahead of the script")
    private static let concurrency = BindingDoc.Field(
        "concurrency",
        "requests in flight at most: pages read ahead, and with full=true details too (default 8, capped by --max-concurrency; 1: one page ahead)")

    public static let all: [BindingDoc] = [
        BindingDoc(
            "coclick.meetings.list", usage: "coclick.meetings.list{q=, page=1, per=20}",
            "one page of meetings, and {page=, per=, count=, next=}",
            fields: [query, .init("page", "page number, from 1 (default 1)"), per],
            returns: "an array of meeting summaries (id, user, status, starts_at), and {page=, per=, count=, next=} (next is nil on the last page)"),
        BindingDoc(
            "coclick.meetings.each", usage: "coclick.meetings.each{q=, per=, limit=, full=}",
            "an iterator over every meeting: for m in coclick.meetings.each{} do ... end",
            fields: [query, per, limit, full, concurrency],
            returns:
                "an iterator yielding one meeting table at a time (pages read ahead, at most concurrency of them in memory); its fourth value closes it, so break stops the reading at once"
        ),
        BindingDoc(
            "coclick.meetings.all", usage: "coclick.meetings.all{q=, per=, limit=, full=}",
            "an array of every meeting on every page",
            fields: [query, per, limit, full, concurrency],
            returns: "an array of meeting tables (full meetings with full=true)"),
        BindingDoc(
            "coclick.meetings.get", usage: "coclick.meetings.get(id)",
            "the full meeting with this id",
            fields: [.init("id", "the meeting's id (its token, 64 hex characters)")],
            returns: "the full meeting table; a not_found error when there is none"),
        BindingDoc(
            "coclick.meetings.get_many", usage: "coclick.meetings.get_many(ids [, {concurrency=8}])",
            "full meetings of an array of ids, fetched concurrently",
            fields: [.init("ids", "an array of meeting ids"), .init("concurrency", "requests in flight at most (default 8)")],
            returns: "an array of full meeting tables, in the order of ids"),
        BindingDoc(
            "coclick.meetings.create", usage: "coclick.meetings.create{user=, starts_at=, ...} / create(fields, {key=})",
            "creates a meeting (never retried once sent)",
            fields: [
                .init("user", "required: email of the presenter who owns the meeting"),
                .init("starts_at", "required: start, an ISO 8601 string or epoch seconds"),
                .init("cobrowsing_url", "required: URL of the website shared in the co-browsing session"),
                .init("cobrowsing_cookies_data", "optional: array of cookies preset in the co-browsing session"),
                .init("custom_data", "optional: table of your own data kept with the meeting"),
                .init("presenter_waiting_room_iframe_url", "optional: URL of an iframe in the presenter's waiting room"),
                .init("prospect_waiting_room_iframe_url", "optional: URL of an iframe in the prospect's waiting room"),
                .init("key", "in a second table, create(fields, {key=}): at most one meeting per key, ever (journaled in the state database)"),
            ],
            returns:
                "the created meeting; a validation error (errors by field) when the API refuses it; with --dry-run nothing is sent: the meeting with dry_run = true and no id. With a key, a second value: \"created\", \"existing\" (an earlier call made it; fetched) or \"adopted\" (an earlier POST of unknown outcome made it), or an uncertain error naming the key when that POST's meeting cannot be found"
        ),
        BindingDoc(
            "coclick.state.get", usage: "coclick.state.get(key)",
            "a value kept between runs of this script (--state NAME: of that namespace)",
            fields: [.init("key", "a string")],
            returns: "the value stored, or nil"),
        BindingDoc(
            "coclick.state.set", usage: "coclick.state.set(key, value)",
            "keeps a value for the next runs (durable when it returns)",
            fields: [.init("key", "a string"), .init("value", "anything json.encode takes; nil deletes")]),
        BindingDoc(
            "coclick.state.delete", usage: "coclick.state.delete(key)",
            "forgets a kept value",
            fields: [.init("key", "a string")]),
        BindingDoc(
            "coclick.run.last_success", usage: "coclick.run.last_success",
            "when the last run of this script that exited 0 started",
            returns: "epoch seconds, or nil on the first run"),
        BindingDoc(
            "coclick.auth", usage: "coclick.auth()",
            "the token's company and expiry (authenticates if needed)",
            returns: "{company=, expires_at=}"),
        BindingDoc(
            "coclick.time.parse", usage: "coclick.time.parse(iso)",
            "ISO 8601 text to epoch seconds",
            fields: [.init("iso", "e.g. \"2024-05-02T09:30:00+02:00\"")],
            returns: "epoch seconds (a number)"),
        BindingDoc(
            "coclick.time.format", usage: "coclick.time.format(epoch [, \"utc\" or \"local\"])",
            "epoch seconds to ISO 8601 text with its offset",
            fields: [.init("epoch", "seconds since 1970"), .init("zone", "\"utc\" or \"local\" (default local)")],
            returns: "ISO 8601 text"),
        BindingDoc(
            "coclick.time.day", usage: "coclick.time.day([epoch])",
            "start and end epochs of that local day (default today)",
            fields: [.init("epoch", "seconds since 1970 (default now)")],
            returns: "two epochs: the day's start and end"),
        BindingDoc(
            "coclick.tabulate", usage: "coclick.tabulate(rows [, columns])",
            "an aligned text table of an array of tables",
            fields: [
                .init("rows", "an array of tables"),
                .init("columns", "the column names in order (default: every key, id/user/status/starts_at first)"),
            ],
            returns: "the table as text"),
        BindingDoc(
            "coclick.http.post_json", usage: "coclick.http.post_json(url, value [, {headers=}])",
            "posts JSON to a webhook (chat, alerting)",
            fields: [
                .init("url", "where to post"), .init("value", "any value json.encode accepts"), .init("headers", "a table of extra request headers"),
            ],
            returns: "the HTTP status and the response body; with --dry-run nothing is sent: 204 and \"\""),
        apiGet,
        apiPost,
        BindingDoc(
            "json.encode", usage: "json.encode(value [, {pretty=true}])",
            "JSON text of a value",
            fields: [.init("value", "tables, strings, numbers, booleans, json.null"), .init("pretty", "true: indented output")],
            returns: "JSON text"),
        BindingDoc(
            "json.decode", usage: "json.decode(text)",
            "the value of JSON text (null becomes json.null)",
            fields: [.init("text", "JSON text")],
            returns: "a Lua value"),
        BindingDoc(
            "json.null", usage: "json.null",
            "an explicit JSON null (nil cannot live in a table)"),
        BindingDoc(
            "pp", usage: "pp(value, ...)",
            "pretty-prints any value, as the REPL shows results",
            fields: [.init("value", "anything; several values print side by side")]),
        BindingDoc(
            "csv.encode", usage: "csv.encode(rows [, columns])",
            "CSV text (RFC 4180) of an array of tables",
            fields: [.init("rows", "an array of tables"), .init("columns", "the column names in order (default: every key)")],
            returns: "CSV text with a header row"),
        BindingDoc(
            "csv.decode", usage: "csv.decode(text [, {lines = true}])",
            "an array of tables keyed by the header row of UTF-8 CSV text",
            fields: [
                .init("text", "CSV text with a header row (a leading byte order mark is dropped)"),
                .init("lines", "true: also return the line each row starts on (the header is line 1)"),
            ],
            returns: "an array of tables of strings (and, with lines, an array of line numbers)"),
        BindingDoc("log.info", usage: "log.info(...)", "a time-stamped INFO line on standard error (silenced by -q)"),
        BindingDoc("log.warn", usage: "log.warn(...)", "a time-stamped WARN line on standard error"),
        BindingDoc("log.error", usage: "log.error(...)", "a time-stamped ERROR line on standard error"),
        BindingDoc(
            "edit", usage: "edit()",
            "REPL: opens the last entry in $VISUAL or $EDITOR and runs what is saved",
            returns: "nothing; the saved chunk runs as the next entry and joins the history as one entry"),
        BindingDoc(
            "watch", usage: "watch(f [, seconds])",
            "REPL: calls f every seconds (default 2), its result reprinted in place, until Ctrl-C",
            fields: [
                .init(
                    "f", "a function of no arguments; lines of its result that changed are marked *, an error it raises is shown and watching goes on"
                ),
                .init("seconds", "the wait between calls (default 2)"),
            ]),
        BindingDoc(
            "help", usage: "help([binding])",
            "lists the bindings; help(coclick.meetings.create) shows one",
            fields: [.init("binding", "a binding (the function itself), its name as a string, or a table of them")]),
    ]

    /// The entry documenting `path`, if any.
    public static func doc(for path: String) -> BindingDoc? {
        all.first { $0.path == path }
    }

    /// The tables that hold bindings (`coclick`, `coclick.meetings`, `json`, ...).
    public static var namespaces: [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for doc in all {
            var parent = doc.parent
            while let p = parent {
                if seen.insert(p).inserted { result.append(p) }
                parent = p.lastIndex(of: ".").map { String(p[..<$0]) }
            }
        }
        return result
    }

    /// The names documented directly under `table` (`"coclick"`: meetings, auth, time, ...).
    public static func names(under table: String?) -> [String] {
        var result: [String] = []
        let prefix = table.map { $0 + "." } ?? ""
        for doc in all where doc.path.hasPrefix(prefix) {
            let rest = doc.path.dropFirst(prefix.count)
            let name = String(rest.prefix { $0 != "." })
            if !name.isEmpty && !result.contains(name) { result.append(name) }
        }
        return result
    }
}
