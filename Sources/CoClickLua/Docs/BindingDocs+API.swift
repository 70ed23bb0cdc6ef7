/// The documentation of the escape hatch (`coclick.api.*`), kept apart from the other entries.
extension BindingDocs {
    static let apiGet = BindingDoc(
        "coclick.api.get", usage: "coclick.api.get(path [, {query=, page=, per=, paginate=}])",
        "GET any endpoint under the base URL (retried as usual)",
        fields: [
            .init("path", "relative to the base URL, e.g. \"/meetings\" (an absolute URL elsewhere is refused)"),
            .init("query", "a table sent as Rails nested params ({q = {user = \"a@b.c\"}}), or a string sent as it is"),
            .init("page", "X-Page: the page number"),
            .init("per", "X-Per: items per page"),
            .init("paginate", "true: every page from page= on (X-Page) until a short page, as one array"),
        ],
        returns: "the decoded JSON body (nil when empty), and {status=, headers=} (headers named in lower case; pages= with paginate)")

    static let apiPost = BindingDoc(
        "coclick.api.post", usage: "coclick.api.post(path, body)",
        "POST JSON to any endpoint under the base URL (never retried once sent)",
        fields: [
            .init("path", "relative to the base URL, e.g. \"/meetings\" (an absolute URL elsewhere is refused)"),
            .init("body", "any value json.encode accepts (nil: no body)"),
        ],
        returns:
            "the decoded JSON body (nil when empty), and {status=, headers=}; with --dry-run nothing is sent: nil (the meeting with dry_run = true for /meetings) and {headers = {}, dry_run = true}"
    )
}
