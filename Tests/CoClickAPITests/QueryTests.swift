import Foundation
import Testing

@testable import CoClickAPI

@Suite("q encoding")
struct QueryTests {
    @Test func objectInRailsForm() {
        #expect(MeetingQuery.object(.object(["user": .string("a@b.c")])).queryString == "q[user]=a%40b.c")
    }

    @Test func plainStringIsSentAfterQ() {
        #expect(MeetingQuery.text("scheduled").queryString == "q=scheduled")
        #expect(MeetingQuery.text("a b&c=d").queryString == "q=a%20b%26c%3Dd")
    }

    @Test func nestedObjectsNest() {
        let q = MeetingQuery.object(.object(["starts_at": .object(["gte": .string("2021-10-30T00:00:00+02:00"), "lt": .integer(5)])]))
        #expect(q.queryString == "q[starts_at][gte]=2021-10-30T00%3A00%3A00%2B02%3A00&q[starts_at][lt]=5")
    }

    @Test func arraysUseEmptyBrackets() {
        let q = MeetingQuery.object(.object(["status": .array([.string("scheduled"), .string("in_progress")])]))
        #expect(q.queryString == "q[status][]=scheduled&q[status][]=in_progress")
        #expect(MeetingQuery.object(.object(["s": .array([])])).queryString == "q[s][]=")
    }

    @Test func specialCharactersAndScalars() {
        let q = MeetingQuery.object(
            .object([
                "name": .string("Élodie & Co/?#[]+ %"), "flag": .bool(true), "none": .null, "ratio": .number(1.5), "whole": .number(3),
                "k y": .string("v"),
            ]))
        #expect(q.queryString == "q[flag]=true&q[k%20y]=v&q[name]=%C3%89lodie%20%26%20Co%2F%3F%23%5B%5D%2B%20%25&q[none]=&q[ratio]=1.5&q[whole]=3")
    }

    @Test func wireFormEncodesBrackets() {
        let q = MeetingQuery.object(.object(["user": .string("a@b.c"), "s": .array([.string("x")])]))
        #expect(q.encodedQueryString == "q%5Bs%5D%5B%5D=x&q%5Buser%5D=a%40b.c")
        #expect(URL(string: "http://h/m?" + q.encodedQueryString)?.query == q.encodedQueryString)
    }

    @Test func unreservedCharactersStay() {
        #expect(PercentEncoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(PercentEncoding.encode("@:/") == "%40%3A%2F")
    }
}
