import Testing
@testable import PidtraceCore

@Suite("POSIX shell quoting of argv for display")
struct ShellQuoteTests {
    @Test(arguments: ["nginx", "-g", "/usr/sbin/nginx", "--opt=a,b:c", "user@host", "50%", "a+b", "x_y.z"])
    func plainWordsStayAsTheyAre(arg: String) {
        #expect(ShellQuote.quote(arg) == arg)
    }

    @Test(arguments: [
        ("daemon off;", "'daemon off;'"), ("", "''"), ("a b", "'a b'"), ("$HOME", "'$HOME'"),
        ("*.log", "'*.log'"), ("~root", "'~root'"), ("#x", "'#x'"), ("a\"b", "'a\"b'"),
        ("it's", #"'it'\''s'"#), ("'", #"''\'''"#), ("a|b&c", "'a|b&c'"), ("x\\y", "'x\\y'"),
        ("(sub)", "'(sub)'"), ("café", "'café'"), ("tab\there", "'tab\there'"),
    ] as [(String, String)])
    func metacharactersAreSingleQuoted(arg: String, quoted: String) {
        #expect(ShellQuote.quote(arg) == quoted)
    }

    @Test func theDocumentsExampleReadsAsThreeArguments() {
        #expect(ShellQuote.join(["nginx", "-g", "daemon off;"]) == "nginx -g 'daemon off;'")
        #expect(ShellQuote.join(["sh", "-c", "trap '' TERM; sleep 1"]) == #"sh -c 'trap '\'''\'' TERM; sleep 1'"#)
        #expect(ShellQuote.join([String]()) == "")
    }
}
