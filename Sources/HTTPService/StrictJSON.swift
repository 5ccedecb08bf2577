import Foundation

/// Request bodies of the admin APIs, decoded strictly: the right types (no `"up": 1` for a
/// Bool) and no keys beyond `allowed` (a typo such as `"capcity"` must not be silently ignored).
public enum StrictJSON {
    public static func decode<T: Decodable>(_ type: T.Type, _ body: Data, allowed: Set<String>) -> T? {
        guard let keys = (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?.keys, Set(keys).isSubset(of: allowed) else { return nil }
        return try? JSONDecoder().decode(T.self, from: body)
    }
}
