import Foundation
import Testing

@testable import CoClickAPI

@Suite("Dates")
struct DateTests {
    static let instant = Date(timeIntervalSince1970: 1_635_596_973)  // 2021-10-30T12:29:33Z

    @Test(arguments: [
        "2021-10-30T14:29:33.000+02:00", "2021-10-30T14:29:33+02:00", "2021-10-30T12:29:33Z",
        "2021-10-30T12:29:33.000Z", "2021-10-30T14:29:33+0200", "2021-10-30T14:29:33.000+02",
        "2021-10-30T07:29:33-05:00", "2021-10-30 12:29:33z",
    ])
    func parsesTheSameInstant(text: String) throws {
        let date = try #require(APIDate(text))
        #expect(date.date == Self.instant)
        #expect(date.text == text)
    }

    @Test func keepsFractionalSeconds() throws {
        let date = try #require(APIDate("2022-06-30T15:23:34.752+02:00"))
        #expect(abs(date.date.timeIntervalSince1970 - 1_656_595_414.752) < 1e-6)
        #expect(date.offsetSeconds == 7200)
    }

    @Test(arguments: [
        "", "2021-10-30", "2021-10-30T14:29:33", "2021-13-01T00:00:00Z", "2021-02-30T00:00:00Z",
        "2021-10-30T25:00:00Z", "2021-10-30T14:29:33.+02:00", "2021-10-30T14:29:33+2:00",
        "2021-10-30T14:29:33Zjunk", "yesterday",
    ])
    func rejectsNonDates(text: String) {
        #expect(APIDate(text) == nil)
    }

    @Test func formatsWithMillisecondsAndOffset() {
        #expect(APIDate.format(Self.instant) == "2021-10-30T12:29:33.000Z")
        #expect(APIDate.format(Self.instant, offsetSeconds: 7200) == "2021-10-30T14:29:33.000+02:00")
        #expect(APIDate.format(Date(timeIntervalSince1970: -1.5), offsetSeconds: -3600) == "1969-12-31T22:59:58.500-01:00")
        let round = APIDate(date: Date(timeIntervalSince1970: 1_656_595_414.752), offsetSeconds: 7200)
        #expect(round.text == "2022-06-30T15:23:34.752+02:00")
        #expect(APIDate(round.text)?.date == round.date)
    }

    /// Dates in the API's layout are read at once (`apiLayout`): with each byte changed to each
    /// of a set of bytes, cut or lengthened, they read as the field-by-field reading has them
    /// (the same parts, or both refused).
    @Test func theAPILayoutReadsAsFieldByField() {
        let dates = [
            "2026-11-25T08:00:37.000+00:00", "2024-02-29T23:59:60.999-23:59", "0000-01-01T00:00:00.000Z",
            "1900-02-28T12:34:56.789+05:30", "2021-10-30T12:29:33.125Z", "9999-12-31T19:09:10.901-10:01",
        ]
        let replacements = Array("0123456789+-:.TtZz ,/".utf8) + [0x00, 0x2F, 0x3A, 0x40, 0x80, 0xFF]
        var taken = 0
        for date in dates {
            let bytes = Array(date.utf8)
            var variants = [bytes, bytes + [0x30], bytes + Array("Z".utf8)]
            for k in bytes.indices {
                variants.append(Array(bytes[..<k]))
                for byte in replacements {
                    var changed = bytes
                    changed[k] = byte
                    variants.append(changed)
                }
            }
            for variant in variants {
                variant.withUnsafeBytes { raw in
                    #expect(ISO8601Components(utf8: raw) == ISO8601Components(fieldByField: raw), "\(String(decoding: variant, as: UTF8.self))")
                    if ISO8601Components.apiLayout(raw) != nil { taken += 1 }
                }
            }
        }
        #expect(taken > 300, "the layout's reading was taken \(taken) times")
    }

    @Test func leapDays() {
        #expect(APIDate("2024-02-29T00:00:00Z") != nil)
        #expect(APIDate("2023-02-29T00:00:00Z") == nil)
        #expect(APIDate("2000-02-29T00:00:00Z") != nil)
        #expect(APIDate("1900-02-29T00:00:00Z") == nil)
    }
}
