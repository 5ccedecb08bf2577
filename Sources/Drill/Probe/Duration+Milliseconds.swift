extension Duration {
    /// The duration in milliseconds: the drill's unit for every time it records and reports.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
