/// A meeting's status. Values outside the documented four pass through as `unknown`.
public enum MeetingStatus: Sendable, Hashable, CustomStringConvertible {
    case scheduled
    case inProgress
    case closed
    case cancelled
    case unknown(String)

    public init(rawValue: String) {
        switch rawValue {
        case "scheduled": self = .scheduled
        case "in_progress": self = .inProgress
        case "closed": self = .closed
        case "cancelled": self = .cancelled
        default: self = .unknown(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .scheduled: return "scheduled"
        case .inProgress: return "in_progress"
        case .closed: return "closed"
        case .cancelled: return "cancelled"
        case .unknown(let raw): return raw
        }
    }

    public var description: String { rawValue }
}
