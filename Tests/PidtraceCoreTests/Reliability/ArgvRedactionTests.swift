import Testing
@testable import PidtraceCore

@Suite("--redact-args: secret argv values become ***")
struct ArgvRedactionTests {
    static func redact(_ args: [String]) -> [String] {
        ArgvRedaction.redact(args.map { Array($0.utf8) }).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: [
        // The value after a password-like option.
        (["mysql", "--password", "hunter2", "-h", "db"], ["mysql", "--password", "***", "-h", "db"]),
        (["x", "--passwd", "a b c"], ["x", "--passwd", "***"]),
        (["x", "--token", "t0k"], ["x", "--token", "***"]),
        (["x", "--secret", "s"], ["x", "--secret", "***"]),
        (["x", "--api-key", "k"], ["x", "--api-key", "***"]),
        (["x", "--API-KEY", "k"], ["x", "--API-KEY", "***"]),
        (["x", "--api_key", "k"], ["x", "--api_key", "***"]),
        (["x", "--db-password", "p", "--auth-token", "t"], ["x", "--db-password", "***", "--auth-token", "***"]),
        (["x", "--client-secret", "s"], ["x", "--client-secret", "***"]),
        (["x", "--aws-access-key", "AKIA"], ["x", "--aws-access-key", "***"]),
        (["java", "-password", "p"], ["java", "-password", "***"]),
        (["x", "--Password", "P"], ["x", "--Password", "***"]),
        // The value is taken whatever it looks like, and is not read as an option itself.
        (["x", "--password", "--token", "t"], ["x", "--password", "***", "t"]),
        (["x", "--password", ""], ["x", "--password", "***"]),
        (["x", "--password", "--password=y"], ["x", "--password", "***"]),
        // The option as the last argument (value cut by --max-args): nothing to hide.
        (["x", "--password"], ["x", "--password"]),
        // --option=VALUE.
        (["x", "--password=hunter2"], ["x", "--password=***"]),
        (["x", "--token=a=b=c"], ["x", "--token=***"]),
        (["x", "--password="], ["x", "--password=***"]),
        (["x", "--db.password=p"], ["x", "--db.password=***"]),
        // KEY=VALUE, the word anywhere in KEY.
        (["env", "MYSQL_ROOT_PASSWORD=x", "ls"], ["env", "MYSQL_ROOT_PASSWORD=***", "ls"]),
        (["env", "GITHUB_TOKEN=ghp_1", "AWS_SECRET_ACCESS_KEY=z"], ["env", "GITHUB_TOKEN=***", "AWS_SECRET_ACCESS_KEY=***"]),
        (["env", "STRIPE_API_KEY=sk", "MY_APIKEY=k", "OLD_PASSWD=o"], ["env", "STRIPE_API_KEY=***", "MY_APIKEY=***", "OLD_PASSWD=***"]),
        (["env", "AWS_ACCESS_KEY_ID=a", "SSH_PRIVATE_KEY=b", "GOOGLE_CREDENTIALS=c"],
         ["env", "AWS_ACCESS_KEY_ID=***", "SSH_PRIVATE_KEY=***", "GOOGLE_CREDENTIALS=***"]),
        (["env", "db_password=x", "Api-Key=y"], ["env", "db_password=***", "Api-Key=***"]),
        (["java", "-Dapi.token=abc", "-jar", "a.jar"], ["java", "-Dapi.token=***", "-jar", "a.jar"]),
    ])
    func secretsAreMasked(args: [String], expected: [String]) {
        #expect(Self.redact(args) == expected)
    }

    @Test(arguments: [
        // -p is a port as often as a password: left alone.
        ["docker", "run", "-p", "8080:80", "nginx"],
        ["ssh", "-p", "2222", "host"],
        ["mysql", "-u", "root", "-p"],
        // Options that only mention a secret word, or take no value.
        ["docker", "login", "--password-stdin", "-u", "me"],
        ["x", "--token-file", "/run/secrets/t"],
        ["psql", "--no-password", "--verbose"],
        // Ordinary KEY=VALUE and free text with '=' in it.
        ["env", "PATH=/usr/bin", "HOME=/root", "LANG=C"],
        ["sh", "-c", "echo password=visible-in-a-script"],
        ["x", "a=b", "=novalue", "password"],
        ["cat", "passwords.txt", "secret"],
        ["x", "--password123", "v"],
    ])
    func ordinaryArgumentsStay(args: [String]) {
        #expect(Self.redact(args) == args)
    }

    @Test func keysContainingAWordAnywhereAreSecret() {
        // Substring match on purpose: TOKENIZER contains TOKEN. Over-masking is the safe side.
        #expect(Self.redact(["make", "TOKENIZER=yes"]) == ["make", "TOKENIZER=***"])
        #expect(Self.redact(["x", "--password-file=/etc/p"]) == ["x", "--password-file=***"])
    }

    @Test func bytesThatAreNotUTF8() {
        let value: [UInt8] = [0xff, 0xfe, 0x00, 0x80]
        let args: [[UInt8]] = [Array("x".utf8), Array("--token".utf8), value,
                               Array("KEY_SECRET=".utf8) + value, [0xff] + Array("=v".utf8)]
        let out = ArgvRedaction.redact(args)
        #expect(out[2] == ArgvRedaction.mask)
        #expect(out[3] == Array("KEY_SECRET=***".utf8))
        #expect(out[4] == args[4], "a KEY with invalid bytes is not a name")
        #expect(!out.contains { $0.contains(0xfe) })
    }

    @Test func truncationFlagIsKept() {
        let argv = Argv(args: [Array("--secret".utf8), Array("x".utf8)], truncated: true)
        let redacted = ArgvRedaction.redact(argv)
        #expect(redacted.truncated)
        #expect(redacted.args[1] == ArgvRedaction.mask)
    }

    @Test func correlatorRedactsExecArgvOnlyWhenAsked() {
        let area = Array("mysql\0--password\0hunter2\0MYSQL_PWD_TOKEN=abc\0".utf8)
        let event = ProcessEvent.sample(.exec, argsArea: area)
        func argv(redact: Bool) -> [String] {
            var out: [String] = []
            Correlator(argvLimits: .init(redact: redact)).process(event) { record in
                if case let .process(p) = record { out = p.argv?.args.map { String(decoding: $0, as: UTF8.self) } ?? [] }
            }
            return out
        }
        #expect(argv(redact: true) == ["mysql", "--password", "***", "MYSQL_PWD_TOKEN=***"])
        #expect(argv(redact: false) == ["mysql", "--password", "hunter2", "MYSQL_PWD_TOKEN=abc"])
    }
}
