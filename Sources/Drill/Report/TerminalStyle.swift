/// ANSI colours for the terminal report, or plain text when colour was not asked for (a pipe, a
/// file, a CI log).
struct TerminalStyle {
    let color: Bool

    func green(_ text: String) -> String { styled(text, code: "32") }
    func red(_ text: String) -> String { styled(text, code: "31") }
    func bold(_ text: String) -> String { styled(text, code: "1") }

    /// Whether an objective was met: a green ✓ or a red ✗ in colour, words without.
    func verdict(met: Bool) -> String {
        color ? (met ? green("✓") : red("✗")) : (met ? "met" : "MISSED")
    }

    private func styled(_ text: String, code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
