import CoClickLua
import Testing

@testable import CoClickREPL

@Suite("REPL help")
struct REPLHelpTests {
    /// Every row of SPEC's Lua API table.
    static let specBindings = [
        "coclick.meetings.list", "coclick.meetings.each", "coclick.meetings.all", "coclick.meetings.get",
        "coclick.meetings.get_many", "coclick.meetings.create", "coclick.auth", "coclick.time.parse",
        "coclick.time.format", "coclick.time.day", "json.encode", "json.decode", "json.null", "pp",
        "coclick.tabulate", "csv.encode", "csv.decode", "coclick.http.post_json", "log.info", "log.warn", "log.error",
    ]

    @Test func everySpecBindingIsDocumentedAndListed() {
        let overview = BindingDocs.overview()
        for path in Self.specBindings {
            let doc = BindingDocs.doc(for: path)
            #expect(doc != nil, "no doc for \(path)")
            if let doc { #expect(overview.contains(doc.usage + " ") || overview.contains(doc.usage + "\n")) }
        }
        // One line each (a long usage wraps once).
        #expect(overview.split(separator: "\n").count >= BindingDocs.all.count + 1)
    }

    @Test func createShowsItsFields() throws {
        let doc = try #require(BindingDocs.doc(for: "coclick.meetings.create"))
        let text = BindingDocs.detail(doc)
        for field in [
            "user", "starts_at", "cobrowsing_url", "cobrowsing_cookies_data", "custom_data",
            "presenter_waiting_room_iframe_url", "prospect_waiting_room_iframe_url",
        ] {
            #expect(text.contains("  " + field + " "), "missing \(field)")
        }
    }
}
