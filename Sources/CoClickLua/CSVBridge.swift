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

    /// csv.decode(text): an array of tables keyed by the header row.
    static func decode(_ call: LuaCall) throws -> LuaResult {
        let text = try call.string(1)
        guard text.utf8.count <= maxInput else { throw LuaScriptError("csv.decode: input larger than 64 MiB") }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw LuaScriptError("csv.decode: no header row")
        }
        let header = reader.headerRow ?? []
        call.newTable()
        call.markArray()
        var r: Int64 = 0
        while let row = reader.next() {
            if row.count == 1 && row[0].isEmpty && header.count != 1 { continue }  // a blank line
            if row.count > header.count {
                call.pop()
                throw LuaScriptError("csv.decode: row \(r + 1) has \(row.count) fields, the header \(header.count)")
            }
            call.newTable(fieldCount: Int32(clamping: header.count))
            for (i, value) in row.enumerated() {
                call.push(value)
                call.setField(-2, header[i])
            }
            r += 1
            call.setIndex(-2, r)
        }
        if let error = reader.error {
            call.pop()
            throw LuaScriptError("csv.decode: \(error)")
        }
        return .values(1)
    }
}
