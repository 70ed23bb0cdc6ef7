import Testing

@testable import CoClickSandbox

/// The sandbox's dates, on the API core's parser and calendar.
@Suite struct ISODateTests {
    @Test func parsesWhatRailsAndClientsWrite() {
        let instant: Int64 = 1_893_573_000_123  // 2030-01-02T08:30:00.123Z
        #expect(ISODate.parse("2030-01-02T10:30:00.123+02:00") == instant)
        #expect(ISODate.parse("2030-01-02T10:30:00.123+0200") == instant)
        #expect(ISODate.parse("2030-01-02t08:30:00,1239Z") == instant)
        #expect(ISODate.parse("2030-01-02 08:30:00.123") == instant)  // no offset: UTC
        #expect(ISODate.parse("2030-01-02") == 1_893_542_400_000)
        #expect(ISODate.parse("1969-12-31T23:59:59.999Z") == -1)
        for bad in ["tomorrow", "2030-02-30", "2030-01-02T24:00", "2030-01-02T10:30:00.+02:00", "2030-01-02T10:30Zx", ""] {
            #expect(ISODate.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func formatsInUTCWithMillisecondsAndAnOffset() {
        #expect(ISODate.format(milliseconds: 1_893_573_000_123) == "2030-01-02T08:30:00.123+00:00")
        #expect(ISODate.format(milliseconds: -1) == "1969-12-31T23:59:59.999+00:00")
        #expect(ISODate.format(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000+00:00")
        for text in ["2031-10-30T14:29:33.000+00:00", "2024-02-29T23:59:59.999+00:00"] {
            #expect(ISODate.parse(text).map { ISODate.format(milliseconds: $0) } == text)
        }
    }
}
