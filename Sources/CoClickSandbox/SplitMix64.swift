/// SplitMix64: a tiny, fast, well-mixed PRNG. The sandbox's data and its fault decisions come
/// from it so that the same seed always gives the same meetings and the same fault sequence
/// (and the tests' seeded random inputs).
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// `count` lowercase hex characters.
    mutating func hex(_ count: Int) -> String {
        var text = ""
        text.reserveCapacity(count)
        while text.count < count {
            let word = String(next(), radix: 16)
            text += String(repeating: "0", count: 16 - word.count) + word
        }
        return String(text.prefix(count))
    }
}
