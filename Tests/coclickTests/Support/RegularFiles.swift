import Foundation

/// Every regular file under `directory` (the files a run may have written: history, cache,
/// config, state), for the secrets tests to search.
func regularFiles(under directory: URL) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
    var paths: [String] = []
    while let name = enumerator.nextObject() as? String {
        let path = directory.appendingPathComponent(name).path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            paths.append(path)
        }
    }
    return paths
}
