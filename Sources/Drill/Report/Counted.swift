/// A count with its noun, singular for one: "1 answer", "3 answers". Nouns of the report only:
/// all take a plain "s".
func counted(_ number: Int, _ noun: String) -> String {
    "\(number) \(noun)\(number == 1 ? "" : "s")"
}
