/// The helpers written in Lua: `pp`, `coclick.tabulate`, `log.*` and the Lua half of `csv`.
/// Lua is the natural place for them: they call `tostring`, metamethods and `json.encode`, all
/// of which may raise, and here raising is fine. The chunk receives a table of the Swift and C
/// internals it builds on.
///
/// The Lua is `Prelude/prelude.lua`, embedded in the binary by SwiftPM (`.embedInCode`: no
/// bundle at run time) and loaded under its own name, so that an error or a traceback in it
/// names that file and line.
enum Prelude {
    /// `Prelude/prelude.lua` as the binary holds it.
    static let source = String(decoding: PackageResources.prelude_lua, as: UTF8.self)
    /// The chunk's name: Lua shows it as `CoClickLua/Prelude/prelude.lua:LINE:`.
    static let chunkName = "@CoClickLua/Prelude/prelude.lua"
}
