import CLua
import CSV
import Foundation

/// The Swift half of `csv`: RFC 4180 reading and writing by CSV.swift. Values read are strings
/// (no guessing of types); rows are written with CRLF line ends, as RFC 4180 says.
enum CSVBridge {
    static let maxInput = 64 * 1024 * 1024

    /// internal.csv_encode(header, rows): header an array of strings, rows arrays of strings
    /// (the Lua half converts values).
    static func encode(_ call: LuaCall) throws -> LuaResult {
        let header = try strings(call, try call.table(1))
        let rowsIndex = try call.table(2)
        let writer = try CSVWriter(stream: .toMemory(), newline: .crlf)
        try writer.write(row: header)
        let count = lua_rawlen(call.L, rowsIndex)
        if count > 0 {
            for r in 1...count {
                lua_rawgeti(call.L, rowsIndex, lua_Integer(r))
                defer { call.pop() }
                guard call.type(-1) == .table else { throw LuaArgumentError(argument: 2, message: "row \(r) is not a table") }
                try writer.write(row: try strings(call, call.absolute(-1)))
            }
        }
        writer.stream.close()
        guard let data = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else {
            throw LuaScriptError("csv.encode: no output")
        }
        var text = String(decoding: data, as: UTF8.self)
        text += "\r\n"
        call.push(text)
        return .values(1)
    }

    private static func strings(_ call: LuaCall, _ table: Int32) throws -> [String] {
        let n = lua_rawlen(call.L, table)
        var out: [String] = []
        out.reserveCapacity(Int(n))
        if n == 0 { return out }
        for i in 1...n {
            lua_rawgeti(call.L, table, lua_Integer(i))
            defer { call.pop() }
            out.append(call.type(-1) == .string ? call.stringValue(-1) ?? "" : "")
        }
        return out
    }

    /// csv.decode(text [, {lines = true}]): an array of tables keyed by the header row; with
    /// `lines`, a second array with the line of the file each row starts on (the header is line 1;
    /// a quoted field may span lines). Opt-in, so that `csv.encode(csv.decode(text))` still reads
    /// one value.
    /// Read here rather than by CSV.swift, whose reader reports no line numbers: a leading UTF-8
    /// byte order mark (Excel's "CSV UTF-8") is dropped, and text that is not UTF-8, an
    /// unterminated quote, text after a closing quote or a row with more fields than the header
    /// is refused, naming the line.
    static func decode(_ call: LuaCall) throws -> LuaResult {
        var length = 0
        guard lua_type(call.L, 1) == LUA_TSTRING || lua_type(call.L, 1) == LUA_TNUMBER,
            let base = lua_tolstring(call.L, 1, &length)
        else {
            throw LuaArgumentError(argument: 1, expected: "string")
        }
        guard length <= maxInput else { throw LuaScriptError("csv.decode: input larger than 64 MiB") }
        let wantLines = try call.optionalTable(2).map { try call.booleanField($0, "lines") ?? false } ?? false
        var bytes = UnsafeRawBufferPointer(start: base, count: length)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = UnsafeRawBufferPointer(rebasing: bytes[3...]) }
        try checkUTF8(bytes)

        var reader = CSVRecordReader(bytes)
        guard let header = try reader.next().map({ $0.fields.map { String(decoding: $0, as: UTF8.self) } }) else {
            throw LuaScriptError("csv.decode: no header row")
        }
        let stackBase = call.top
        call.newTable()
        call.markArray()
        if wantLines {
            call.newTable()
            call.markArray()
        }
        let rowsIndex: Int32 = wantLines ? -3 : -2
        var count: Int64 = 0
        do {
            while let record = try reader.next() {
                let fields = record.fields
                if fields.count == 1 && fields[0].isEmpty && header.count != 1 { continue }  // a blank line
                if fields.count > header.count {
                    throw LuaScriptError("csv.decode: line \(record.line) has \(fields.count) fields, the header \(header.count)")
                }
                call.newTable(fieldCount: Int32(clamping: header.count))
                for (i, value) in fields.enumerated() {
                    value.withUnsafeBufferPointer { v in
                        v.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(call.L, $0.baseAddress, $0.count) }
                    }
                    call.setField(-2, header[i])
                }
                count += 1
                call.setIndex(rowsIndex, count)
                if wantLines {
                    call.push(Int64(record.line))
                    call.setIndex(-2, count)
                }
            }
        } catch {
            lua_settop(call.L, stackBase)
            throw error
        }
        return .values(wantLines ? 2 : 1)
    }

    /// Refuses text that is not UTF-8 (latin-1 `café` would otherwise be stored as `caf\u{FFFD}`).
    private static func checkUTF8(_ bytes: UnsafeRawBufferPointer) throws {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar):
                offset += scalar.count
            case .error:
                let line = CSVRecordReader.line(at: offset, in: bytes)
                let bad = String(format: "0x%02X", bytes[offset])
                throw LuaScriptError("csv.decode: line \(line) is not UTF-8 text (byte \(bad)): save the file as UTF-8")
            case .emptyInput:
                return
            }
        }
    }
}

/// RFC 4180 records over bytes, with the line each starts on. Line ends are CRLF, LF or CR; a
/// quoted field may hold any of them (and counts them); `""` in a quoted field is a quote. A
/// quote inside an unquoted field is kept as it is, as spreadsheets do.
struct CSVRecordReader {
    struct Record {
        var fields: [[UInt8]]
        var line: Int
    }

    private let bytes: UnsafeRawBufferPointer
    private var i = 0
    private var line = 1

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    /// The line (from 1) that the byte at `offset` is on.
    static func line(at offset: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        var line = 1
        for j in 0..<offset where bytes[j] == lf || (bytes[j] == cr && !(j + 1 < bytes.count && bytes[j + 1] == lf)) {
            line += 1
        }
        return line
    }

    /// The next record, nil at the end of the text.
    mutating func next() throws -> Record? {
        let n = bytes.count
        if i >= n { return nil }
        var record = Record(fields: [], line: line)
        var field: [UInt8] = []
        while true {
            field.removeAll(keepingCapacity: true)
            if i < n && bytes[i] == Self.quote {
                let opened = line
                i += 1
                while true {
                    guard i < n else { throw LuaScriptError("csv.decode: line \(opened): unterminated quote") }
                    let b = bytes[i]
                    if b == Self.quote {
                        if i + 1 < n && bytes[i + 1] == Self.quote {
                            field.append(b)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    if b == Self.lf || (b == Self.cr && !(i + 1 < n && bytes[i + 1] == Self.lf)) { line += 1 }
                    field.append(b)
                    i += 1
                }
                if i < n && bytes[i] != Self.comma && bytes[i] != Self.cr && bytes[i] != Self.lf {
                    throw LuaScriptError("csv.decode: line \(line): text after a closing quote")
                }
            } else {
                let start = i
                while i < n && bytes[i] != Self.comma && bytes[i] != Self.cr && bytes[i] != Self.lf { i += 1 }
                field.append(contentsOf: bytes[start..<i])
            }
            record.fields.append(field)
            if i >= n { return record }
            let b = bytes[i]
            i += 1
            if b == Self.comma { continue }
            if b == Self.cr && i < n && bytes[i] == Self.lf { i += 1 }
            line += 1
            return record
        }
    }
}
