/// The documentation of one binding: what `help()` lists, what `help(f)` shows, and a name Tab
/// completion offers.
public struct BindingDoc: Sendable, Hashable {
    /// One field of an options table (or one argument).
    public struct Field: Sendable, Hashable {
        public var name: String
        public var summary: String
        public init(_ name: String, _ summary: String) {
            self.name = name
            self.summary = summary
        }
    }

    /// The global path of the value: `coclick.meetings.create`.
    public var path: String
    /// How it is called: `coclick.meetings.create{user=, starts_at=, ...}`.
    public var usage: String
    /// One line: what it does.
    public var summary: String
    /// The fields of its options table, or its arguments.
    public var fields: [Field]
    /// What it returns.
    public var returns: String?

    public init(_ path: String, usage: String, _ summary: String, fields: [Field] = [], returns: String? = nil) {
        self.path = path
        self.usage = usage
        self.summary = summary
        self.fields = fields
        self.returns = returns
    }

    /// The path's parts: `["coclick", "meetings", "create"]`.
    public var components: [String] { path.split(separator: ".").map(String.init) }

    /// The table holding it (`coclick.meetings`), nil for a global.
    public var parent: String? {
        guard let dot = path.lastIndex(of: ".") else { return nil }
        return String(path[..<dot])
    }

    /// The name within its table (`create`).
    public var name: String { components.last ?? path }
}
