import CLua
import CLuaSupport
import Glibc

/// Where a host keeps the compiled prelude between runs (the runner: files in its cache folder).
/// A dump is code: a store hands back only what this user wrote.
public protocol CompiledChunkStore {
    /// The bytes last written under `name`; nil when there are none it can vouch for.
    func read(_ name: String) -> [UInt8]?
    /// Keeps `bytes` under `name`; a failure is only a missed saving.
    func write(_ name: String, _ bytes: [UInt8])
}

/// The prelude compiled once, kept as `lua_dump` writes it: compiling its 19 KB took 0.33 ms of
/// every start, loading the dump 0.03 ms. A dump fits the liblua release that made it (the
/// bytecode may change between releases, and the header does not always say), so its name holds
/// a hash of that release's `lua_ident` and of the source; its content is framed with its length
/// and a checksum, and anything that does not match is compiled again.
enum CompiledPrelude {
    static let magic = Array("coclick prelude 1\n".utf8)

    /// The store's name of the dump for this liblua and this prelude.
    static let name: String = {
        var hash = Checksum()
        hash.add(Array(String(cString: clua_ident()).utf8))
        hash.add(PackageResources.prelude_lua)
        return "prelude-\(String(hash.value, radix: 16)).luac"
    }()

    /// `dump` framed for the store: magic, length, checksum, bytes.
    static func frame(_ dump: [UInt8]) -> [UInt8] {
        var checksum = Checksum()
        checksum.add(dump)
        var framed = magic
        withUnsafeBytes(of: UInt64(dump.count).littleEndian) { framed += $0 }
        withUnsafeBytes(of: checksum.value.littleEndian) { framed += $0 }
        return framed + dump
    }

    /// The dump inside a framed file; nil when the frame does not hold together.
    static func unframe(_ file: [UInt8]) -> ArraySlice<UInt8>? {
        let header = magic.count + 16
        guard file.count > header, file.starts(with: magic) else { return nil }
        let length = file.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: magic.count, as: UInt64.self)) }
        let sum = file.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: magic.count + 8, as: UInt64.self)) }
        guard length == UInt64(file.count - header) else { return nil }
        let dump = file[header...]
        var checksum = Checksum()
        checksum.add(dump)
        return checksum.value == sum ? dump : nil
    }

    /// A 64-bit checksum, eight bytes at a time (not a defence: the store vouches for the
    /// writer; this catches a torn or damaged file).
    struct Checksum {
        private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

        mutating func add<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
            let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in add(UnsafeRawBufferPointer(buffer)) }
            if done == nil { add(Array(bytes)) }
        }

        private mutating func add(_ raw: UnsafeRawBufferPointer) {
            var i = 0
            while raw.count - i >= 8 {
                mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < raw.count {
                tail |= UInt64(raw[i]) &<< shift
                shift &+= 8
                i += 1
            }
            mix(tail ^ (UInt64(raw.count) &<< 56))
        }

        private mutating func mix(_ word: UInt64) {
            value = (value ^ word) &* 0x0000_0100_0000_01B3
            value ^= value &>> 29
        }
    }
}

extension LuaState {
    /// Pushes the prelude's chunk: the store's dump when it has a sound one, else compiled from
    /// the source (and the dump handed to the store).
    func loadPrelude() throws {
        guard let store = configuration.compiledChunks else {
            try load(bytes: PackageResources.prelude_lua, chunkName: Prelude.chunkName)
            return
        }
        if let file = store.read(CompiledPrelude.name), let dump = CompiledPrelude.unframe(file) {
            let status = dump.withUnsafeBytes { raw in
                clua_safe_loadbinary(L, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, Prelude.chunkName)
            }
            if status == LUA_OK { return }
            lua_settop(L, -2)  // the message: compile instead
        }
        try load(bytes: PackageResources.prelude_lua, chunkName: Prelude.chunkName)
        var length = 0
        guard let bytes = clua_dump(L, &length) else { return }
        defer { free(bytes) }
        let dump = Array(UnsafeRawBufferPointer(start: bytes, count: length))
        store.write(CompiledPrelude.name, CompiledPrelude.frame(dump))
    }
}
