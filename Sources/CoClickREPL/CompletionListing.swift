import CoClickLua

/// Candidates shown below the line on Tab: documented ones with their summary, one a line;
/// others in columns that fit the terminal.
enum CompletionListing {
    static let maxShown = 200

    static func format(_ candidates: [String], summaries: [String: String], width: Int = Terminal.columns() ?? 80) -> String {
        let shown = Array(candidates.prefix(maxShown))
        var lines: [String]
        if !summaries.isEmpty {
            let nameWidth = shown.map(\.count).max() ?? 0
            lines = shown.map { name in
                guard let summary = summaries[name] else { return name }
                let line = name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + summary
                return line.count > width ? String(line.prefix(max(nameWidth, width - 1))) + "…" : line
            }
        } else {
            let column = (shown.map(\.count).max() ?? 0) + 2
            let perLine = max(1, width / max(column, 1))
            let rows = (shown.count + perLine - 1) / perLine
            lines = (0..<rows).map { row in
                // Down the columns first, as ls does.
                stride(from: row, to: shown.count, by: rows)
                    .map { shown[$0].padding(toLength: column, withPad: " ", startingAt: 0) }
                    .joined()
                    .trimmingTrailingSpaces
            }
        }
        if candidates.count > shown.count { lines.append("(\(candidates.count - shown.count) more)") }
        return lines.joined(separator: "\n")
    }
}
