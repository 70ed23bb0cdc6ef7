import CoClickAPI
import Testing

@testable import CoClickLua

@Test func evaluatesAndReturnsValues() throws {
    let values = try eval("return 1, 2.5, 'x', true, {1, 2}, {a = 1}")
    #expect(
        values == [
            .integer(1), .number(2.5), .string("x"), .bool(true),
            .array([.integer(1), .integer(2)]), .object(["a": .integer(1)]),
        ])
}
