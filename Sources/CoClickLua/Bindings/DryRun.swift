import CoClickAPI

/// `--dry-run`: reads go to CoClick as usual; every write (`coclick.meetings.create`,
/// `coclick.api.post`, `coclick.http.post_json`) is checked locally as far as it can be, logged
/// as `dry-run: would POST /meetings {...}` and not sent, and returns what a script can go on
/// with.
public struct DryRun: Sendable {
    /// Where the `dry-run: ...` lines go (the host redacts them on their way to standard error).
    let log: @Sendable (String) -> Void

    public init(log: @escaping @Sendable (String) -> Void) {
        self.log = log
    }

    private func announce(_ target: String, _ body: JSONValue?) {
        log("dry-run: would POST \(target)" + (body.map { " " + $0.jsonText() } ?? ""))
    }

    /// `coclick.meetings.create`: the meeting as the API would return it, with `dry_run = true`
    /// and no `id`; a body that fails the local checks raises a `validation` error, as the API would.
    func create(_ call: LuaCall, _ new: NewMeeting) throws -> LuaResult {
        let body = new.json
        let problems = MeetingDraft.problems(body)
        if !problems.isEmpty { throw MeetingDraft.refusal(problems) }
        announce("/meetings", body)
        call.push(MeetingDraft.dryRunMeeting(body), nulls: .absent)
        return .values(1)
    }

    /// `coclick.api.post`: nil (nothing came back) and `{headers = {}, dry_run = true}`; a post
    /// to `/meetings` is checked and answered as `create` is.
    func post(_ call: LuaCall, _ target: APIPath, _ body: JSONValue?) throws -> LuaResult {
        let endpoint = target.relative.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target.relative
        var answer: JSONValue?
        if endpoint == "/meetings" || endpoint == "/meetings/" {
            let draft = body ?? .object([:])
            let problems = MeetingDraft.problems(draft)
            if !problems.isEmpty { throw MeetingDraft.refusal(problems) }
            answer = MeetingDraft.dryRunMeeting(draft)
        }
        announce(target.relative, body)
        if let answer { call.push(answer) } else { call.pushNil() }
        call.newTable(fieldCount: 2)
        call.newTable()
        call.setField(-2, "headers")
        call.push(true)
        call.setField(-2, "dry_run")
        return .values(2)
    }

    /// `coclick.http.post_json`: status 204 and an empty body, so that a script checking for a
    /// 2xx goes on (the stderr line says nothing was sent); the URL must be an http(s) URL.
    func postJSON(_ call: LuaCall, url: String, body: JSONValue) throws -> LuaResult {
        let shown = APIPath.redactedWebhook(url)
        guard MeetingDraft.isWebURL(url) else {
            throw CoClickError(.badRequest, message: "dry-run: post_json: \(shown) is not a valid http(s) URL")
        }
        announce(shown, body)
        call.push(204)
        call.push("")
        return .values(2)
    }
}
