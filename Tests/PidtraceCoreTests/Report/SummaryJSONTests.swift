import Foundation
import Testing
@testable import PidtraceCore

@Suite("summary --json: one JSON document")
struct SummaryJSONTests {
    @Test("the restart story as JSON, read back by Foundation")
    func restarts() throws {
        let doc = try #require(try JSONSerialization.jsonObject(
            with: Data(try ReportFixture.report("restarts").summaryJSON())) as? [String: Any])
        let recording = try #require(doc["recording"] as? [String: Any])
        #expect(recording["complete"] as? Bool == true)
        #expect(recording["lost"] as? Int == 3)
        #expect(recording["malformed_lines"] as? [Int] == [])
        let containers = try #require(doc["containers"] as? [[String: Any]])
        #expect(containers.first?["restarts"] as? Int == 2)
        let generations = try #require(doc["generations"] as? [[String: Any]])
        #expect(generations.map { $0["init_host_pid"] as? Int } == [4242, 4300, 4400])
        let endings = generations.map { $0["ended"] as? [String: Any] }
        #expect(endings[0]?["how"] as? String == "exit" && endings[0]?["exit_code"] as? Int == 3)
        #expect(endings[1]?["how"] as? String == "signal" && endings[1]?["signal_name"] as? String == "SIGKILL")
        let sender = endings[1]?["sender"] as? [String: Any]
        #expect(sender?["host_pid"] as? Int == 77 && sender?["comm"] as? String == "dockerd")
        #expect(endings[2]?["how"] as? String == "oom_kill" && endings[2]?["memcg_id"] as? Int == 5123)
        let chain = generations[0]["exec_chain"] as? [[String: Any]]
        #expect(chain?.map { $0["argv"] as? [String] } == [["sh", "-c", "start.sh"], ["nginx", "-g", "daemon off;"]])
        #expect((generations[1]["zombies_never_reaped"] as? [[String: Any]])?.first?["host_pid"] as? Int == 4301)
        #expect((generations[2]["reaped_late"] as? [[String: Any]])?.first?["reparented_to_ns_init"] as? Bool == true)
    }

    @Test("malformed lines and a cut file show in the recording object")
    func damaged() throws {
        let doc = try #require(try JSONSerialization.jsonObject(
            with: Data(try ReportFixture.report("truncated").summaryJSON())) as? [String: Any])
        let recording = try #require(doc["recording"] as? [String: Any])
        #expect(recording["complete"] as? Bool == false)
        #expect(recording["malformed_lines"] as? [Int] == [7])
        #expect((recording["diagnostics"] as? [[String: Any]])?.first?["line"] as? Int == 7)
        #expect((doc["generations"] as? [[String: Any]])?.first?["ended"] == nil)
    }
}
