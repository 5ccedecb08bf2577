/// Durations as region files write them (`500ms`, `2s`, `1m`, a bare number in milliseconds),
/// for command-line options that should read the same way.
public enum DurationText {
    public static func milliseconds(_ text: String) -> Int? { YAMLReader.Units.duration.parse(text) }
}
