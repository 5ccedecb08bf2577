/// Durations and times in the report are milliseconds, rounded to a tenth: the probes query every
/// ~20 ms, so finer digits are clock noise, and rounded figures keep the JSON short and stable.
enum Milliseconds {
    static func rounded(_ milliseconds: Double) -> Double {
        (milliseconds * 10).rounded() / 10
    }
}
